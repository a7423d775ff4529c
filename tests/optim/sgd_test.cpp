// Tests Sgd and the Optimizer base: plain steps, momentum (first step b = g), dampening,
// Nesterov and weight decay worked by hand, a double-precision reference of PyTorch's
// documented algorithm, zero_grad, skipped parameters, errors, and minimising a quadratic.
// sgd_backward_and_step_test.cpp has the step fused into the backward pass.
#include "soma/optim/sgd.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "optim/optimizer_test_support.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;
using soma::testing::expect_values;
using soma::testing::parameter;
using soma::testing::set_gradient;

using soma::Sgd;
using soma::SgdOptions;
using soma::Tensor;

// lr = 0.1, p = [1, -2].
// step 1, g = [0.5, 2]:  p = [1 - 0.05, -2 - 0.2]     = [0.95, -2.2]
// step 2, g = [1, -1]:   p = [0.95 - 0.1, -2.2 + 0.1] = [0.85, -2.1]
TEST(SgdTest, PlainStepsSubtractLearningRateTimesGradient) {
  Tensor p = parameter({1.0f, -2.0f});
  Sgd sgd({p}, {.learning_rate = 0.1f});
  set_gradient(p, {0.5f, 2.0f});
  sgd.step();
  expect_values(p, {0.95, -2.2});
  set_gradient(p, {1.0f, -1.0f});
  sgd.step();
  expect_values(p, {0.85, -2.1});
  EXPECT_FALSE(sgd.momentum_buffer(0).defined());  // no momentum, no buffer
}

TEST(SgdTest, DefaultLearningRateIsPyTorchs) {
  Tensor p = parameter({0.0f});
  const Sgd sgd({p});
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.01f);
}

// momentum 0.9, lr 0.1, p = [1, 2], constant g = [1, -2].
// step 1: b = g = [1, -2] (no (1 - dampening) on the first step);  p = [0.9, 2.2]
// step 2: b = 0.9 b + g = [1.9, -3.8];                               p = [0.71, 2.58]
// step 3: b = 0.9 b + g = [2.71, -5.42];                             p = [0.439, 3.122]
TEST(SgdTest, MomentumFirstStepTakesTheGradientThenAccumulates) {
  Tensor p = parameter({1.0f, 2.0f});
  Sgd sgd({p}, {.learning_rate = 0.1f, .momentum = 0.9f});
  set_gradient(p, {1.0f, -2.0f});
  sgd.step();
  expect_values(sgd.momentum_buffer(0), {1.0, -2.0});
  expect_values(p, {0.9, 2.2});
  sgd.step();  // the gradient is still [1, -2]: step() does not consume it
  expect_values(sgd.momentum_buffer(0), {1.9, -3.8});
  expect_values(p, {0.71, 2.58});
  sgd.step();
  expect_values(sgd.momentum_buffer(0), {2.71, -5.42});
  expect_values(p, {0.439, 3.122});
}

// momentum 0.9, dampening 0.5, lr 0.1, p = [1], constant g = [1].
// step 1: b = g = 1 (dampening is not applied to the first step);  p = 1 - 0.1 = 0.9
// step 2: b = 0.9 * 1 + 0.5 * 1 = 1.4;                             p = 0.9 - 0.14 = 0.76
// step 3: b = 0.9 * 1.4 + 0.5 = 1.76;                              p = 0.76 - 0.176 = 0.584
TEST(SgdTest, DampeningScalesNewGradientsAfterTheFirstStep) {
  Tensor p = parameter({1.0f});
  Sgd sgd({p}, {.learning_rate = 0.1f, .momentum = 0.9f, .dampening = 0.5f});
  set_gradient(p, {1.0f});
  sgd.step();
  expect_values(p, {0.9});
  sgd.step();
  expect_values(sgd.momentum_buffer(0), {1.4});
  expect_values(p, {0.76});
  sgd.step();
  expect_values(sgd.momentum_buffer(0), {1.76});
  expect_values(p, {0.584});
}

