// Tests Adam and AdamW: first steps worked by hand (about lr * sign(g) per coordinate), L2
// against decoupled weight decay, a double-precision reference of PyTorch's documented
// algorithm, per-parameter step counts, defaults, errors, and minimising a quadratic.
#include "soma/optim/adam.hpp"

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

using soma::Adam;
using soma::AdamOptions;
using soma::AdamW;
using soma::AdamWOptions;
using soma::Tensor;

// Step 1: m = (1 - beta1) g and v = (1 - beta2) g^2, so after bias correction m_hat = g and
// v_hat = g^2, and p moves by lr * g / (|g| + epsilon): lr * sign(g), whatever |g| is.
// A zero gradient moves nothing (0 / (0 + epsilon)). With lr = 0.01:
//   g = 0.3    -> 1 - 0.01 = 0.99
//   g = -4     -> -1 + 0.01 = -0.99
//   g = 1e-3   -> 0.5 - 0.01 * 1e-3 / (1e-3 + 1e-8) = 0.5 - 0.0099999 = 0.4900001
//   g = 0      -> 2
TEST(AdamTest, FirstStepMovesEachCoordinateByLearningRateTimesSign) {
  Tensor p = parameter({1.0f, -1.0f, 0.5f, 2.0f});
  Adam adam({p}, {.learning_rate = 0.01f});
  set_gradient(p, {0.3f, -4.0f, 1e-3f, 0.0f});
  adam.step();
  expect_values(p, {0.99, -0.99, 0.4900001, 2.0});
  EXPECT_EQ(adam.state(0).steps, 1);
  // m = 0.1 g, v = 0.001 g^2 (to float precision: 1 - 0.999f is 0.00099998713 in float)
  expect_values(adam.state(0).first_moment, {0.03, -0.4, 1e-4, 0.0});
  expect_values(adam.state(0).second_moment, {9e-5, 0.016, 1e-9, 0.0}, 5e-7);
}

// A constant gradient g = 1, lr = 0.1: m_t = 1 - 0.9^t and v_t = 1 - 0.999^t, exactly the
// bias corrections, so m_hat = v_hat = 1 and every step moves by lr: 0 -> -0.1 -> -0.2.
TEST(AdamTest, ConstantGradientMovesByLearningRateEveryStep) {
  Tensor p = parameter({0.0f});
  Adam adam({p}, {.learning_rate = 0.1f});
  set_gradient(p, {1.0f});
  adam.step();
  expect_values(p, {-0.1});
  adam.step();
  expect_values(adam.state(0).first_moment, {0.19});             // 0.9 * 0.1 + 0.1 = 1 - 0.9^2
  expect_values(adam.state(0).second_moment, {0.001999}, 5e-8);  // 1 - 0.999^2
  expect_values(p, {-0.2});
}

// g = 1 then -1, lr = 0.1: step 1 gives p = -0.1. Step 2: m = 0.9 * 0.1 - 0.1 = -0.01,
// m_hat = -0.01 / 0.19 = -0.0526316; v = 0.001999, v_hat = 1; p = -0.1 + 0.00526316.
TEST(AdamTest, FirstMomentAveragesGradientsOfOppositeSign) {
  Tensor p = parameter({0.0f});
  Adam adam({p}, {.learning_rate = 0.1f});
  set_gradient(p, {1.0f});
  adam.step();
  set_gradient(p, {-1.0f});
  adam.step();
  expect_values(p, {-0.0947368});
}

// Adam's L2 decay goes through the gradient: weight decay 0.5, lr 0.1, p = 2, loss
// gradient 0. Step 1: g = 0.5 * 2 = 1, p = 2 - 0.1 = 1.9. Step 2: g = 0.95,
// m = 0.09 + 0.095 = 0.185, m_hat = 0.185 / 0.19 = 0.973684;
// v = 0.000999 + 0.0009025 = 0.0019015, v_hat = 0.0019015 / 0.001999 = 0.951226,
// p = 1.9 - 0.1 * 0.973684 / sqrt(0.951226) = 1.9 - 0.0998335 = 1.8001665.
TEST(AdamTest, WeightDecayIsAddedToTheGradient) {
  Tensor p = parameter({2.0f});
  Adam adam({p}, {.learning_rate = 0.1f, .weight_decay = 0.5f});
  set_gradient(p, {0.0f});
  adam.step();
  expect_values(p, {1.9});
  adam.step();
  expect_values(p, {1.8001665});
  expect_values(p.grad(), {0.0});  // the decay does not touch the stored gradient
}

