// Tests the messages of the errors users cause: each names the operation and the shapes,
// axes, labels or indices that were wrong, so that the message alone explains the mistake.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/soma.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Shape;
using soma::Tensor;

TEST(ErrorMessagesTest, MatmulOfIncompatibleShapes) {
  EXPECT_SOMA_ERROR(soma::matmul(soma::zeros(Shape{3, 4}), soma::zeros(Shape{5, 2})),
                    "matmul: cannot multiply (3x4) by (5x2)");
}

TEST(ErrorMessagesTest, MatmulOfNonMatrices) {
  EXPECT_SOMA_ERROR(soma::matmul(soma::zeros(Shape{3}), soma::zeros(Shape{3, 2})),
                    "matmul: expects two 2-d tensors, got (3) and (3x2)");
  EXPECT_SOMA_ERROR(soma::matmul(soma::zeros(Shape{2, 3}), soma::zeros(Shape{1, 3, 2})),
                    "matmul: expects two 2-d tensors, got (2x3) and (1x3x2)");
}

TEST(ErrorMessagesTest, ElementWiseOpsOfIncompatibleShapes) {
  const Tensor a = soma::zeros(Shape{3, 4});
  const Tensor b = soma::zeros(Shape{5});
  EXPECT_SOMA_ERROR(soma::add(a, b), "add: cannot broadcast (3x4) with (5)");
  EXPECT_SOMA_ERROR(soma::sub(a, b), "sub: cannot broadcast (3x4) with (5)");
  EXPECT_SOMA_ERROR(soma::mul(a, b), "mul: cannot broadcast (3x4) with (5)");
  EXPECT_SOMA_ERROR(soma::div(a, b), "div: cannot broadcast (3x4) with (5)");
  EXPECT_SOMA_ERROR(soma::pow(a, b), "pow: cannot broadcast (3x4) with (5)");
  EXPECT_SOMA_ERROR(a + b, "add: cannot broadcast (3x4) with (5)");
}

TEST(ErrorMessagesTest, ReshapeToTheWrongCount) {
  const Tensor x = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(soma::reshape(x, {4, 2}),
                    "reshape: cannot reshape (2x3) (6 elements) to (4x2)");
  EXPECT_SOMA_ERROR(soma::reshape(x, {4, -1}),
                    "reshape: cannot reshape (2x3) (6 elements) to (4x-1)");
  EXPECT_SOMA_ERROR(
      soma::reshape(x, {-1, -1}),
      "reshape: invalid extents (-1x-1) (only one -1 is allowed, and no other negative "
      "extent)");
}

TEST(ErrorMessagesTest, ReductionAxisOutOfRange) {
  const Tensor x = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(soma::sum(x, 2), "sum: axis 2 is out of range for shape (2x3)");
  EXPECT_SOMA_ERROR(soma::sum(x, -3, true), "sum: axis -3 is out of range for shape (2x3)");
  EXPECT_SOMA_ERROR(soma::mean(x, 5), "mean: axis 5 is out of range for shape (2x3)");
}

TEST(ErrorMessagesTest, SoftmaxAxisOutOfRange) {
  const Tensor x = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(soma::softmax(x, 2), "softmax: axis 2 is out of range for shape (2x3)");
  EXPECT_SOMA_ERROR(soma::log_softmax(x, -3),
                    "log_softmax: axis -3 is out of range for shape (2x3)");
  EXPECT_SOMA_ERROR(soma::softmax(soma::scalar(1.0f)),
                    "softmax: axis -1 is out of range for shape ()");
}

TEST(ErrorMessagesTest, LossesOfMismatchedShapes) {
  const Tensor prediction = soma::zeros(Shape{3});
  const Tensor target = soma::zeros(Shape{3, 1});
  EXPECT_SOMA_ERROR(soma::squared_error(prediction, target),
                    "squared_error: prediction (3) and target (3x1) differ in shape");
  EXPECT_SOMA_ERROR(soma::binary_cross_entropy(prediction, target),
                    "binary_cross_entropy: prediction (3) and target (3x1) differ in shape");
  EXPECT_SOMA_ERROR(
      soma::binary_cross_entropy_with_logits(prediction, target),
      "binary_cross_entropy_with_logits: prediction (3) and target (3x1) differ in shape");
}

