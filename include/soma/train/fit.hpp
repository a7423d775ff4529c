// Training and evaluation: fit() runs epochs of (mini-)batch gradient descent with
// reshuffling, validation, history, early stopping and per-epoch callbacks; evaluate()
// and predict() run a model on data in batches without recording a graph.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/data/dataset.hpp"
#include "soma/nn/module.hpp"
#include "soma/optim/optimizer.hpp"
#include "soma/optim/schedule.hpp"
#include "soma/train/loss_kind.hpp"

namespace soma::train {

// Accuracy is NaN for regression, RMSE is NaN for classification; validation entries are
// NaN without a validation set.
struct EpochRecord {
  int epoch = 0;  // 1-based
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double train_rmse = 0.0;
  double validation_loss = 0.0;
  double validation_accuracy = 0.0;
  double validation_rmse = 0.0;
  double learning_rate = 0.0;
  double seconds = 0.0;  // wall time of this epoch
};

struct History {
  std::vector<EpochRecord> epochs;
  int best_epoch = 0;          // the epoch whose weights the model holds at the end
  bool stopped_early = false;  // by patience or by the callback
};

struct FitOptions {
  LossKind loss = LossKind::squared_error;
  int epochs = 100;
  // 1: stochastic gradient descent; 0 or >= the number of samples: full-batch gradient
  // descent; anything between: mini-batches.
  int64_t batch_size = 32;
  uint64_t seed = 0;  // reshuffling every epoch, and the validation split
  bool shuffle = true;
  // L2 regularisation added to the loss: (weight_decay / 2) * sum of squared parameters.
  float weight_decay = 0.0f;
  // L1 regularisation added to the loss: l1_strength * sum of |parameters| (penalty.hpp).
  float l1_strength = 0.0f;
  // A validation set, given, or split off the training data (stratified by class).
  std::optional<data::Dataset> validation;
  double validation_split = 0.0;
  // Early stopping on the validation loss (the training loss without validation): stop
  // after `patience` epochs without an improvement of more than min_improvement, and
  // restore the best weights. patience = 0 turns it off.
  int patience = 0;
  double min_improvement = 0.0;
  bool restore_best = true;
  const LearningRateSchedule* schedule = nullptr;  // applied at the start of each epoch
  // Called after every epoch; return false to stop training.
  std::function<bool(const EpochRecord&)> on_epoch;
};

// Thrown when the loss becomes NaN or infinite.
class TrainingDiverged : public Error {
 public:
  using Error::Error;
};

// Each batch: gather its rows, drop the gradients, forward, loss (plus the L2 and L1 penalties),
// then optimizer.backward_and_step(objective): for plain SGD the update happens inside the
// backward pass, for the others backward() then step().
// Throws soma::Error, before any step, for a last layer that the loss applies again (a
// softmax before cross_entropy, a sigmoid before bce_with_logits: check_output_for_loss).
History fit(nn::Module& model, Optimizer& optimizer, const data::Dataset& training,
            const FitOptions& options);

struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;           // NaN for regression
  double rmse = 0.0;               // NaN for classification
  std::vector<int64_t> predicted;  // classification: the predicted class per sample
};

Evaluation evaluate(nn::Module& model, const data::Dataset& dataset, LossKind loss,
                    int64_t batch_size = 1024);
// The model's outputs for every row of `features`, in evaluation mode, without a graph.
Tensor predict(nn::Module& model, const Tensor& features, int64_t batch_size = 1024);

}  // namespace soma::train