// Nesterov, momentum 0.9, lr 0.1, p = [0, 0], g = [1, -1] then [2, 0].
// step 1: b = g = [1, -1];  update g + 0.9 b = [1.9, -1.9];   p = [-0.19, 0.19]
// step 2: b = 0.9 b + g = [2.9, -0.9];  update g + 0.9 b = [2 + 2.61, 0 - 0.81] = [4.61, -0.81]
//         p = [-0.19 - 0.461, 0.19 + 0.081] = [-0.651, 0.271]
TEST(SgdTest, NesterovLooksAheadAlongTheBuffer) {
  Tensor p = parameter({0.0f, 0.0f});
  Sgd sgd({p}, {.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true});
  set_gradient(p, {1.0f, -1.0f});
  sgd.step();
  expect_values(p, {-0.19, 0.19});
  set_gradient(p, {2.0f, 0.0f});
  sgd.step();
  expect_values(sgd.momentum_buffer(0), {2.9, -0.9});
  expect_values(p, {-0.651, 0.271});
}

// weight decay 0.1, lr 0.1, p = [2, -1], constant loss gradient [1, 0].
// step 1: g = [1 + 0.1 * 2, 0 + 0.1 * -1] = [1.2, -0.1];  p = [2 - 0.12, -1 + 0.01] = [1.88, -0.99]
// step 2: g = [1 + 0.188, -0.099] = [1.188, -0.099];        p = [1.7612, -0.9801]
TEST(SgdTest, WeightDecayAddsDecayTimesParameterToTheGradient) {
  Tensor p = parameter({2.0f, -1.0f});
  Sgd sgd({p}, {.learning_rate = 0.1f, .weight_decay = 0.1f});
  set_gradient(p, {1.0f, 0.0f});
  sgd.step();
  expect_values(p, {1.88, -0.99});
  sgd.step();
  expect_values(p, {1.7612, -0.9801});
  expect_values(p.grad(), {1.0, 0.0});  // the decay does not touch the stored gradient
}

// PyTorch's documented SGD algorithm, in double, for one parameter over a gradient sequence.
std::vector<double> reference_sgd(std::vector<double> p,
                                  const std::vector<std::vector<double>>& gradients,
                                  const SgdOptions& options) {
  std::vector<double> b(p.size());
  for (size_t t = 0; t < gradients.size(); ++t) {
    for (size_t j = 0; j < p.size(); ++j) {
      double g = gradients[t][j];
      if (options.weight_decay != 0.0f) g += options.weight_decay * p[j];
      if (options.momentum != 0.0f) {
        b[j] = t == 0 ? g : options.momentum * b[j] + (1.0 - options.dampening) * g;
        g = options.nesterov ? g + options.momentum * b[j] : b[j];
      }
      p[j] -= options.learning_rate * g;
    }
  }
  return p;
}

TEST(SgdTest, MatchesTheDocumentedAlgorithmForEveryOptionCombination) {
  const std::vector<std::vector<double>> gradients = {
      {0.5, -1.0, 2.0}, {0.25, 0.5, -1.5}, {-0.75, 1.0, 0.1}, {1.0, -0.2, 0.3}, {0.0, 2.0, -0.6}};
  const std::vector<SgdOptions> cases = {
      {.learning_rate = 0.05f},
      {.learning_rate = 0.05f, .weight_decay = 0.2f},
      {.learning_rate = 0.05f, .momentum = 0.9f},
      {.learning_rate = 0.05f, .momentum = 0.8f, .dampening = 0.3f, .weight_decay = 0.1f},
      {.learning_rate = 0.05f, .momentum = 0.9f, .nesterov = true},
      {.learning_rate = 0.05f, .momentum = 0.5f, .nesterov = true, .weight_decay = 0.01f},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    Tensor p = parameter({1.0f, -0.5f, 0.25f});
    Sgd sgd({p}, cases[c]);
    for (const std::vector<double>& g : gradients) {
      set_gradient(p,
                   {static_cast<float>(g[0]), static_cast<float>(g[1]), static_cast<float>(g[2])});
      sgd.step();
    }
    SCOPED_TRACE("case " + std::to_string(c));
    expect_values(p, reference_sgd({1.0, -0.5, 0.25}, gradients, cases[c]), 1e-6);
  }
}