TEST(ErrorMessagesTest, SoftmaxCrossEntropyLabelOutOfRange) {
  const Tensor logits = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(soma::softmax_cross_entropy(logits, std::vector<int64_t>{0, 3}),
                    "softmax_cross_entropy: label 3 of row 1 is out of range for 3 classes");
  EXPECT_SOMA_ERROR(soma::softmax_cross_entropy(logits, std::vector<int64_t>{-1, 0}),
                    "softmax_cross_entropy: label -1 of row 0 is out of range for 3 classes");
  EXPECT_SOMA_ERROR(soma::softmax_cross_entropy(logits, soma::tensor({2.0f, 5.0f})),
                    "softmax_cross_entropy: label 5 of row 1 is out of range for 3 classes");
}

TEST(ErrorMessagesTest, SoftmaxCrossEntropyNonIntegerLabel) {
  const Tensor logits = soma::zeros(Shape{2, 3});
  const std::string message = error_message([&] {
    soma::softmax_cross_entropy(logits, soma::tensor({0.0f, 1.5f}));
  });
  EXPECT_EQ(message.rfind("softmax_cross_entropy: label 1.5", 0), 0u) << message;
  EXPECT_NE(message.find(" of row 1 is not an integer class index"), std::string::npos) << message;
}

TEST(ErrorMessagesTest, SoftmaxCrossEntropyWrongLabelCount) {
  const Tensor logits = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(soma::softmax_cross_entropy(logits, std::vector<int64_t>{0, 1, 2}),
                    "softmax_cross_entropy: 3 labels given for logits of shape (2x3)");
  EXPECT_SOMA_ERROR(
      soma::softmax_cross_entropy(logits, soma::zeros(Shape{2, 1})),
      "softmax_cross_entropy: labels must be a 1-d tensor of class indices, got (2x1)");
  EXPECT_SOMA_ERROR(soma::softmax_cross_entropy(soma::zeros(Shape{3}), std::vector<int64_t>{0}),
                    "softmax_cross_entropy: logits must be (samples x classes), got (3)");
}

TEST(ErrorMessagesTest, BroadcastToAnUnreachableShape) {
  // Incompatible extents, and a shape with fewer dimensions than the tensor.
  const std::string incompatible =
      error_message([] { soma::broadcast_to(soma::zeros(Shape{3}), Shape{4}); });
  EXPECT_EQ(incompatible.rfind("broadcast_to: cannot broadcast (3) ", 0), 0u) << incompatible;
  EXPECT_NE(incompatible.find("(4)"), std::string::npos) << incompatible;
  EXPECT_SOMA_ERROR(soma::broadcast_to(soma::zeros(Shape{2, 3}), Shape{3}),
                    "broadcast_to: cannot broadcast (2x3) to (3)");
  EXPECT_SOMA_ERROR(soma::sum_to(soma::zeros(Shape{3}), Shape{2, 3}),
                    "sum_to: cannot sum (3) down to (2x3)");
}

TEST(ErrorMessagesTest, TransposeOfANonMatrix) {
  const Tensor x = soma::zeros(Shape{2, 3, 4});
  EXPECT_SOMA_ERROR(
      soma::transpose(x),
      "transpose: expects a 2-d tensor, got (2x3x4) (use transpose(x, dim0, dim1) for "
      "other ranks)");
  EXPECT_SOMA_ERROR(soma::transpose(x, 0, 3),
                    "transpose: axis 3 is out of range for shape (2x3x4)");
}

TEST(ErrorMessagesTest, AtWithABadIndex) {
  const Tensor x = soma::zeros(Shape{2, 3});
  EXPECT_SOMA_ERROR(x.at({2, 0}), "at: index 2 is out of range for dimension 0 of shape (2x3)");
  EXPECT_SOMA_ERROR(x.at({0, 1, 2}), "at: 3 indices given for a tensor of shape (2x3)");
}

TEST(ErrorMessagesTest, SizeOfAMissingDimension) {
  EXPECT_SOMA_ERROR(soma::zeros(Shape{2, 3}).size(2),
                    "size: axis 2 is out of range for shape (2x3)");
}

TEST(ErrorMessagesTest, AllAreSomaErrors) {
  EXPECT_THROW(soma::matmul(soma::zeros(Shape{3, 4}), soma::zeros(Shape{5, 2})), soma::Error);
  EXPECT_THROW(soma::reshape(soma::zeros(Shape{2, 3}), {5}), soma::Error);
  EXPECT_THROW(soma::sum(soma::zeros(Shape{2}), 1), soma::Error);
  // soma::Error is a std::runtime_error, for callers that catch standard exceptions.
  EXPECT_THROW(soma::sum(soma::zeros(Shape{2}), 1), std::runtime_error);
}

}  // namespace
