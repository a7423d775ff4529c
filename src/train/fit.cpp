// fit, evaluate, predict and the validation split.
#include "soma/train/fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "soma/autograd/grad_mode.hpp"
#include "soma/data/split.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/tensor/generator.hpp"
#include "soma/train/network_checks.hpp"
#include "soma/train/penalty.hpp"

namespace soma::train {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// Running totals over the batches of one pass.
struct Tally {
  double loss_sum = 0.0;
  int64_t samples = 0;
  int64_t correct = 0;
  double squared_error_sum = 0.0;
  int64_t values = 0;

  void add(LossKind kind, const data::Dataset& dataset, std::span<const int64_t> rows,
           const Tensor& outputs, const Tensor& targets, float batch_loss) {
    const auto count = static_cast<int64_t>(rows.size());
    loss_sum += static_cast<double>(batch_loss) * static_cast<double>(count);
    samples += count;
    if (dataset.is_classification()) {
      const std::vector<int64_t> predicted = predicted_classes(kind, outputs);
      const float* labels = dataset.targets.data();
      for (size_t i = 0; i < rows.size(); ++i) {
        correct += predicted[i] == static_cast<int64_t>(labels[rows[i]]);
      }
    } else {
      const float* out = outputs.data();
      const float* target = targets.data();
      for (int64_t i = 0; i < outputs.numel(); ++i) {
        const double difference = static_cast<double>(out[i]) - target[i];
        squared_error_sum += difference * difference;
      }
      values += outputs.numel();
    }
  }
  double loss() const { return loss_sum / static_cast<double>(samples); }
  double accuracy(bool classification) const {
    return classification ? static_cast<double>(correct) / static_cast<double>(samples)
                          : not_a_number;
  }
  double rmse(bool classification) const {
    return classification ? not_a_number
                          : std::sqrt(squared_error_sum / static_cast<double>(values));
  }
};

void check_options(const FitOptions& options) {
  if (options.epochs < 1) throw Error("fit: epochs must be at least 1");
  if (options.batch_size < 0) throw Error("fit: the batch size must not be negative");
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0)) {
    throw Error("fit: the validation split must be in [0, 1)");
  }
  if (options.validation_split > 0.0 && options.validation) {
    throw Error("fit: give a validation set or a validation split, not both");
  }
  if (options.patience < 0) throw Error("fit: the patience must not be negative");
  if (!(options.weight_decay >= 0.0f)) throw Error("fit: the weight decay must not be negative");
  if (!(options.l1_strength >= 0.0f)) throw Error("fit: the L1 strength must not be negative");
}

void check_features(const nn::Module& model, const data::Dataset& dataset, const char* what) {
  if (!dataset.features.defined() || dataset.features.rank() != 2) {
    throw Error(std::string(what) + ": features must be (samples x features)");
  }
  if (dataset.size() == 0) throw Error(std::string(what) + ": the dataset is empty");
  (void)model.output_features(dataset.features.shape()[1]);  // throws on a mismatch
}

// What one epoch's batches need, fixed for the whole run.
struct EpochInputs {
  const data::Dataset& training;
  const Tensor& targets;  // prepared for the loss: (samples x outputs)
  const std::vector<Tensor>& parameters;
  int64_t batch_size;
};

// One pass over `order` in batches: forward, loss (with the penalties), backward and step.
// Throws TrainingDiverged when a batch's loss is not finite.
Tally train_one_epoch(nn::Module& model, Optimizer& optimizer, const EpochInputs& inputs,
                      std::span<const int64_t> order, const FitOptions& options, int epoch) {
  Tally tally;
  const auto samples = static_cast<int64_t>(order.size());
  for (int64_t start = 0; start < samples; start += inputs.batch_size) {
    const std::span<const int64_t> rows =
        order.subspan(static_cast<size_t>(start),
                      static_cast<size_t>(std::min(inputs.batch_size, samples - start)));
    const Tensor x = data::gather_rows(inputs.training.features, rows);
    const Tensor t = data::gather_rows(inputs.targets, rows);
    // Dropped, not zeroed: backward writes each gradient afresh (no zeroing pass), and a
    // plain SGD step can then be fused into the backward pass (no gradient at all).
    optimizer.zero_grad(/*set_to_none=*/true);
    const Tensor out = model.forward(x);
    const Tensor loss = compute_loss(options.loss, out, t);
    const float value = loss.item();
    if (!std::isfinite(value)) {
      throw TrainingDiverged("training diverged: the loss became " +
                             std::string(std::isnan(value) ? "nan" : "infinite") + " at epoch " +
                             std::to_string(epoch) + ", batch " +
                             std::to_string(start / inputs.batch_size + 1) + " (learning rate " +
                             std::to_string(optimizer.learning_rate()) +
                             "); try a smaller learning rate");
    }
    Tensor objective = loss;
    if (options.weight_decay > 0.0f)
      objective = add(objective, l2_penalty(inputs.parameters, options.weight_decay));
    if (options.l1_strength > 0.0f)
      objective = add(objective, l1_penalty(inputs.parameters, options.l1_strength));
    optimizer.backward_and_step(objective);  // fused into one pass where the update allows
    tally.add(options.loss, inputs.training, rows, out, t, value);
  }
  return tally;
}

// The epoch's record: the training pass's tally, then the validation set scored.
EpochRecord epoch_record(int epoch, const Tally& tally, bool classification, double learning_rate,
                         nn::Module& model, const std::optional<data::Dataset>& validation,
                         LossKind loss) {
  EpochRecord record;
  record.epoch = epoch;
  record.train_loss = tally.loss();
  record.train_accuracy = tally.accuracy(classification);
  record.train_rmse = tally.rmse(classification);
  record.learning_rate = learning_rate;
  record.validation_loss = record.validation_accuracy = record.validation_rmse = not_a_number;
  if (validation) {
    const Evaluation evaluation = evaluate(model, *validation, loss);
    record.validation_loss = evaluation.loss;
    record.validation_accuracy = evaluation.accuracy;
    record.validation_rmse = evaluation.rmse;
  }
  return record;
}

