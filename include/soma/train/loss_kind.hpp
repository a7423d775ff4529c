// The losses a network is trained with, chosen by name, and the glue between a dataset's
// targets (class indices, or values) and what each loss function expects.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "soma/data/dataset.hpp"
#include "soma/nn/activation_layer.hpp"

namespace soma::train {

enum class LossKind {
  squared_error,                     // "squared_error" / "mse"
  binary_cross_entropy,              // "binary_cross_entropy" / "bce": sigmoid outputs
  binary_cross_entropy_with_logits,  // "bce_with_logits": raw outputs (logits)
  softmax_cross_entropy,             // "cross_entropy": one raw output per class
};

LossKind parse_loss(std::string_view name);
std::string_view loss_name(LossKind kind);

// The dataset's targets in the form the loss needs for a model with `outputs` outputs:
// class indices (n) for softmax cross-entropy, 0/1 columns (n x 1) for binary losses,
// one-hot rows (n x classes) for squared error on several class outputs, the values
// themselves for regression. Throws soma::Error when model, loss and data do not fit.
Tensor prepare_targets(LossKind kind, const data::Dataset& dataset, int64_t outputs);

// The scalar loss of a batch of model outputs against prepared targets.
Tensor compute_loss(LossKind kind, const Tensor& outputs, const Tensor& prepared_targets);

// The class each row of outputs predicts: argmax for several outputs; for one output the
// threshold that matches the loss (0 on logits, 0.5 otherwise).
std::vector<int64_t> predicted_classes(LossKind kind, const Tensor& outputs);

// The output activation and loss a task calls for: two classes and one output -> sigmoid
// and binary cross-entropy; one output per class -> softmax and cross-entropy; as many
// outputs as regression targets -> identity and squared error. nullopt when `outputs` fit
// neither the classes nor the targets (`classes` is read for classification only,
// `targets` for regression only).
struct TaskOutput {
  nn::ActivationKind activation = nn::ActivationKind::identity;
  LossKind loss = LossKind::squared_error;
};
std::optional<TaskOutput> output_for_task(bool classification, int64_t classes, int64_t targets,
                                          int64_t outputs);

// How a network trains with an output activation and a loss. Sigmoid + binary
// cross-entropy and softmax + cross-entropy train on logits (stable and fused): the
// activation then becomes the prediction head instead of a layer. The two losses on raw
// outputs take the matching head. nullopt for a loss on raw outputs (cross_entropy,
// bce_with_logits) after any activation other than identity or its own.
struct OutputChoice {
  nn::ActivationKind layer = nn::ActivationKind::identity;  // a real last layer, or identity
  nn::ActivationKind head = nn::ActivationKind::identity;   // applied at prediction time
  LossKind loss = LossKind::squared_error;
};
std::optional<OutputChoice> output_choice(nn::ActivationKind activation, LossKind loss);

}  // namespace soma::train
