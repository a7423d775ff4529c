// Tests l2_penalty: its value (strength / 2) * sum(p^2), its gradient strength * p, that
// adding it to a loss matches SGD's weight_decay step for step, and its errors.
#include "soma/train/penalty.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "optim/optimizer_test_support.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/optim/sgd.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;
using soma::testing::expect_values;

using soma::Tensor;

// Parameters [1, -2] and [[3], [0.5]], strength 0.1:
// (0.1 / 2) * (1 + 4 + 9 + 0.25) = 0.05 * 14.25 = 0.7125; gradient 0.1 * p.
TEST(L2PenaltyTest, ValueIsHalfStrengthTimesSumOfSquaresAndGradientIsStrengthTimesP) {
  Tensor a = soma::tensor({1.0f, -2.0f});
  Tensor b = soma::from_values(soma::Shape{2, 1}, {3.0f, 0.5f});
  a.set_requires_grad();
  b.set_requires_grad();
  const Tensor penalty = soma::train::l2_penalty({a, b}, 0.1f);
  EXPECT_EQ(penalty.rank(), 0);
  EXPECT_NEAR(penalty.item(), 0.7125, 1e-6);
  soma::backward(penalty);
  expect_values(a.grad(), {0.1, -0.2});
  expect_values(b.grad(), {0.3, 0.05});
}

TEST(L2PenaltyTest, EmptyListAndZeroStrengthGiveZero) {
  EXPECT_EQ(soma::train::l2_penalty({}, 0.5f).item(), 0.0f);
  Tensor a = soma::tensor({4.0f});
  a.set_requires_grad();
  const Tensor penalty = soma::train::l2_penalty({a}, 0.0f);
  EXPECT_EQ(penalty.item(), 0.0f);
  soma::backward(penalty);
  expect_values(a.grad(), {0.0});
}

// loss = sum(p * c) + l2_penalty({p}, 0.1) has gradient c + 0.1 p: with plain SGD that is
// exactly Sgd's weight_decay = 0.1 on loss sum(p * c). Three steps of each must agree.
TEST(L2PenaltyTest, AddedToTheLossItMatchesSgdWeightDecay) {
  const Tensor c = soma::tensor({1.0f, -0.5f});
  Tensor with_penalty = soma::tensor({2.0f, -1.0f});
  Tensor with_decay = soma::tensor({2.0f, -1.0f});
  with_penalty.set_requires_grad();
  with_decay.set_requires_grad();
  soma::Sgd penalised({with_penalty}, {.learning_rate = 0.1f});
  soma::Sgd decayed({with_decay}, {.learning_rate = 0.1f, .weight_decay = 0.1f});
  for (int step = 0; step < 3; ++step) {
    penalised.zero_grad();
    soma::backward(soma::sum(with_penalty * c) + soma::train::l2_penalty({with_penalty}, 0.1f));
    penalised.step();
    decayed.zero_grad();
    soma::backward(soma::sum(with_decay * c));
    decayed.step();
  }
  // Step 1 by hand: g = [1 + 0.2, -0.5 - 0.1] = [1.2, -0.6]; p = [1.88, -0.94].
  const std::vector<float> decayed_values = with_decay.to_vector();
  expect_values(with_penalty, {decayed_values[0], decayed_values[1]});
}

TEST(L2PenaltyTest, InvalidArgumentsThrow) {
  const Tensor a = soma::tensor({1.0f});
  EXPECT_EQ(error_message([&] { soma::train::l2_penalty({a}, -0.1f); }),
            "l2_penalty: strength must be non-negative and finite, got -0.1");
  EXPECT_EQ(error_message([&] {
              soma::train::l2_penalty({a, Tensor()}, 0.1f);
            }),
            "l2_penalty: parameter 1 is undefined");
}

}  // namespace