// Early stopping's bookkeeping: the best monitored loss so far, its epoch's parameters
// (kept only when they may be restored) and how long it has stood.
struct BestSoFar {
  double loss = std::numeric_limits<double>::infinity();
  std::optional<nn::ParameterSnapshot> parameters;
  int epochs_without_improvement = 0;

  void update(double monitored, int epoch, nn::Module& model, const FitOptions& options,
              History& history) {
    if (monitored < loss - options.min_improvement) {
      loss = monitored;
      history.best_epoch = epoch;
      epochs_without_improvement = 0;
      if (options.patience > 0 && options.restore_best) {
        parameters = nn::snapshot_parameters(model);
      }
    } else {
      ++epochs_without_improvement;
    }
  }
};

}  // namespace

History fit(nn::Module& model, Optimizer& optimizer, const data::Dataset& training_data,
            const FitOptions& options) {
  check_options(options);
  check_output_for_loss(model, options.loss);
  data::Dataset training = training_data;
  std::optional<data::Dataset> validation = options.validation;
  if (options.validation_split > 0.0) {
    // A stream apart from the shuffling's, from the same seed.
    std::tie(training, validation) = data::train_test_split(training_data, options.validation_split,
                                                            options.seed ^ 0x9e3779b97f4a7c15ULL);
  }
  check_features(model, training, "fit");
  if (validation) check_features(model, *validation, "fit (validation)");

  const int64_t samples = training.size();
  const int64_t outputs = model.output_features(training.features.shape()[1]);
  const Tensor targets = prepare_targets(options.loss, training, outputs);
  const std::vector<Tensor> parameters = model.parameters();
  const EpochInputs inputs{
      training, targets, parameters,
      options.batch_size == 0 || options.batch_size > samples ? samples : options.batch_size};

  Generator generator(options.seed);
  std::vector<int64_t> order(static_cast<size_t>(samples));
  std::iota(order.begin(), order.end(), 0);

  History history;
  BestSoFar best;
  model.train();
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    if (options.schedule != nullptr) options.schedule->apply(optimizer, epoch - 1);
    if (options.shuffle) generator.shuffle(order);
    const Tally tally = train_one_epoch(model, optimizer, inputs, order, options, epoch);
    EpochRecord record = epoch_record(epoch, tally, training.is_classification(),
                                      optimizer.learning_rate(), model, validation, options.loss);
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    history.epochs.push_back(record);

    best.update(validation ? record.validation_loss : record.train_loss, epoch, model, options,
                history);
    if ((options.on_epoch && !options.on_epoch(record)) ||
        (options.patience > 0 && best.epochs_without_improvement >= options.patience)) {
      history.stopped_early = true;
      break;
    }
  }
  const int last_epoch = history.epochs.back().epoch;
  if (best.parameters && history.best_epoch != last_epoch) {
    nn::restore_parameters(model, *best.parameters);
  } else {
    history.best_epoch = last_epoch;
  }
  return history;
}

Evaluation evaluate(nn::Module& model, const data::Dataset& dataset, LossKind loss,
                    int64_t batch_size) {
  check_features(model, dataset, "evaluate");
  if (batch_size <= 0) throw Error("evaluate: the batch size must be positive");
  const int64_t samples = dataset.size();
  const int64_t outputs = model.output_features(dataset.features.shape()[1]);
  const Tensor targets = prepare_targets(loss, dataset, outputs);
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  Tally tally;
  Evaluation evaluation;
  std::vector<int64_t> rows;
  for (int64_t start = 0; start < samples; start += batch_size) {
    rows.resize(static_cast<size_t>(std::min(batch_size, samples - start)));
    std::iota(rows.begin(), rows.end(), start);
    const Tensor out = model.forward(data::gather_rows(dataset.features, rows));
    const Tensor t = data::gather_rows(targets, rows);
    tally.add(loss, dataset, rows, out, t, compute_loss(loss, out, t).item());
    if (dataset.is_classification()) {
      const std::vector<int64_t> predicted = predicted_classes(loss, out);
      evaluation.predicted.insert(evaluation.predicted.end(), predicted.begin(), predicted.end());
    }
  }
  model.train(was_training);
  evaluation.loss = tally.loss();
  evaluation.accuracy = tally.accuracy(dataset.is_classification());
  evaluation.rmse = tally.rmse(dataset.is_classification());
  return evaluation;
}

Tensor predict(nn::Module& model, const Tensor& features, int64_t batch_size) {
  if (features.rank() != 2) {
    throw Error("predict: features must be (samples x features), got " +
                features.shape().to_string());
  }
  if (batch_size <= 0) throw Error("predict: the batch size must be positive");
  const int64_t samples = features.shape()[0];
  const int64_t outputs = model.output_features(features.shape()[1]);
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  Tensor result = Tensor::empty(Shape{samples, outputs});
  std::vector<int64_t> rows;
  for (int64_t start = 0; start < samples; start += batch_size) {
    rows.resize(static_cast<size_t>(std::min(batch_size, samples - start)));
    std::iota(rows.begin(), rows.end(), start);
    const Tensor out = model.forward(data::gather_rows(features, rows));
    std::memcpy(result.data() + start * outputs, out.data(),
                static_cast<size_t>(out.numel()) * sizeof(float));
  }
  model.train(was_training);
  return result;
}

}  // namespace soma::train