TEST(SgdTest, ParametersWithoutGradientAreSkippedAndKeepTheirState) {
  Tensor used = parameter({1.0f});
  Tensor unused = parameter({5.0f, 6.0f});
  Sgd sgd({used, unused}, {.learning_rate = 0.1f, .momentum = 0.9f});
  set_gradient(used, {1.0f});
  sgd.step();
  expect_values(used, {0.9});
  expect_values(unused, {5.0, 6.0});
  EXPECT_FALSE(unused.grad().defined());
  EXPECT_FALSE(sgd.momentum_buffer(1).defined());
  // Its first step with a gradient starts its buffer at that gradient: p = 5 - 0.1 * 2 = 4.8.
  set_gradient(unused, {2.0f, 0.0f});
  sgd.step();
  expect_values(sgd.momentum_buffer(1), {2.0, 0.0});
  expect_values(unused, {4.8, 6.0});
}

TEST(SgdTest, ZeroGradZeroesExistingGradientsAndLeavesMissingOnesMissing) {
  Tensor a = parameter({1.0f, 2.0f});
  Tensor b = parameter({3.0f});
  Sgd sgd({a, b});
  set_gradient(a, {4.0f, 5.0f});
  const float* buffer = a.grad().data();
  sgd.zero_grad();
  expect_values(a.grad(), {0.0, 0.0});
  EXPECT_EQ(a.grad().data(), buffer);  // the same buffer, zeroed
  EXPECT_FALSE(b.grad().defined());
  // Zeroed gradients move nothing.
  sgd.step();
  expect_values(a, {1.0, 2.0});
}

TEST(SgdTest, ZeroGradSetToNoneDropsEveryGradient) {
  Tensor a = parameter({1.0f, 2.0f});
  Tensor b = parameter({3.0f});
  Sgd sgd({a, b});
  set_gradient(a, {4.0f, 5.0f});
  set_gradient(b, {6.0f});
  sgd.zero_grad(/*set_to_none=*/true);
  EXPECT_FALSE(a.grad().defined());
  EXPECT_FALSE(b.grad().defined());
  sgd.step();  // parameters without a gradient are skipped
  expect_values(a, {1.0, 2.0});
}

TEST(SgdTest, StepRecordsNoGraph) {
  Tensor p = parameter({1.0f, 2.0f});
  Sgd sgd({p}, {.learning_rate = 0.5f});
  set_gradient(p, {1.0f, 1.0f});
  sgd.step();
  EXPECT_TRUE(p.is_leaf());
  EXPECT_TRUE(p.requires_grad());
  EXPECT_EQ(p.grad_fn(), nullptr);
  expect_values(p, {0.5, 1.5});
}

TEST(SgdTest, SetLearningRateChangesTheNextStep) {
  Tensor p = parameter({1.0f});
  Sgd sgd({p}, {.learning_rate = 0.1f});
  sgd.set_learning_rate(0.5f);
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.5f);
  set_gradient(p, {1.0f});
  sgd.step();
  expect_values(p, {0.5});
  sgd.set_learning_rate(0.0f);  // a schedule may anneal to zero
  sgd.step();
  expect_values(p, {0.5});
  EXPECT_EQ(error_message([&] { sgd.set_learning_rate(-0.1f); }),
            "Sgd: learning rate must be non-negative and finite, got -0.1");
  EXPECT_EQ(error_message([&] { sgd.set_learning_rate(std::nanf("")); }),
            "Sgd: learning rate must be non-negative and finite, got nan");
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.0f);
}

TEST(SgdTest, ParametersAreSharedHandles) {
  Tensor p = parameter({1.0f});
  const Sgd sgd({p});
  ASSERT_EQ(sgd.parameters().size(), 1u);
  EXPECT_TRUE(sgd.parameters()[0].same_as(p));
  EXPECT_STREQ(sgd.name(), "Sgd");
}

