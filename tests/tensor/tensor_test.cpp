// Tests Tensor: creation, element access and its error messages, copies and views, and the
// autograd bookkeeping a tensor carries, from 0-d scalars to a 10,000-row batch.
#include "soma/tensor/tensor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/generator.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Shape;
using soma::Tensor;

TEST(TensorTest, DefaultTensorIsUndefined) {
  const Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_SOMA_ERROR(t.shape(), "shape: the tensor is undefined");
}

TEST(TensorTest, ScalarIsZeroDimensional) {
  const Tensor t = soma::scalar(2.5f);
  EXPECT_EQ(t.rank(), 0);
  EXPECT_EQ(t.numel(), 1);
  EXPECT_EQ(t.shape(), Shape{});
  EXPECT_EQ(t.item(), 2.5f);
  EXPECT_EQ(t.at({}), 2.5f);
}

TEST(TensorTest, OneDimensionalFromValues) {
  const Tensor t = soma::tensor({1.0f, 2.0f, 3.0f});
  EXPECT_EQ(t.shape(), Shape({3}));
  EXPECT_EQ(t.to_vector(), (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_TRUE(t.is_leaf());
  EXPECT_FALSE(t.requires_grad());
}

TEST(TensorTest, TwoDimensionalFromRowsIsRowMajor) {
  const Tensor t = soma::tensor({{1.0f, 2.0f, 3.0f}, {4.0f, 5.0f, 6.0f}});
  EXPECT_EQ(t.shape(), Shape({2, 3}));
  EXPECT_EQ(t.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t.at({0, 2}), 3.0f);
  EXPECT_EQ(t.at({1, 0}), 4.0f);
  EXPECT_EQ(t.size(0), 2);
  EXPECT_EQ(t.size(-1), 3);
}

TEST(TensorTest, RaggedRowsThrow) {
  EXPECT_SOMA_ERROR(soma::tensor({{1.0f, 2.0f, 3.0f}, {4.0f, 5.0f}}),
                    "tensor: row 1 has 2 values, row 0 has 3");
}

TEST(TensorTest, FromValuesFillsAnyShape) {
  const Tensor t = soma::from_values(Shape{2, 1, 2}, {1, 2, 3, 4});
  EXPECT_EQ(t.shape(), Shape({2, 1, 2}));
  EXPECT_EQ(t.at({1, 0, 1}), 4.0f);
}

TEST(TensorTest, FromValuesWithTheWrongCountThrows) {
  EXPECT_SOMA_ERROR(soma::from_values(Shape{2, 2}, {1, 2, 3}),
                    "from_values: 3 values given for shape (2x2), which holds 4");
}

TEST(TensorTest, ConstantFills) {
  EXPECT_EQ(soma::zeros(Shape{2, 3}).to_vector(), std::vector<float>(6, 0.0f));
  EXPECT_EQ(soma::ones(Shape{4}).to_vector(), std::vector<float>(4, 1.0f));
  const Tensor filled = soma::full(Shape{3, 1}, -1.5f);
  EXPECT_EQ(filled.shape(), Shape({3, 1}));
  EXPECT_EQ(filled.to_vector(), std::vector<float>(3, -1.5f));
  const Tensor like = soma::ones_like(filled);
  EXPECT_EQ(like.shape(), Shape({3, 1}));
  EXPECT_EQ(like.to_vector(), std::vector<float>(3, 1.0f));
  EXPECT_EQ(soma::zeros_like(filled).to_vector(), std::vector<float>(3, 0.0f));
  EXPECT_EQ(soma::zeros(Shape{0, 3}).numel(), 0);
}

TEST(TensorTest, ArangeCountsUpToButExcludingStop) {
  EXPECT_EQ(soma::arange(0.0f, 5.0f).to_vector(), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(soma::arange(1.0f, 2.0f, 0.25f).to_vector(),
            (std::vector<float>{1.0f, 1.25f, 1.5f, 1.75f}));
  EXPECT_EQ(soma::arange(3.0f, 3.0f).numel(), 0);
  EXPECT_EQ(soma::arange(0.0f, 5.0f, -1.0f).numel(), 0);  // wrong direction: empty
}

TEST(TensorTest, ArangeWithFractionalStepHasTheNumPyCount) {
  const Tensor t = soma::arange(0.0f, 1.0f, 0.1f);
  ASSERT_EQ(t.numel(), 10);
  EXPECT_EQ(t.data()[0], 0.0f);
  EXPECT_NEAR(t.data()[5], 0.5f, 1e-7f);
  EXPECT_NEAR(t.data()[9], 0.9f, 1e-7f);
}

// 3 * 0.1f rounds to exactly 0.3f: that element would equal stop and must not be produced.
TEST(TensorTest, ArangeNeverReachesStop) {
  const Tensor up = soma::arange(0.0f, 0.3f, 0.1f);
  ASSERT_EQ(up.numel(), 3);
  EXPECT_LT(up.data()[2], 0.3f);
  const Tensor down = soma::arange(1.0f, 0.7f, -0.1f);
  ASSERT_EQ(down.numel(), 3);
  EXPECT_GT(down.data()[2], 0.7f);
  const Tensor longer = soma::arange(-1.0f, 2.0f, 0.1f);
  EXPECT_EQ(longer.numel(), 30);
  for (float value : longer.to_vector()) EXPECT_LT(value, 2.0f);
}

TEST(TensorTest, ArangeWithNegativeStepCountsDown) {
  EXPECT_EQ(soma::arange(5.0f, 0.0f, -1.0f).to_vector(), (std::vector<float>{5, 4, 3, 2, 1}));
  EXPECT_EQ(soma::arange(1.0f, -1.0f, -0.5f).to_vector(),
            (std::vector<float>{1.0f, 0.5f, 0.0f, -0.5f}));
}

TEST(TensorTest, ArangeWithZeroStepThrows) {
  EXPECT_SOMA_ERROR(soma::arange(0.0f, 1.0f, 0.0f),
                    "arange: step must be non-zero and all bounds finite");
}

TEST(TensorTest, AtReadsAndWrites) {
  Tensor t = soma::zeros(Shape{2, 3});
  t.at({1, 2}) = 7.0f;
  t.at({0, 1}) = -1.0f;
  EXPECT_EQ(t.to_vector(), (std::vector<float>{0, -1, 0, 0, 0, 7}));
  const Tensor& view = t;
  EXPECT_EQ(view.at({1, 2}), 7.0f);
}

TEST(TensorTest, AtWithABadIndexNamesIndexDimensionAndShape) {
  const Tensor t = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(t.at({1, 3}), "at: index 3 is out of range for dimension 1 of shape (2x3)");
  EXPECT_SOMA_ERROR(t.at({-1, 0}), "at: index -1 is out of range for dimension 0 of shape (2x3)");
}

TEST(TensorTest, AtWithTheWrongNumberOfIndicesThrows) {
  Tensor t = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(t.at({1}) = 1.0f, "at: 1 indices given for a tensor of shape (2x3)");
  EXPECT_SOMA_ERROR(t.at({0, 0, 0}), "at: 3 indices given for a tensor of shape (2x3)");
}

TEST(TensorTest, ItemNeedsExactlyOneElement) {
  EXPECT_EQ(soma::full(Shape{1, 1}, 4.0f).item(), 4.0f);
  EXPECT_SOMA_ERROR(soma::zeros(Shape{2, 3}).item(),
                    "item: expects a tensor with one element, got shape (2x3)");
}

TEST(TensorTest, CopyingAHandleSharesTheData) {
  Tensor a = soma::zeros(Shape{2});
  Tensor b = a;
  b.at({0}) = 3.0f;
  EXPECT_EQ(a.at({0}), 3.0f);
  EXPECT_TRUE(a.same_as(b));
}

TEST(TensorTest, CloneIsAnIndependentCopy) {
  Tensor original = soma::tensor({1.0f, 2.0f});
  original.set_requires_grad();
  Tensor copy = original.clone();
  copy.at({0}) = 10.0f;
  EXPECT_EQ(original.at({0}), 1.0f);
  EXPECT_EQ(copy.to_vector(), (std::vector<float>{10.0f, 2.0f}));
  EXPECT_NE(copy.data(), original.data());
  EXPECT_TRUE(copy.is_leaf());
  EXPECT_FALSE(copy.requires_grad());
}

TEST(TensorTest, DetachSharesTheStorageButNotTheGraph) {
  Tensor x = soma::tensor({1.0f, 2.0f});
  x.set_requires_grad();
  const Tensor y = x * x;
  Tensor detached = y.detach();
  EXPECT_EQ(detached.data(), y.data());
  EXPECT_TRUE(detached.is_leaf());
  EXPECT_FALSE(detached.requires_grad());
  EXPECT_EQ(detached.grad_fn(), nullptr);
  detached.at({1}) = 9.0f;  // visible through y: the same storage
  EXPECT_EQ(y.at({1}), 9.0f);
  EXPECT_FALSE(y.is_leaf());
  EXPECT_TRUE(y.requires_grad());
}

TEST(TensorTest, SetRequiresGradOnANonLeafThrows) {
  Tensor x = soma::tensor({1.0f, 2.0f});
  x.set_requires_grad();
  Tensor y = x * x;
  EXPECT_SOMA_ERROR(y.set_requires_grad(),
                    "set_requires_grad: only leaf tensors can be marked; this one, of shape (2), "
                    "was computed by an operation (use detach() to make a leaf)");
  // A leaf can be switched off again.
  x.set_requires_grad(false);
  EXPECT_FALSE(x.requires_grad());
}

// y = x^3 + 2x on a 0-d scalar: dy/dx = 3x^2 + 2 = 29 at x = 3.
TEST(TensorTest, ZeroDimensionalScalarGoesThroughTheEngine) {
  Tensor x = soma::scalar(3.0f);
  x.set_requires_grad();
  const Tensor y = x * x * x + 2.0f * x;
  EXPECT_EQ(y.rank(), 0);
  EXPECT_EQ(y.item(), 33.0f);
  soma::backward(y);
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().shape(), Shape{});
  EXPECT_EQ(x.grad().item(), 29.0f);
}

// The same ops on a (10000 x 4) batch: sum(x^3 + 2x) has gradient 3x^2 + 2 per element.
TEST(TensorTest, LargeBatchGoesThroughTheSameOps) {
  soma::Generator generator(17);
  Tensor x = soma::uniform(Shape{10000, 4}, -2.0f, 2.0f, generator);
  x.set_requires_grad();
  const Tensor y = soma::sum(x * x * x + 2.0f * x);
  double expected_value = 0.0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double v = x.data()[i];
    expected_value += v * v * v + 2.0 * v;
  }
  EXPECT_NEAR(y.item(), expected_value, 1e-5 * 40000);
  soma::backward(y);
  const Tensor grad = x.grad();
  ASSERT_EQ(grad.shape(), Shape({10000, 4}));
  for (int64_t i = 0; i < x.numel(); ++i) {
    const float v = x.data()[i];
    ASSERT_NEAR(grad.data()[i], 3.0f * v * v + 2.0f, 1e-5f) << "element " << i;
  }
}

}  // namespace
