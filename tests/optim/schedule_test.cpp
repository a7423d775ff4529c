// Tests the learning-rate schedules: exact values at chosen epochs (worked out in the
// comments), applying a schedule to an optimiser, and the errors for bad settings.
#include "soma/optim/schedule.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/optim/sgd.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::ConstantSchedule;
using soma::CosineSchedule;
using soma::ExponentialSchedule;
using soma::StepSchedule;

TEST(ScheduleTest, ConstantIsTheSameAtEveryEpoch) {
  const ConstantSchedule schedule(0.05f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(0), 0.05f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(1000), 0.05f);
}

// 0.1 * 0.5^floor(epoch / 3): epochs 0-2 -> 0.1, 3-5 -> 0.05, 6-8 -> 0.025, 9 -> 0.0125.
TEST(ScheduleTest, StepDecaysEveryStepSizeEpochs) {
  const StepSchedule schedule(0.1f, 3, 0.5f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(0), 0.1f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(2), 0.1f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(3), 0.05f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(5), 0.05f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(6), 0.025f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(9), 0.0125f);
}

// 0.1 * 0.9^epoch: 0.1, 0.09, 0.081, then 0.9^5 = 0.59049 and 0.9^10 = 0.3486784401.
TEST(ScheduleTest, ExponentialMultipliesByGammaEachEpoch) {
  const ExponentialSchedule schedule(0.1f, 0.9f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(0), 0.1f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(1), 0.09f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(2), 0.081f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(5), 0.059049f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(10), 0.03486784401f);
}

// 0.001 + 0.099 * (1 + cos(pi * epoch / 10)) / 2:
//   epoch 0  -> 0.1
//   epoch 2  -> cos(0.2 pi) = 0.809017: 0.001 + 0.099 * 0.9045085 = 0.09054634
//   epoch 5  -> cos(pi / 2) = 0: 0.001 + 0.0495 = 0.0505
//   epoch 8  -> cos(0.8 pi) = -0.809017: 0.001 + 0.099 * 0.0954915 = 0.01045366
//   epoch 10 -> cos(pi) = -1: the minimum, 0.001, where it stays (epochs 11, 50)
TEST(ScheduleTest, CosineAnnealsToTheMinimumAndHoldsThere) {
  const CosineSchedule schedule(0.1f, 10, 0.001f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(0), 0.1f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(2), 0.09054634f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(5), 0.0505f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(8), 0.01045366f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(10), 0.001f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(11), 0.001f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(50), 0.001f);
}

// Minimum 0 by default, 4 epochs: 0.1 * (1 + cos(pi * epoch / 4)) / 2 =
// 0.1, 0.1 * 0.8535534 = 0.08535534, 0.05, 0.1 * 0.1464466 = 0.01464466, 0.
TEST(ScheduleTest, CosineDefaultMinimumIsZero) {
  const CosineSchedule schedule(0.1f, 4);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(0), 0.1f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(1), 0.08535534f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(2), 0.05f);
  EXPECT_FLOAT_EQ(schedule.learning_rate_at(3), 0.01464466f);
  EXPECT_EQ(schedule.learning_rate_at(4), 0.0f);
  EXPECT_EQ(schedule.learning_rate_at(5), 0.0f);
}

TEST(ScheduleTest, ApplySetsTheOptimizersLearningRate) {
  soma::Tensor p = soma::tensor({1.0f});
  p.set_requires_grad();
  soma::Sgd sgd({p}, {.learning_rate = 0.1f});
  const StepSchedule step(0.1f, 2, 0.1f);
  step.apply(sgd, 3);
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.01f);
  // Through the base class, and down to a cosine schedule's minimum of 0.
  const std::vector<std::shared_ptr<const soma::LearningRateSchedule>> schedules = {
      std::make_shared<ConstantSchedule>(0.2f), std::make_shared<CosineSchedule>(0.2f, 5)};
  schedules[0]->apply(sgd, 7);
  EXPECT_FLOAT_EQ(sgd.learning_rate(), 0.2f);
  schedules[1]->apply(sgd, 5);
  EXPECT_EQ(sgd.learning_rate(), 0.0f);
}

TEST(ScheduleTest, InvalidSettingsThrow) {
  EXPECT_EQ(error_message([] { ConstantSchedule(0.0f); }),
            "ConstantSchedule: the initial learning rate must be positive and finite, got 0");
  EXPECT_EQ(error_message([] { StepSchedule(0.1f, 0, 0.5f); }),
            "StepSchedule: step size must be at least 1 epoch, got 0");
  EXPECT_EQ(error_message([] { StepSchedule(0.1f, 2, 0.0f); }),
            "StepSchedule: gamma must be positive and finite, got 0");
  EXPECT_EQ(error_message([] { ExponentialSchedule(-0.1f, 0.9f); }),
            "ExponentialSchedule: the initial learning rate must be positive and finite, got "
            "-0.1");
  EXPECT_EQ(error_message([] { ExponentialSchedule(0.1f, -0.9f); }),
            "ExponentialSchedule: gamma must be positive and finite, got -0.9");
  EXPECT_EQ(error_message([] { CosineSchedule(0.1f, 0); }),
            "CosineSchedule: total epochs must be at least 1, got 0");
  EXPECT_EQ(error_message([] { CosineSchedule(0.1f, 10, 0.2f); }),
            "CosineSchedule: the minimum learning rate must be in [0, initial = 0.1], got 0.2");
  EXPECT_EQ(error_message([] { CosineSchedule(0.1f, 10, -0.01f); }),
            "CosineSchedule: the minimum learning rate must be in [0, initial = 0.1], got -0.01");
}

TEST(ScheduleTest, NegativeEpochsThrow) {
  EXPECT_EQ(error_message([] { (void)StepSchedule(0.1f, 2, 0.5f).learning_rate_at(-1); }),
            "StepSchedule: epoch must be non-negative, got -1");
  EXPECT_EQ(error_message([] { (void)CosineSchedule(0.1f, 10).learning_rate_at(-3); }),
            "CosineSchedule: epoch must be non-negative, got -3");
  EXPECT_EQ(error_message([] { (void)ExponentialSchedule(0.1f, 0.5f).learning_rate_at(-1); }),
            "ExponentialSchedule: epoch must be non-negative, got -1");
  EXPECT_EQ(error_message([] { (void)ConstantSchedule(0.1f).learning_rate_at(-1); }),
            "ConstantSchedule: epoch must be non-negative, got -1");
}

}  // namespace
