// Tests check_gradients itself: it passes correct derivatives, catches a deliberately wrong
// one (a custom op recorded with soma::record), reports per input, and leaves inputs alone.
#include "soma/autograd/gradcheck.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"

namespace {

using soma::Tensor;

// x^2 element-wise, with the derivative wrongly given as x instead of 2x.
Tensor square_with_wrong_derivative(const Tensor& x) {
  Tensor out = x.detach().clone();
  for (int64_t i = 0; i < out.numel(); ++i) out.data()[i] *= out.data()[i];
  if (!soma::should_record(x)) return out;
  return soma::record(out, "wrong_square", {x},
                      [x = x.detach()](const Tensor& g, soma::Node::Wanted) {
                        return std::vector<Tensor>{soma::mul(g, x)};
                      });
}

// a * b element-wise, with a correct derivative for a and a doubled one for b.
Tensor product_wrong_for_second_input(const Tensor& a, const Tensor& b) {
  Tensor out = soma::mul(a.detach(), b.detach());
  if (!soma::should_record(a, b)) return out;
  return soma::record(
      out, "half_wrong_mul", {a, b},
      [a = a.detach(), b = b.detach()](const Tensor& g, soma::Node::Wanted) {
        return std::vector<Tensor>{soma::mul(g, b), soma::mul(soma::mul(g, a), soma::scalar(2.0f))};
      });
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(GradCheckTest, PassesForACorrectFunction) {
  const Tensor x = soma::tensor({{0.5f, -1.0f}, {2.0f, 1.5f}});
  const Tensor y = soma::tensor({{1.0f, 0.25f}, {-0.75f, 3.0f}});
  const soma::GradCheckReport report = soma::check_gradients(
      [](const std::vector<Tensor>& in) { return soma::sum(in[0] * in[0] * soma::exp(in[1])); },
      {x, y});
  EXPECT_TRUE(report.passed) << report.to_string();
  ASSERT_EQ(report.inputs.size(), 2u);
  for (const soma::InputGradCheck& input : report.inputs) {
    EXPECT_TRUE(input.passed);
    EXPECT_EQ(input.worst_index, -1);
    EXPECT_LT(input.max_relative_error, 1e-3);
  }
}

// For x^2 the analytic derivative given is x and the true one 2x: |a - n| / |n| = 1/2.
TEST(GradCheckTest, FailsForAWrongDerivative) {
  const Tensor x = soma::tensor({1.0f, -2.0f, 0.5f});
  const soma::GradCheckReport report = soma::check_gradients(
      [](const std::vector<Tensor>& in) { return soma::sum(square_with_wrong_derivative(in[0])); },
      {x});
  EXPECT_FALSE(report.passed);
  ASSERT_EQ(report.inputs.size(), 1u);
  EXPECT_FALSE(report.inputs[0].passed);
  EXPECT_EQ(report.inputs[0].worst_index, 0);
  EXPECT_NEAR(report.inputs[0].max_relative_error, 0.5, 1e-3);
  EXPECT_NEAR(report.inputs[0].max_absolute_error, 2.0, 1e-3);  // at x = -2: |-2 - (-4)|
  const std::string text = report.to_string();
  EXPECT_TRUE(contains(text, "input 0:")) << text;
  EXPECT_TRUE(contains(text, "FAILED (first failure at element 0)")) << text;
}

TEST(GradCheckTest, ReportsEachInputSeparately) {
  const Tensor a = soma::tensor({1.0f, 2.0f});
  const Tensor b = soma::tensor({3.0f, -1.0f});
  const soma::GradCheckReport report = soma::check_gradients(
      [](const std::vector<Tensor>& in) {
        return soma::sum(product_wrong_for_second_input(in[0], in[1]));
      },
      {a, b});
  EXPECT_FALSE(report.passed);
  ASSERT_EQ(report.inputs.size(), 2u);
  EXPECT_TRUE(report.inputs[0].passed);
  EXPECT_LT(report.inputs[0].max_absolute_error, 1e-4);
  EXPECT_FALSE(report.inputs[1].passed);
  EXPECT_NEAR(report.inputs[1].max_relative_error, 0.5, 1e-3);  // 2a against a
  const std::string text = report.to_string();
  EXPECT_TRUE(contains(text, "input 0: ")) << text;
  EXPECT_TRUE(contains(text, "passed\ninput 1: ")) << text;
  EXPECT_TRUE(contains(text, "FAILED")) << text;
}

TEST(GradCheckTest, LooserTolerancesAcceptTheWrongDerivative) {
  soma::GradCheckOptions options;
  options.relative_tolerance = 0.6;  // the error is 0.5 relative
  const soma::GradCheckReport report = soma::check_gradients(
      [](const std::vector<Tensor>& in) { return soma::sum(square_with_wrong_derivative(in[0])); },
      {soma::tensor({1.0f, -2.0f})}, options);
  EXPECT_TRUE(report.passed) << report.to_string();
}

TEST(GradCheckTest, AnInputTheFunctionIgnoresHasZeroGradient) {
  const soma::GradCheckReport report =
      soma::check_gradients([](const std::vector<Tensor>& in) { return soma::sum(in[0] * 2.0f); },
                            {soma::tensor({1.0f}), soma::tensor({5.0f, 6.0f})});
  EXPECT_TRUE(report.passed) << report.to_string();
  EXPECT_EQ(report.inputs[1].max_absolute_error, 0.0);
}

TEST(GradCheckTest, LeavesTheCallersInputsUntouched) {
  Tensor x = soma::tensor({0.5f, -1.5f});
  const Tensor y = soma::tensor({2.0f, 3.0f});
  x.set_requires_grad();
  soma::backward(soma::sum(x * 10.0f));  // x.grad() = 10 before the check
  const soma::GradCheckReport report = soma::check_gradients(
      [](const std::vector<Tensor>& in) { return soma::sum(in[0] * in[1]); }, {x, y});
  EXPECT_TRUE(report.passed) << report.to_string();
  EXPECT_EQ(x.to_vector(), (std::vector<float>{0.5f, -1.5f}));
  EXPECT_EQ(y.to_vector(), (std::vector<float>{2.0f, 3.0f}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{10.0f, 10.0f}));
  EXPECT_FALSE(y.requires_grad());
  EXPECT_FALSE(y.grad().defined());
}

TEST(GradCheckTest, NonScalarFunctionThrows) {
  try {
    soma::check_gradients([](const std::vector<Tensor>& in) { return in[0] * 2.0f; },
                          {soma::tensor({1.0f, 2.0f, 3.0f})});
    FAIL() << "expected soma::Error";
  } catch (const soma::Error& error) {
    EXPECT_STREQ(error.what(),
                 "check_gradients: the function must return one value, got shape (3)");
  }
}

}  // namespace
