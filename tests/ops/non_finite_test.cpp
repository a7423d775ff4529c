// The element-wise ops and softmax on NaN, infinities and the largest floats, as a network
// with a broken weight would feed them: each gives its mathematical limit, NaN stays NaN
// (relu included, so that a broken weight shows in the output instead of turning into 0),
// and the gradients at the limits are the limits of the gradients.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/ops/softmax.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma {
namespace {

constexpr float nan_value = std::numeric_limits<float>::quiet_NaN();
constexpr float infinity = std::numeric_limits<float>::infinity();
constexpr float largest = std::numeric_limits<float>::max();

// The inputs every element-wise case below is given, in this order.
const std::vector<float> edge_inputs = {nan_value, infinity, -infinity, largest,
                                        -largest,  1e30f,    -1e30f};

Tensor gelu(const Tensor& x) {
  return activate("gelu", x);
}
Tensor silu(const Tensor& x) {
  return activate("silu", x);
}

struct ElementwiseCase {
  const char* name;
  Tensor (*op)(const Tensor&);
  std::vector<float> expected;  // one per edge input; NaN where NaN is expected
};

void expect_values(const std::vector<float>& got, const std::vector<float>& expected,
                   const char* name) {
  ASSERT_EQ(got.size(), expected.size()) << name;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << name << " of " << edge_inputs[i] << " is " << got[i];
    } else {
      EXPECT_EQ(got[i], expected[i]) << name << " of " << edge_inputs[i];
    }
  }
}

TEST(NonFiniteInputs, ElementwiseOpsGiveTheirLimitsAndKeepNaN) {
  const Tensor leaky = leaky_relu(from_values({7}, edge_inputs), 0.5f);
  expect_values(leaky.to_vector(),
                {nan_value, infinity, -infinity, largest, -largest * 0.5f, 1e30f, -0.5e30f},
                "leaky_relu");
  const std::vector<ElementwiseCase> cases = {
      {"exp", exp, {nan_value, infinity, 0, infinity, 0, infinity, 0}},
      {"sigmoid", sigmoid, {nan_value, 1, 0, 1, 0, 1, 0}},
      {"tanh", tanh, {nan_value, 1, -1, 1, -1, 1, -1}},
      {"relu", relu, {nan_value, infinity, 0, largest, 0, 1e30f, 0}},
      {"softplus", softplus, {nan_value, infinity, 0, largest, 0, 1e30f, 0}},
      // x Phi(x) and x s(x) at -inf are 0, not -inf x 0 = NaN.
      {"gelu", gelu, {nan_value, infinity, 0, largest, 0, 1e30f, 0}},
      {"silu", silu, {nan_value, infinity, 0, largest, 0, 1e30f, 0}},
  };
  for (const ElementwiseCase& c : cases) {
    expect_values(c.op(from_values({7}, edge_inputs)).to_vector(), c.expected, c.name);
  }
}

TEST(NonFiniteInputs, GradientsAtTheLimitsAreTheLimitsOfTheGradients) {
  // d sigmoid/dx = s (1 - s) and d tanh/dx = 1 - tanh^2 are 0 at both infinities and for
  // the largest floats; the derivatives of gelu and silu go to 1 on the right and 0 on the
  // left, though Phi(x) + x phi(x) and s(x) (1 + x (1 - s(x))) hold inf x 0 at the
  // infinities. NaN in, NaN out.
  const std::vector<ElementwiseCase> cases = {
      {"sigmoid", sigmoid, {nan_value, 0, 0, 0, 0, 0, 0}},
      {"tanh", tanh, {nan_value, 0, 0, 0, 0, 0, 0}},
      {"gelu", gelu, {nan_value, 1, 0, 1, 0, 1, 0}},
      {"silu", silu, {nan_value, 1, 0, 1, 0, 1, 0}},
  };
  for (const ElementwiseCase& c : cases) {
    Tensor x = from_values({7}, edge_inputs);
    x.set_requires_grad(true);
    backward(sum(c.op(x)));
    expect_values(x.grad().to_vector(), c.expected, c.name);
  }
}

TEST(NonFiniteInputs, SoftmaxOfHugeValuesIsExactAndOfPlusInfinityIsNaN) {
  // Subtracting the row's largest value keeps every exponent <= 0: no overflow.
  const Tensor huge = from_values({3, 2}, {1e30f, -1e30f, largest, largest, largest, -largest});
  const Tensor p = softmax(huge, 1);
  EXPECT_EQ(p.to_vector(), (std::vector<float>{1, 0, 0.5f, 0.5f, 1, 0}));
  const Tensor log_p = log_softmax(from_values({1, 2}, {1e30f, 0}), 1);
  EXPECT_EQ(log_p.to_vector(), (std::vector<float>{0, -1e30f}));
  // inf - inf is NaN, so a row holding +inf is NaN throughout, as in PyTorch; the other
  // rows are untouched.
  const Tensor with_infinity = softmax(from_values({2, 2}, {infinity, 0, 0, 0}), 1);
  EXPECT_TRUE(std::isnan(with_infinity.data()[0]));
  EXPECT_TRUE(std::isnan(with_infinity.data()[1]));
  EXPECT_EQ(with_infinity.data()[2], 0.5f);
  EXPECT_EQ(with_infinity.data()[3], 0.5f);
}

}  // namespace
}  // namespace soma
