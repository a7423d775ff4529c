// The learning-rate schedules' closed forms, computed in double and rounded once to float.
#include "soma/optim/schedule.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"

namespace soma {

namespace {

// Throws "NAME: WHAT must be positive and finite, got VALUE".
void check_positive(const char* name, const char* what, float value) {
  if (!(std::isfinite(value) && value > 0.0f)) {
    throw Error(std::string(name) + ": " + what + " must be positive and finite, got " +
                number_text(value));
  }
}

// Throws "NAME: WHAT must be at least 1UNIT, got COUNT" for a COUNT below 1.
void check_at_least_one(const char* name, const char* what, int count, const char* unit = "") {
  if (count < 1) {
    throw Error(std::string(name) + ": " + what + " must be at least 1" + unit + ", got " +
                std::to_string(count));
  }
}

void check_epoch(const char* name, int epoch) {
  if (epoch < 0) {
    throw Error(std::string(name) + ": epoch must be non-negative, got " + std::to_string(epoch));
  }
}

}  // namespace

void LearningRateSchedule::apply(Optimizer& optimizer, int epoch) const {
  optimizer.set_learning_rate(learning_rate_at(epoch));
}

ConstantSchedule::ConstantSchedule(float learning_rate) : learning_rate_(learning_rate) {
  check_positive("ConstantSchedule", "the initial learning rate", learning_rate);
}

float ConstantSchedule::learning_rate_at(int epoch) const {
  check_epoch("ConstantSchedule", epoch);
  return learning_rate_;
}

StepSchedule::StepSchedule(float initial, int step_size, float gamma)
    : initial_(initial), step_size_(step_size), gamma_(gamma) {
  check_positive("StepSchedule", "the initial learning rate", initial);
  check_at_least_one("StepSchedule", "step size", step_size, " epoch");
  check_positive("StepSchedule", "gamma", gamma);
}

float StepSchedule::learning_rate_at(int epoch) const {
  check_epoch("StepSchedule", epoch);
  const int decays = epoch / step_size_;  // floor, as both are non-negative
  return static_cast<float>(initial_ * std::pow(static_cast<double>(gamma_), decays));
}

ExponentialSchedule::ExponentialSchedule(float initial, float gamma)
    : initial_(initial), gamma_(gamma) {
  check_positive("ExponentialSchedule", "the initial learning rate", initial);
  check_positive("ExponentialSchedule", "gamma", gamma);
}

float ExponentialSchedule::learning_rate_at(int epoch) const {
  check_epoch("ExponentialSchedule", epoch);
  return static_cast<float>(initial_ * std::pow(static_cast<double>(gamma_), epoch));
}

CosineSchedule::CosineSchedule(float initial, int total_epochs, float minimum)
    : initial_(initial), total_epochs_(total_epochs), minimum_(minimum) {
  check_positive("CosineSchedule", "the initial learning rate", initial);
  check_at_least_one("CosineSchedule", "total epochs", total_epochs);
  if (!(minimum >= 0.0f && minimum <= initial)) {
    throw Error("CosineSchedule: the minimum learning rate must be in [0, initial = " +
                number_text(initial) + "], got " + number_text(minimum));
  }
}

float CosineSchedule::learning_rate_at(int epoch) const {
  check_epoch("CosineSchedule", epoch);
  if (epoch >= total_epochs_) return minimum_;
  const double progress = static_cast<double>(epoch) / total_epochs_;  // in [0, 1)
  const double minimum = minimum_;
  return static_cast<float>(minimum + (initial_ - minimum) *
                                          (1.0 + std::cos(std::numbers::pi * progress)) / 2.0);
}

}  // namespace soma
