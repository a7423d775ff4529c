// Tests l1_penalty: its value strength * sum(|p|) and gradient strength * sign(p) by hand,
// the gradient against finite differences, two SGD steps on a penalised loss by hand, what
// it does inside fit (smaller weights; 0 changes nothing), and its errors.
#include "soma/train/penalty.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/gradcheck.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/fit.hpp"
#include "support/error_message.hpp"
#include "support/tensor_values.hpp"
#include "train/fit_test_support.hpp"

namespace soma::train {
namespace {

using testing::error_message;
using testing::expect_values;

// Parameters [1, -2, 0] and [[3], [0.5]], strength 0.1: 0.1 * (1 + 2 + 0 + 3 + 0.5) = 0.65;
// gradient 0.1 * sign(p), 0 where p is 0.
TEST(L1PenaltyTest, ValueIsStrengthTimesSumOfMagnitudesAndGradientIsStrengthTimesSign) {
  Tensor a = tensor({1.0f, -2.0f, 0.0f});
  Tensor b = from_values(Shape{2, 1}, {3.0f, 0.5f});
  a.set_requires_grad();
  b.set_requires_grad();
  const Tensor penalty = l1_penalty({a, b}, 0.1f);
  EXPECT_EQ(penalty.rank(), 0);
  EXPECT_NEAR(penalty.item(), 0.65, 1e-6);
  backward(penalty);
  expect_values(a.grad(), {0.1, -0.1, 0.0});
  expect_values(b.grad(), {0.1, 0.1});
}

TEST(L1PenaltyTest, EmptyListAndZeroStrengthGiveZero) {
  EXPECT_EQ(l1_penalty({}, 0.5f).item(), 0.0f);
  Tensor a = tensor({4.0f, -1.0f});
  a.set_requires_grad();
  const Tensor penalty = l1_penalty({a}, 0.0f);
  EXPECT_EQ(penalty.item(), 0.0f);
  backward(penalty);
  expect_values(a.grad(), {0.0, 0.0});
}

// Away from 0 (further than the stencil's reach) |p| is smooth: backprop must agree with
// finite differences on a loss that uses the parameters twice, once through the penalty.
TEST(L1PenaltyTest, GradientMatchesFiniteDifferences) {
  const Tensor c = from_values(Shape{2, 2}, {0.5f, -1.0f, 2.0f, 0.25f});
  Tensor p = from_values(Shape{2, 2}, {0.75f, -1.5f, 2.25f, -0.5f});
  Tensor q = tensor({-3.0f, 0.625f});
  const GradCheckReport report = check_gradients(
      [&](const std::vector<Tensor>& in) {
        return add(sum(mul(in[0], c)), add(sum(mul(in[1], in[1])), l1_penalty(in, 0.3f)));
      },
      {p, q});
  EXPECT_TRUE(report.passed) << report.to_string();
}

// loss sum(p * c) + 0.1 sum|p| with SGD, learning rate 0.1, p = [2, -1], c = [1, -0.5]:
// g = c + 0.1 sign(p) = [1.1, -0.6], so p = [1.89, -0.94], then [1.78, -0.88].
TEST(L1PenaltyTest, TwoSgdStepsOnAPenalisedLossByHand) {
  const Tensor c = tensor({1.0f, -0.5f});
  Tensor p = tensor({2.0f, -1.0f});
  p.set_requires_grad();
  Sgd sgd({p}, {.learning_rate = 0.1f});
  const std::vector<std::vector<double>> expected = {{1.89, -0.94}, {1.78, -0.88}};
  for (const std::vector<double>& values : expected) {
    sgd.zero_grad(/*set_to_none=*/true);
    sgd.backward_and_step(add(sum(mul(p, c)), l1_penalty({p}, 0.1f)));
    expect_values(p, values);
  }
}

double sum_of_magnitudes(const nn::Module& model) {
  double total = 0.0;
  for (const Tensor& parameter : model.parameters()) {
    for (const float value : parameter.to_vector()) total += std::fabs(value);
  }
  return total;
}

TEST(L1PenaltyTest, FitWithL1KeepsTheWeightsSmallAndZeroChangesNothing) {
  Generator generator(3);
  const data::Dataset circles = data::circles(200, 0.1, generator);
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  options.epochs = 20;
  const auto train = [&](float l1) {
    auto model = network("2-8-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
    Sgd sgd(model->parameters(), {.learning_rate = 0.1f});
    FitOptions with = options;
    with.l1_strength = l1;
    fit(*model, sgd, circles, with);
    return model;
  };
  const auto plain = train(0.0f);
  auto untouched = network("2-8-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Sgd sgd(untouched->parameters(), {.learning_rate = 0.1f});
  fit(*untouched, sgd, circles, options);  // no l1_strength at all
  EXPECT_TRUE(same_parameters(*plain, *untouched));
  const auto penalised = train(0.01f);
  EXPECT_LT(sum_of_magnitudes(*penalised), 0.8 * sum_of_magnitudes(*plain));

  options.l1_strength = -0.1f;
  EXPECT_EQ(error_message([&] { fit(*untouched, sgd, circles, options); }),
            "fit: the L1 strength must not be negative");
}

TEST(L1PenaltyTest, InvalidArgumentsThrow) {
  const Tensor a = tensor({1.0f});
  EXPECT_EQ(error_message([&] { l1_penalty({a}, -0.1f); }),
            "l1_penalty: strength must be non-negative and finite, got -0.1");
  EXPECT_EQ(error_message([&] { l1_penalty({a}, NAN); }),
            "l1_penalty: strength must be non-negative and finite, got nan");
  EXPECT_EQ(error_message([&] {
              l1_penalty({a, Tensor()}, 0.1f);
            }),
            "l1_penalty: parameter 1 is undefined");
}

}  // namespace
}  // namespace soma::train
