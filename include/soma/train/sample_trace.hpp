// The forward and backward pass of a network for one sample, as the lecture draws them:
// the value of every array the layers make and d(loss)/d(value) for each, and d(loss)/d(p)
// for every parameter p, with the loss the model is trained with.
#pragma once

#include <string>
#include <vector>

#include "soma/nn/activation_layer.hpp"
#include "soma/nn/sequential.hpp"
#include "soma/train/loss_kind.hpp"

namespace soma::train {

// What one layer of the Sequential gives for the sample.
struct TracedLayer {
  std::string op;            // "linear", the activation's name ("tanh"), "dropout"
  std::vector<float> value;  // the layer's output (features)
  std::vector<float> grad;   // d(loss)/d(output), same size
};

// One parameter, named and laid out as in the model file: "0.weight" is (inputs x outputs).
struct TracedParameter {
  std::string name;
  Shape shape;
  std::vector<float> value;  // row-major
  std::vector<float> grad;   // d(loss)/d(parameter), row-major
};

struct SampleTrace {
  std::vector<float> input;         // the network's inputs (after any feature map and scaling)
  std::vector<float> input_grad;    // d(loss)/d(input)
  std::vector<TracedLayer> layers;  // in order; the last value is the network's output
  std::vector<TracedParameter> parameters;
  LossKind loss_kind = LossKind::squared_error;
  nn::ActivationKind head = nn::ActivationKind::identity;
  // The target as the loss takes it: a class index for cross_entropy, 0 or 1 for the binary
  // losses, a one-hot row or the values for squared error.
  std::vector<float> target;
  std::vector<float> prediction;  // the head applied to the network's output
  double loss = 0.0;
};

// Runs `network` (in evaluation mode: dropout is the identity) on the single sample
// `input` and backpropagates `loss_kind` against `prepared_target` (a batch of one, as
// train::prepare_targets makes it). The parameters' gradients are left as they were before.
// Throws soma::Error when input or target do not fit the network.
SampleTrace trace_sample(nn::Sequential& network, const std::vector<float>& input,
                         LossKind loss_kind, nn::ActivationKind head,
                         const Tensor& prepared_target);

}  // namespace soma::train