TEST(SgdTest, InvalidLearningRatesThrow) {
  Tensor p = parameter({1.0f});
  EXPECT_EQ(error_message([&] { Sgd({p}, {.learning_rate = 0.0f}); }),
            "Sgd: learning rate must be positive and finite, got 0");
  EXPECT_EQ(error_message([&] { Sgd({p}, {.learning_rate = -0.01f}); }),
            "Sgd: learning rate must be positive and finite, got -0.01");
  EXPECT_EQ(error_message([&] { Sgd({p}, {.learning_rate = INFINITY}); }),
            "Sgd: learning rate must be positive and finite, got inf");
}

TEST(SgdTest, InvalidParametersThrow) {
  Tensor p = parameter({1.0f});
  const Tensor constant = soma::tensor({1.0f, 2.0f});
  EXPECT_EQ(error_message([&] {
              Sgd({p, constant});
            }),
            "Sgd: parameter 1 of shape (2) does not require gradients (mark it with "
            "set_requires_grad)");
  EXPECT_EQ(error_message([&] { Sgd({p * 2.0f}); }),
            "Sgd: parameter 0 of shape (1) is not a leaf tensor: only tensors created by the "
            "user can be optimised");
  EXPECT_EQ(error_message([&] {
              Sgd({p, p});
            }),
            "Sgd: parameter 1 appears more than once in the parameter list");
  EXPECT_EQ(error_message([&] { Sgd({p, Tensor()}); }), "Sgd: parameter 1 is undefined");
  EXPECT_EQ(error_message([] { Sgd(std::vector<Tensor>{}); }), "Sgd: the parameter list is empty");
}

TEST(SgdTest, InvalidOptionsThrow) {
  Tensor p = parameter({1.0f});
  EXPECT_EQ(error_message([&] { Sgd({p}, {.momentum = -0.5f}); }),
            "Sgd: momentum must be non-negative and finite, got -0.5");
  EXPECT_EQ(error_message([&] { Sgd({p}, {.momentum = 0.9f, .dampening = 1.5f}); }),
            "Sgd: dampening must be in [0, 1], got 1.5");
  EXPECT_EQ(error_message([&] { Sgd({p}, {.weight_decay = -1.0f}); }),
            "Sgd: weight decay must be non-negative and finite, got -1");
  EXPECT_EQ(error_message([&] { Sgd({p}, {.nesterov = true}); }),
            "Sgd: Nesterov momentum requires momentum > 0 and dampening == 0, got momentum 0 "
            "and dampening 0");
  EXPECT_EQ(
      error_message([&] { Sgd({p}, {.momentum = 0.9f, .dampening = 0.1f, .nesterov = true}); }),
      "Sgd: Nesterov momentum requires momentum > 0 and dampening == 0, got momentum 0.9 "
      "and dampening 0.1");
}

TEST(SgdTest, MismatchedGradientThrowsOnStep) {
  Tensor p = parameter({1.0f, 2.0f});
  Sgd sgd({p});
  p.impl()->grad = soma::tensor({1.0f, 2.0f, 3.0f}).impl_ptr();  // corrupted by hand
  EXPECT_EQ(error_message([&] { sgd.step(); }),
            "Sgd: parameter 0 has shape (2) but its gradient has shape (3)");
}

// f(p) = sum((p - 3)^2), gradient 2 (p - 3): each variant must reach p = 3.
void expect_minimises_quadratic(const SgdOptions& options, int steps) {
  Tensor p = parameter({-1.0f, 0.0f, 7.5f});
  Sgd sgd({p}, options);
  for (int i = 0; i < steps; ++i) {
    sgd.zero_grad();
    soma::backward(soma::sum(soma::square(p - 3.0f)));
    sgd.step();
  }
  expect_values(p, {3.0, 3.0, 3.0}, 1e-4);
}

TEST(SgdTest, MinimisesAQuadratic) {
  expect_minimises_quadratic({.learning_rate = 0.1f}, 100);
  expect_minimises_quadratic({.learning_rate = 0.05f, .momentum = 0.9f}, 300);
  expect_minimises_quadratic({.learning_rate = 0.05f, .momentum = 0.9f, .dampening = 0.5f}, 300);
  expect_minimises_quadratic({.learning_rate = 0.05f, .momentum = 0.9f, .nesterov = true}, 300);
}

}  // namespace
