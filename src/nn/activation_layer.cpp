// Activation: an entry of the activation table (ops/activation.hpp) as a layer.
#include "soma/nn/activation_layer.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <istream>

#include "soma/core/error.hpp"

namespace soma::nn {

ActivationKind parse_activation(std::string_view name) {
  return ActivationKind(activation_function(name).name);
}

std::string_view activation_name(ActivationKind kind) {
  return kind.name();
}

Tensor apply_activation(ActivationKind kind, const Tensor& x, float negative_slope) {
  return activate(kind.function(), x, negative_slope);
}

Activation::Activation(ActivationKind kind, float negative_slope)
    : kind_(kind), function_(&kind.function()), negative_slope_(negative_slope) {}

Tensor Activation::forward(const Tensor& input) {
  return activate(*function_, input, negative_slope_);
}

std::string Activation::describe() const {
  return std::string(function_->label);
}

std::string Activation::architecture() const {
  std::string text = "activation " + std::string(function_->name);
  if (function_->takes_parameter) {
    char parameter[32];
    std::snprintf(parameter, sizeof parameter, " %.9g", static_cast<double>(negative_slope_));
    text += parameter;
  }
  return text;
}

LayerSpec Activation::spec(ActivationKind kind, float negative_slope) {
  return {.description = Activation(kind, negative_slope).describe(),
          .role = LayerRole::activation,
          .label = std::string(kind.function().label),
          .build = [=](const LayerBuild&) {
            return std::make_shared<Activation>(kind, negative_slope);
          }};
}

LayerSpec Activation::read(std::istream& words) {
  std::string name;
  if (!(words >> name)) throw Error("expected 'activation NAME'");
  const ActivationKind kind = parse_activation(name);
  float slope = kind.function().default_parameter;
  std::string slope_text;
  if (words >> slope_text) {
    if (!kind.function().takes_parameter) throw Error(name + " takes no parameter");
    char* end = nullptr;
    slope = std::strtof(slope_text.c_str(), &end);
    if (end != slope_text.c_str() + slope_text.size() || !std::isfinite(slope)) {
      throw Error("bad slope " + quoted_for_message(slope_text));
    }
  }
  return spec(kind, slope);
}

}  // namespace soma::nn
