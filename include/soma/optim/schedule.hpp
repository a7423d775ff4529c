// Learning-rate schedules: the learning rate as a function of the epoch (counted from 0),
// as PyTorch's StepLR, ExponentialLR and CosineAnnealingLR compute it in closed form.
#pragma once

#include "soma/optim/optimizer.hpp"

namespace soma {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  // Throws soma::Error for a negative epoch.
  virtual float learning_rate_at(int epoch) const = 0;
  // optimizer.set_learning_rate(learning_rate_at(epoch)): call at the start of each epoch.
  void apply(Optimizer& optimizer, int epoch) const;
};

// The same learning rate at every epoch.
class ConstantSchedule : public LearningRateSchedule {
 public:
  explicit ConstantSchedule(float learning_rate);
  float learning_rate_at(int epoch) const override;

 private:
  float learning_rate_;
};

// initial * gamma^floor(epoch / step_size): decays by gamma every step_size epochs.
class StepSchedule : public LearningRateSchedule {
 public:
  StepSchedule(float initial, int step_size, float gamma);
  float learning_rate_at(int epoch) const override;

 private:
  float initial_;
  int step_size_;
  float gamma_;
};

// initial * gamma^epoch.
class ExponentialSchedule : public LearningRateSchedule {
 public:
  ExponentialSchedule(float initial, float gamma);
  float learning_rate_at(int epoch) const override;

 private:
  float initial_;
  float gamma_;
};

// minimum + (initial - minimum) * (1 + cos(pi * epoch / total_epochs)) / 2 for epochs up
// to total_epochs, then minimum (PyTorch's formula would rise again after total_epochs).
class CosineSchedule : public LearningRateSchedule {
 public:
  CosineSchedule(float initial, int total_epochs, float minimum = 0.0f);
  float learning_rate_at(int epoch) const override;

 private:
  float initial_;
  int total_epochs_;
  float minimum_;
};

}  // namespace soma