// AdamW shrinks the weights directly, outside the adaptive scaling. With a zero loss
// gradient the Adam part is 0 / (0 + epsilon) = 0 and each step is p *= 1 - lr * decay:
// lr 0.1, decay 0.1 -> p *= 0.99 per step: [2, -4] -> [1.98, -3.96] -> ... -> 2 * 0.99^3.
// Adam's L2 decay with the same settings is normalised away: its first step moves by lr.
TEST(AdamTest, AdamWDecayIsDecoupledFromTheGradient) {
  Tensor p = parameter({2.0f, -4.0f});
  AdamW adamw({p}, {.learning_rate = 0.1f, .weight_decay = 0.1f});
  set_gradient(p, {0.0f, 0.0f});
  adamw.step();
  expect_values(p, {1.98, -3.96});
  adamw.step();
  adamw.step();
  expect_values(p, {1.940598, -3.881196});

  Tensor q = parameter({2.0f, -4.0f});
  Adam adam({q}, {.learning_rate = 0.1f, .weight_decay = 0.1f});
  set_gradient(q, {0.0f, 0.0f});
  adam.step();
  expect_values(q, {1.9, -3.9});
}

// AdamW, lr 0.1, decay 0.1, constant g = 0.5 (m_hat / sqrt(v_hat) = 1 every step):
// step 1: p = 1 * 0.99 - 0.1 = 0.89;  step 2: p = 0.89 * 0.99 - 0.1 = 0.7811.
TEST(AdamTest, AdamWShrinksBeforeTheAdamUpdate) {
  Tensor p = parameter({1.0f});
  AdamW adamw({p}, {.learning_rate = 0.1f, .weight_decay = 0.1f});
  set_gradient(p, {0.5f});
  adamw.step();
  expect_values(p, {0.89});
  adamw.step();
  expect_values(p, {0.7811});
}

TEST(AdamTest, DefaultsArePyTorchs) {
  const AdamOptions adam;
  EXPECT_FLOAT_EQ(adam.learning_rate, 1e-3f);
  EXPECT_FLOAT_EQ(adam.beta1, 0.9f);
  EXPECT_FLOAT_EQ(adam.beta2, 0.999f);
  EXPECT_FLOAT_EQ(adam.epsilon, 1e-8f);
  EXPECT_FLOAT_EQ(adam.weight_decay, 0.0f);
  const AdamWOptions adamw;
  EXPECT_FLOAT_EQ(adamw.learning_rate, 1e-3f);
  EXPECT_FLOAT_EQ(adamw.weight_decay, 0.01f);
  // Default AdamW, zero gradient: p *= 1 - 1e-3 * 0.01 = 0.99999.
  Tensor p = parameter({1.0f});
  AdamW optimizer({p});
  EXPECT_STREQ(optimizer.name(), "AdamW");
  set_gradient(p, {0.0f});
  optimizer.step();
  expect_values(p, {0.99999}, 1e-7);
}

// PyTorch's documented Adam / AdamW algorithm, in double, for one parameter.
std::vector<double> reference_adam(std::vector<double> p,
                                   const std::vector<std::vector<double>>& gradients,
                                   const AdamOptions& options, bool decoupled) {
  const double lr = options.learning_rate;
  const double beta1 = options.beta1;
  const double beta2 = options.beta2;
  std::vector<double> m(p.size()), v(p.size());
  for (size_t t = 1; t <= gradients.size(); ++t) {
    for (size_t j = 0; j < p.size(); ++j) {
      double g = gradients[t - 1][j];
      if (decoupled) {
        p[j] *= 1.0 - lr * options.weight_decay;
      } else {
        g += options.weight_decay * p[j];
      }
      m[j] = beta1 * m[j] + (1.0 - beta1) * g;
      v[j] = beta2 * v[j] + (1.0 - beta2) * g * g;
      const double m_hat = m[j] / (1.0 - std::pow(beta1, static_cast<double>(t)));
      const double v_hat = v[j] / (1.0 - std::pow(beta2, static_cast<double>(t)));
      p[j] -= lr * m_hat / (std::sqrt(v_hat) + options.epsilon);
    }
  }
  return p;
}

TEST(AdamTest, MatchesTheDocumentedAlgorithm) {
  const std::vector<std::vector<double>> gradients = {
      {0.5, -1.0, 2.0}, {0.25, 0.5, -1.5}, {-0.75, 1.0, 0.1}, {1.0, -0.2, 0.3},
      {0.0, 2.0, -0.6}, {0.3, -0.3, 0.0},  {-2.0, 0.7, 0.9},  {0.1, 0.1, -0.1}};
  const std::vector<AdamOptions> cases = {
      {.learning_rate = 0.01f},
      {.learning_rate = 0.01f, .weight_decay = 0.1f},
      {.learning_rate = 0.05f, .beta1 = 0.5f, .beta2 = 0.9f, .epsilon = 1e-3f},
      {.learning_rate = 0.02f, .beta1 = 0.0f, .beta2 = 0.99f, .weight_decay = 0.3f},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    for (const bool decoupled : {false, true}) {
      SCOPED_TRACE("case " + std::to_string(c) + (decoupled ? " AdamW" : " Adam"));
      Tensor p = parameter({1.0f, -0.5f, 0.25f});
      const AdamOptions& o = cases[c];
      Adam adam({p}, o);
      AdamW adamw({p}, {.learning_rate = o.learning_rate,
                        .beta1 = o.beta1,
                        .beta2 = o.beta2,
                        .epsilon = o.epsilon,
                        .weight_decay = o.weight_decay});
      soma::Optimizer& optimizer = decoupled ? static_cast<soma::Optimizer&>(adamw) : adam;
      for (const std::vector<double>& g : gradients) {
        set_gradient(
            p, {static_cast<float>(g[0]), static_cast<float>(g[1]), static_cast<float>(g[2])});
        optimizer.step();
      }
      expect_values(p, reference_adam({1.0, -0.5, 0.25}, gradients, o, decoupled), 2e-6);
    }
  }
}

