// Dense: x W + b as one linear() node (product and bias in one pass).
#include "soma/nn/dense.hpp"

#include <istream>

#include "soma/core/error.hpp"
#include "soma/ops/linear.hpp"

namespace soma::nn {

Dense::Dense(int64_t inputs, int64_t outputs, Generator& generator, const DenseOptions& options)
    : inputs_(inputs), outputs_(outputs) {
  if (inputs <= 0 || outputs <= 0) {
    throw Error("Dense: inputs and outputs must be positive, got " + std::to_string(inputs) +
                " -> " + std::to_string(outputs));
  }
  Tensor weight = Tensor::empty(Shape{inputs, outputs});
  initialize(weight, options.weight_init, inputs, outputs, generator);
  weight_ = register_parameter("weight", weight);
  if (options.bias) {
    Tensor bias = Tensor::empty(Shape{outputs});
    initialize(bias, options.bias_init, inputs, outputs, generator);
    bias_ = register_parameter("bias", bias);
  }
}

Tensor Dense::forward(const Tensor& input) {
  if (input.rank() != 2 || input.shape()[1] != inputs_) {
    throw Error(describe() + ": expects input of shape (samples x " + std::to_string(inputs_) +
                "), got " + input.shape().to_string());
  }
  return linear(input, weight_, has_bias() ? bias_ : Tensor());  // (samples x outputs)
}

std::string Dense::describe() const {
  return description(inputs_, outputs_);
}

std::string Dense::description(int64_t inputs, int64_t outputs) {
  return "Dense(" + std::to_string(inputs) + " -> " + std::to_string(outputs) + ")";
}

int64_t Dense::output_features(int64_t input_features) const {
  if (input_features != inputs_) {
    throw Error(describe() + ": receives " + std::to_string(input_features) +
                " features per sample, expects " + std::to_string(inputs_));
  }
  return outputs_;
}

std::string Dense::architecture() const {
  return "dense " + std::to_string(inputs_) + " " + std::to_string(outputs_) +
         (has_bias() ? "" : " no_bias");
}

LayerSpec Dense::spec(int64_t inputs, int64_t outputs, bool bias) {
  LayerSpec spec{.description = description(inputs, outputs),
                 .inputs = inputs,
                 .outputs = outputs,
                 .parameters = {{"weight", {inputs, outputs}}},
                 .role = LayerRole::affine};
  if (bias) spec.parameters.push_back({"bias", {outputs}});
  spec.build = [=](const LayerBuild& build) {
    return std::make_shared<Dense>(inputs, outputs, build.weights,
                                   DenseOptions{bias, build.weight_init, build.bias_init});
  };
  return spec;
}

LayerSpec Dense::read(std::istream& words) {
  int64_t inputs = 0;
  int64_t outputs = 0;
  if (!(words >> inputs >> outputs) || inputs <= 0 || outputs <= 0) {
    throw Error("expected 'dense INPUTS OUTPUTS'");
  }
  std::string flag;
  const bool has_flag = static_cast<bool>(words >> flag);
  if (has_flag && flag != "no_bias") throw Error("unknown flag " + quoted_for_message(flag));
  return spec(inputs, outputs, !has_flag);
}

}  // namespace soma::nn
