// linear(x, W, b) against the two ops it fuses, add(matmul(x, W), b): the same values, the
// same gradients on a first backward (fresh parameters) and on later ones, where the
// weight's and the bias's shares are added straight into their existing gradients; and
// its shape errors.
#include "soma/ops/linear.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear_algebra.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/generator.hpp"
#include "support/error_message.hpp"

namespace soma {
namespace {

Tensor random_tensor(const Shape& shape, Generator& generator, bool requires_grad) {
  Tensor t = uniform(shape, -1.0f, 1.0f, generator);
  if (requires_grad) t.set_requires_grad(true);
  return t;
}

void expect_close(const Tensor& actual, const Tensor& expected, const char* what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  const std::vector<float> a = actual.to_vector();
  const std::vector<float> e = expected.to_vector();
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_NEAR(a[i], e[i], 1e-5f * (1.0f + std::abs(e[i]))) << what << " element " << i;
  }
}

// Sizes on both sides of the threshold where products are split over threads, and a
// single row (the row-times-matrix kernel).
struct Sizes {
  int64_t samples, inputs, outputs;
};

class LinearTest : public ::testing::TestWithParam<Sizes> {};

TEST_P(LinearTest, MatchesMatmulPlusBiasOverThreeBackwardPasses) {
  const Sizes size = GetParam();
  Generator generator(11);
  const Tensor weight_values = random_tensor({size.inputs, size.outputs}, generator, false);
  const Tensor bias_values = random_tensor({size.outputs}, generator, false);
  Tensor fused_weight = weight_values.clone().set_requires_grad(true);
  Tensor fused_bias = bias_values.clone().set_requires_grad(true);
  Tensor plain_weight = weight_values.clone().set_requires_grad(true);
  Tensor plain_bias = bias_values.clone().set_requires_grad(true);
  // Three passes with different inputs: the first creates the gradients, the later ones
  // add into them in place; the input x wants its gradient every time.
  for (int pass = 0; pass < 3; ++pass) {
    const Tensor x_values = random_tensor({size.samples, size.inputs}, generator, false);
    Tensor fused_x = x_values.clone().set_requires_grad(true);
    Tensor plain_x = x_values.clone().set_requires_grad(true);
    const Tensor fused = linear(fused_x, fused_weight, fused_bias);
    const Tensor plain = add(matmul(plain_x, plain_weight), plain_bias);
    expect_close(fused, plain, "forward");
    soma::backward(sum(tanh(fused)));
    soma::backward(sum(tanh(plain)));
    expect_close(fused_x.grad(), plain_x.grad(), "d/dx");
    expect_close(fused_weight.grad(), plain_weight.grad(), "d/dW");
    expect_close(fused_bias.grad(), plain_bias.grad(), "d/db");
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, LinearTest,
                         ::testing::Values(Sizes{4, 3, 2}, Sizes{1, 784, 256}, Sizes{32, 16, 16},
                                           Sizes{128, 300, 70}),
                         [](const ::testing::TestParamInfo<Sizes>& case_info) {
                           return std::to_string(case_info.param.samples) + "x" +
                                  std::to_string(case_info.param.inputs) + "x" +
                                  std::to_string(case_info.param.outputs);
                         });

TEST(LinearOp, WithoutBiasIsTheProduct) {
  Generator generator(3);
  const Tensor x = random_tensor({5, 4}, generator, false);
  const Tensor w = random_tensor({4, 3}, generator, false);
  expect_close(linear(x, w, Tensor()), matmul(x, w), "no bias");
}

TEST(LinearOp, ShapeErrorsNameTheShapes) {
  const Tensor x = zeros({2, 3});
  EXPECT_SOMA_ERROR(linear(x, zeros({4, 5}), Tensor()), "linear: cannot multiply (2x3) by (4x5)");
  EXPECT_SOMA_ERROR(linear(x, zeros({3, 5}), zeros({4})),
                    "linear: the bias must have shape (5) for a weight of shape (3x5), got (4)");
  EXPECT_SOMA_ERROR(linear(zeros({3}), zeros({3, 5}), Tensor()),
                    "linear: expects a 2-d input and a 2-d weight, got (3) and (3x5)");
}

}  // namespace
}  // namespace soma
