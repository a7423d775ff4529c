// Tests Sgd and the Optimizer base: plain steps, momentum (first step b = g), dampening,
// Nesterov and weight decay worked by hand, a double-precision reference of PyTorch's
// documented algorithm, zero_grad, skipped parameters, errors, and minimising a quadratic.
#include "soma/optim/sgd.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "optim/optimizer_test_support.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/generator.hpp"
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

// One layer's loss, sum(tanh(x W + b) * c), on random values, for the fused-step tests.
struct Layer {
  Tensor x, weight, bias, c;

  Layer(int64_t samples, int64_t inputs, int64_t outputs, uint64_t seed) {
    soma::Generator generator(seed);
    x = soma::uniform(soma::Shape{samples, inputs}, -1.0f, 1.0f, generator);
    weight = soma::uniform(soma::Shape{inputs, outputs}, -0.2f, 0.2f, generator);
    bias = soma::uniform(soma::Shape{outputs}, -0.2f, 0.2f, generator);
    c = soma::uniform(soma::Shape{samples, outputs}, -1.0f, 1.0f, generator);
    weight.set_requires_grad();
    bias.set_requires_grad();
  }
  // A second layer with the same values and parameters of its own.
  Layer copy() const {
    Layer twin = *this;
    twin.weight = weight.detach().clone();
    twin.bias = bias.detach().clone();
    twin.weight.set_requires_grad();
    twin.bias.set_requires_grad();
    return twin;
  }
  Tensor loss() const { return soma::sum(soma::tanh(soma::linear(x, weight, bias)) * c); }
};

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.numel() == b.numel() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)) == 0;
}

// Plain SGD's backward_and_step updates during the backward pass (for a weight, inside the
// weight-gradient GEMM) and leaves no gradient; the parameters agree with backward() then
// step() up to rounding. Sizes on both sides of the GEMM's library switch (2^20
// multiply-adds) and of its split over threads.
TEST(SgdTest, BackwardAndStepFusesThePlainUpdate) {
  for (const auto& [samples, inputs, outputs] :
       {std::tuple{4, 3, 2}, std::tuple{64, 100, 30}, std::tuple{64, 300, 200}}) {
    SCOPED_TRACE(std::to_string(samples) + "x" + std::to_string(inputs) + "x" +
                 std::to_string(outputs));
    Layer fused(samples, inputs, outputs, 11);
    // The input's gradient needs the weight before its update (linear reads it first).
    fused.x.set_requires_grad();
    Layer reference = fused.copy();
    reference.x = fused.x.detach().clone();
    reference.x.set_requires_grad();
    Sgd fused_sgd({fused.weight, fused.bias}, {.learning_rate = 0.05f});
    Sgd reference_sgd({reference.weight, reference.bias}, {.learning_rate = 0.05f});
    for (int step = 0; step < 3; ++step) {
      fused.x.clear_grad();
      reference.x.clear_grad();
      fused_sgd.backward_and_step(fused.loss());
      EXPECT_FALSE(fused.weight.grad().defined());
      EXPECT_FALSE(fused.bias.grad().defined());
      reference_sgd.zero_grad(/*set_to_none=*/true);
      soma::backward(reference.loss());
      reference_sgd.step();
      for (int64_t i = 0; i < fused.x.numel(); ++i) {
        ASSERT_NEAR(fused.x.grad().data()[i], reference.x.grad().data()[i], 1e-5f)
            << "step " << step << ", input gradient element " << i;
      }
    }
    const float* fused_weight = fused.weight.data();
    const float* reference_weight = reference.weight.data();
    for (int64_t i = 0; i < fused.weight.numel(); ++i) {
      ASSERT_NEAR(fused_weight[i], reference_weight[i], 1e-5f) << "weight element " << i;
    }
    std::vector<double> expected_bias(reference.bias.data(),
                                      reference.bias.data() + reference.bias.numel());
    expect_values(fused.bias, expected_bias, 1e-5);
  }
}

// With momentum or weight decay there is nothing to fuse: backward() then step(), to the bit.
TEST(SgdTest, BackwardAndStepWithMomentumOrWeightDecayIsBackwardThenStep) {
  for (const SgdOptions options : {SgdOptions{.learning_rate = 0.05f, .momentum = 0.9f},
                                   SgdOptions{.learning_rate = 0.05f, .weight_decay = 0.01f}}) {
    SCOPED_TRACE(options.momentum != 0.0f ? "momentum" : "weight decay");
    const Layer fused(64, 100, 30, 12);
    const Layer reference = fused.copy();
    Sgd fused_sgd({fused.weight, fused.bias}, options);
    Sgd reference_sgd({reference.weight, reference.bias}, options);
    for (int step = 0; step < 3; ++step) {
      fused_sgd.zero_grad();
      fused_sgd.backward_and_step(fused.loss());
      reference_sgd.zero_grad();
      soma::backward(reference.loss());
      reference_sgd.step();
    }
    EXPECT_TRUE(same_bits(fused.weight, reference.weight));
    EXPECT_TRUE(same_bits(fused.bias, reference.bias));
    EXPECT_TRUE(fused.weight.grad().defined());
  }
}

// A parameter frozen after the optimiser was made (requires_grad off) is left alone, as by
// step(): d(sum(2 a))/da = 2, a = 1 - 0.2 = 0.8; b keeps 5.
TEST(SgdTest, BackwardAndStepLeavesAFrozenParameterAlone) {
  Tensor a = parameter({1.0f});
  Tensor b = parameter({5.0f});
  Sgd sgd({a, b}, {.learning_rate = 0.1f});
  b.set_requires_grad(false);
  sgd.backward_and_step(soma::sum(a * 2.0f) + soma::sum(b * 3.0f));
  expect_values(a, {0.8});
  expect_values(b, {5.0});
}

// A gradient held from an earlier backward() is not lost: that parameter takes the sum in
// the usual step. p = [1, 2] holds [0.5, 0.5]; d(sum(p p))/dp = 2p = [2, 4], so p becomes
// [1, 2] - 0.1 [2.5, 4.5] = [0.75, 1.55]. q has none and is updated in the backward pass:
// d(sum(3 q))/dq = 3, q = 1 - 0.3 = 0.7.
TEST(SgdTest, BackwardAndStepKeepsAGradientAlreadyHeld) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor q = parameter({1.0f});
  Sgd sgd({p, q}, {.learning_rate = 0.1f});
  set_gradient(p, {0.5f, 0.5f});
  sgd.backward_and_step(soma::sum(p * p) + soma::sum(q * 3.0f));
  expect_values(p, {0.75, 1.55});
  expect_values(q, {0.7});
  expect_values(p.grad(), {2.5, 4.5});
  EXPECT_FALSE(q.grad().defined());
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