// Each parameter counts its own steps, so one that first gets a gradient late still has a
// bias-corrected first step of about lr * sign(g).
TEST(AdamTest, StepCountsArePerParameter) {
  Tensor a = parameter({0.0f});
  Tensor b = parameter({1.0f, 1.0f});
  Adam adam({a, b}, {.learning_rate = 0.1f});
  set_gradient(a, {1.0f});
  adam.step();
  EXPECT_EQ(adam.state(0).steps, 1);
  EXPECT_EQ(adam.state(1).steps, 0);
  EXPECT_FALSE(adam.state(1).first_moment.defined());
  expect_values(b, {1.0, 1.0});  // skipped: no gradient
  set_gradient(b, {-2.0f, 3.0f});
  adam.step();
  EXPECT_EQ(adam.state(0).steps, 2);
  EXPECT_EQ(adam.state(1).steps, 1);
  expect_values(a, {-0.2});
  expect_values(b, {1.1, 0.9});
}

TEST(AdamTest, ZeroGradAndLearningRateComeFromTheBase) {
  Tensor p = parameter({1.0f});
  Adam adam({p}, {.learning_rate = 0.1f});
  set_gradient(p, {3.0f});
  adam.zero_grad();
  expect_values(p.grad(), {0.0});
  adam.set_learning_rate(0.5f);
  set_gradient(p, {3.0f});
  adam.step();
  expect_values(p, {0.5});  // first step: lr * sign(g)
  EXPECT_TRUE(p.is_leaf());
}

TEST(AdamTest, InvalidOptionsThrow) {
  Tensor p = parameter({1.0f});
  EXPECT_EQ(error_message([&] { Adam({p}, {.beta1 = 1.0f}); }),
            "Adam: beta1 must be in [0, 1), got 1");
  EXPECT_EQ(error_message([&] { Adam({p}, {.beta1 = -0.1f}); }),
            "Adam: beta1 must be in [0, 1), got -0.1");
  EXPECT_EQ(error_message([&] { Adam({p}, {.beta2 = 1.5f}); }),
            "Adam: beta2 must be in [0, 1), got 1.5");
  EXPECT_EQ(error_message([&] { Adam({p}, {.beta2 = std::nanf("")}); }),
            "Adam: beta2 must be in [0, 1), got nan");
  EXPECT_EQ(error_message([&] { Adam({p}, {.epsilon = -1e-8f}); }),
            "Adam: epsilon must be non-negative and finite, got -1e-08");
  EXPECT_EQ(error_message([&] { Adam({p}, {.weight_decay = -0.1f}); }),
            "Adam: weight decay must be non-negative and finite, got -0.1");
  EXPECT_EQ(error_message([&] { AdamW({p}, {.weight_decay = -1.0f}); }),
            "AdamW: weight decay must be non-negative and finite, got -1");
  EXPECT_EQ(error_message([&] { AdamW({p}, {.learning_rate = 0.0f}); }),
            "AdamW: learning rate must be positive and finite, got 0");
  EXPECT_EQ(error_message([&] { Adam({soma::tensor({1.0f})}); }),
            "Adam: parameter 0 of shape (1) does not require gradients (mark it with "
            "set_requires_grad)");
}

// f(p) = sum((p - 3)^2), gradient 2 (p - 3).
template <class OptimizerType, class Options>
Tensor minimise_quadratic(const Options& options, int steps) {
  Tensor p = parameter({-1.0f, 0.0f, 7.5f});
  OptimizerType optimizer({p}, options);
  for (int i = 0; i < steps; ++i) {
    optimizer.zero_grad();
    soma::backward(soma::sum(soma::square(p - 3.0f)));
    optimizer.step();
  }
  return p;
}

TEST(AdamTest, MinimisesAQuadratic) {
  expect_values(minimise_quadratic<Adam>(AdamOptions{.learning_rate = 0.1f}, 500), {3.0, 3.0, 3.0},
                1e-4);
  expect_values(
      minimise_quadratic<AdamW>(AdamWOptions{.learning_rate = 0.1f, .weight_decay = 0.0f}, 500),
      {3.0, 3.0, 3.0}, 1e-4);
  // The decoupled decay keeps pulling towards 0, so AdamW settles a few hundredths below 3.
  expect_values(minimise_quadratic<AdamW>(AdamWOptions{.learning_rate = 0.1f}, 500),
                {3.0, 3.0, 3.0}, 0.05);
}

}  // namespace
