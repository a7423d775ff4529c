// Activation layers: g applied element-wise to a layer's output (softmax: across each
// row). One class for all of them; each is an entry of the activation table in
// soma/ops/activation.hpp, whose names are those the CLI and model files use.
#pragma once

#include <string_view>

#include "soma/nn/layer_registry.hpp"
#include "soma/nn/module.hpp"
#include "soma/ops/activation.hpp"

namespace soma::nn {

// An activation of the table, held by its name (so that the constants below are
// constants). They are the activations soma's own code names; every entry, gelu and silu
// too, is reached by name: parse_activation("gelu").
class ActivationKind {
 public:
  static const ActivationKind step, sigmoid, tanh, relu, leaky_relu, identity, softplus, softmax;

  constexpr ActivationKind() = default;  // identity
  std::string_view name() const { return name_; }
  const ActivationFunction& function() const { return activation_function(name_); }
  friend bool operator==(const ActivationKind&, const ActivationKind&) = default;

 private:
  friend ActivationKind parse_activation(std::string_view name);
  constexpr explicit ActivationKind(std::string_view name) : name_(name) {}
  std::string_view name_ = "identity";
};

inline constexpr ActivationKind ActivationKind::step{"step"}, ActivationKind::sigmoid{"sigmoid"},
    ActivationKind::tanh{"tanh"}, ActivationKind::relu{"relu"},
    ActivationKind::leaky_relu{"leaky_relu"}, ActivationKind::identity{"identity"},
    ActivationKind::softplus{"softplus"}, ActivationKind::softmax{"softmax"};

// A name or alias of the table ("linear" is identity); throws soma::Error listing the
// valid names.
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
  const ActivationFunction* function_;  // kind_'s entry of the table
  float negative_slope_;                // the parameter of those that take one (leaky_relu)
};

}  // namespace soma::nn
