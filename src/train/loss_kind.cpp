// LossKind names, target preparation, and class predictions.
#include "soma/train/loss_kind.hpp"

#include <cmath>

#include "soma/core/error.hpp"
#include "soma/ops/loss.hpp"
#include "soma/ops/shape_ops.hpp"

namespace soma::train {

LossKind parse_loss(std::string_view name) {
  if (name == "squared_error" || name == "mse") return LossKind::squared_error;
  if (name == "binary_cross_entropy" || name == "bce") return LossKind::binary_cross_entropy;
  if (name == "bce_with_logits" || name == "binary_cross_entropy_with_logits") {
    return LossKind::binary_cross_entropy_with_logits;
  }
  if (name == "cross_entropy" || name == "softmax_cross_entropy") {
    return LossKind::softmax_cross_entropy;
  }
  throw Error("unknown loss '" + std::string(name) +
              "' (valid: squared_error, binary_cross_entropy, bce_with_logits, cross_entropy)");
}

std::string_view loss_name(LossKind kind) {
  switch (kind) {
    case LossKind::squared_error:
      return "squared_error";
    case LossKind::binary_cross_entropy:
      return "binary_cross_entropy";
    case LossKind::binary_cross_entropy_with_logits:
      return "bce_with_logits";
    case LossKind::softmax_cross_entropy:
      return "cross_entropy";
  }
  return "?";
}

Tensor prepare_targets(LossKind kind, const data::Dataset& dataset, int64_t outputs) {
  const Tensor& targets = dataset.targets;
  const int64_t samples = dataset.size();
  const std::string name(loss_name(kind));
  if (!dataset.is_classification()) {
    if (kind != LossKind::squared_error) {
      throw Error("the loss " + name + " needs class labels, but the targets are real values " +
                  "(use squared_error for regression)");
    }
    const Tensor values = targets.rank() == 1 ? reshape(targets, {samples, 1}) : targets;
    if (values.shape()[1] != outputs) {
      throw Error("the model has " + std::to_string(outputs) + " outputs but the targets have " +
                  std::to_string(values.shape()[1]) + " values per sample");
    }
    return values;
  }
  const int64_t classes = dataset.classes;
  switch (kind) {
    case LossKind::softmax_cross_entropy:
      if (outputs != classes) {
        throw Error("cross_entropy needs one output per class: the data has " +
                    std::to_string(classes) + " classes, the model " + std::to_string(outputs) +
                    " outputs");
      }
      return targets;
    case LossKind::binary_cross_entropy:
    case LossKind::binary_cross_entropy_with_logits:
      if (classes != 2 || outputs != 1) {
        throw Error(name + " needs two classes and one output; the data has " +
                    std::to_string(classes) + " classes, the model " + std::to_string(outputs) +
                    " outputs");
      }
      return reshape(targets, {samples, 1});
    case LossKind::squared_error:
      if (outputs == 1) return reshape(targets, {samples, 1});
      if (outputs != classes) {
        throw Error("squared_error on classes needs 1 output or one per class; the data has " +
                    std::to_string(classes) + " classes, the model " + std::to_string(outputs) +
                    " outputs");
      }
      {
        Tensor one_hot = zeros(Shape{samples, classes});
        const float* labels = targets.data();
        for (int64_t i = 0; i < samples; ++i) {
          one_hot.data()[i * classes + static_cast<int64_t>(labels[i])] = 1.0f;
        }
        return one_hot;
      }
  }
  throw Error("prepare_targets: invalid loss");
}

Tensor compute_loss(LossKind kind, const Tensor& outputs, const Tensor& prepared_targets) {
  switch (kind) {
    case LossKind::squared_error:
      return squared_error(outputs, prepared_targets);
    case LossKind::binary_cross_entropy:
      return binary_cross_entropy(outputs, prepared_targets);
    case LossKind::binary_cross_entropy_with_logits:
      return binary_cross_entropy_with_logits(outputs, prepared_targets);
    case LossKind::softmax_cross_entropy:
      return softmax_cross_entropy(outputs, prepared_targets);
  }
  throw Error("compute_loss: invalid loss");
}

std::vector<int64_t> predicted_classes(LossKind kind, const Tensor& outputs) {
  const int64_t rows = outputs.shape()[0];
  const int64_t columns = outputs.rank() == 2 ? outputs.shape()[1] : 1;
  const float* values = outputs.data();
  std::vector<int64_t> classes(static_cast<size_t>(rows));
  const float threshold = kind == LossKind::binary_cross_entropy_with_logits ? 0.0f : 0.5f;
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = values + i * columns;
    if (columns == 1) {
      classes[static_cast<size_t>(i)] = row[0] >= threshold ? 1 : 0;
      continue;
    }
    int64_t best = 0;
    for (int64_t j = 1; j < columns; ++j) {
      if (row[j] > row[best]) best = j;
    }
    classes[static_cast<size_t>(i)] = best;
  }
  return classes;
}

std::optional<TaskOutput> output_for_task(bool classification, int64_t classes, int64_t targets,
                                          int64_t outputs) {
  using nn::ActivationKind;
  if (!classification) {
    if (outputs != targets) return std::nullopt;
    return TaskOutput{ActivationKind::identity, LossKind::squared_error};
  }
  if (outputs == 1 && classes == 2) {
    return TaskOutput{ActivationKind::sigmoid, LossKind::binary_cross_entropy};
  }
  if (outputs == classes)
    return TaskOutput{ActivationKind::softmax, LossKind::softmax_cross_entropy};
  return std::nullopt;
}

std::optional<OutputChoice> output_choice(nn::ActivationKind activation, LossKind loss) {
  using nn::ActivationKind;
  if (activation == ActivationKind::sigmoid && loss == LossKind::binary_cross_entropy) {
    return OutputChoice{ActivationKind::identity, ActivationKind::sigmoid,
                        LossKind::binary_cross_entropy_with_logits};
  }
  if (loss == LossKind::softmax_cross_entropy) {
    if (activation != ActivationKind::identity && activation != ActivationKind::softmax) {
      return std::nullopt;
    }
    return OutputChoice{ActivationKind::identity, ActivationKind::softmax, loss};
  }
  if (loss == LossKind::binary_cross_entropy_with_logits) {
    if (activation != ActivationKind::identity) return std::nullopt;
    return OutputChoice{ActivationKind::identity, ActivationKind::sigmoid, loss};
  }
  return OutputChoice{activation, ActivationKind::identity, loss};
}

}  // namespace soma::train
