// Activation layers: g applied element-wise to a layer's output (softmax: across each
// row). One class for all of them, chosen by kind; names are those the CLI accepts.
#pragma once

#include <string_view>

#include "soma/nn/layer_registry.hpp"
#include "soma/nn/module.hpp"

namespace soma::nn {

enum class ActivationKind { step, sigmoid, tanh, relu, leaky_relu, identity, softplus, softmax };

// "step", "sigmoid", "tanh", "relu", "leaky_relu", "identity" (alias "linear"),
// "softplus", "softmax"; throws soma::Error listing the valid names.
ActivationKind parse_activation(std::string_view name);
std::string_view activation_name(ActivationKind kind);
Tensor apply_activation(ActivationKind kind, const Tensor& x, float negative_slope = 0.01f);

class Activation : public Module {
 public:
  explicit Activation(ActivationKind kind, float negative_slope = 0.01f);

  Tensor forward(const Tensor& input) override;
  std::string describe() const override;
  int64_t output_features(int64_t input_features) const override { return input_features; }
  std::string architecture() const override;
  // The registry's description; the reader of "activation NAME [SLOPE]" (SLOPE: leaky_relu).
  static LayerSpec spec(ActivationKind kind, float negative_slope = 0.01f);
  static LayerSpec read(std::istream& words);

  ActivationKind kind() const { return kind_; }
  float negative_slope() const { return negative_slope_; }

 private:
  ActivationKind kind_;
  float negative_slope_;  // leaky_relu only
};

}  // namespace soma::nn
