// Activation: dispatch from a kind to the ops in ops/activation.hpp and ops/softmax.hpp.
#include "soma/nn/activation_layer.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <istream>
#include <utility>

#include "soma/core/error.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/softmax.hpp"

namespace soma::nn {

namespace {

constexpr std::array<std::pair<std::string_view, ActivationKind>, 8> kinds = {{
    {"step", ActivationKind::step},
    {"sigmoid", ActivationKind::sigmoid},
    {"tanh", ActivationKind::tanh},
    {"relu", ActivationKind::relu},
    {"leaky_relu", ActivationKind::leaky_relu},
    {"identity", ActivationKind::identity},
    {"softplus", ActivationKind::softplus},
    {"softmax", ActivationKind::softmax},
}};

}  // namespace

ActivationKind parse_activation(std::string_view name) {
  if (name == "linear") return ActivationKind::identity;
  for (const auto& [known, kind] : kinds) {
    if (known == name) return kind;
  }
  std::string valid;
  for (const auto& [known, kind] : kinds) valid += (valid.empty() ? "" : ", ") + std::string(known);
  throw Error("unknown activation '" + std::string(name) + "' (valid: " + valid + ")");
}

std::string_view activation_name(ActivationKind kind) {
  for (const auto& [known, k] : kinds) {
    if (k == kind) return known;
  }
  return "?";
}

Tensor apply_activation(ActivationKind kind, const Tensor& x, float negative_slope) {
  switch (kind) {
    case ActivationKind::step:
      return step(x);
    case ActivationKind::sigmoid:
      return sigmoid(x);
    case ActivationKind::tanh:
      return tanh(x);
    case ActivationKind::relu:
      return relu(x);
    case ActivationKind::leaky_relu:
      return leaky_relu(x, negative_slope);
    case ActivationKind::identity:
      return identity(x);
    case ActivationKind::softplus:
      return softplus(x);
    case ActivationKind::softmax:
      return softmax(x, -1);
  }
  throw Error("apply_activation: invalid kind");
}

Activation::Activation(ActivationKind kind, float negative_slope)
    : kind_(kind), negative_slope_(negative_slope) {}

Tensor Activation::forward(const Tensor& input) {
  return apply_activation(kind_, input, negative_slope_);
}

std::string Activation::describe() const {
  switch (kind_) {
    case ActivationKind::step:
      return "Step";
    case ActivationKind::sigmoid:
      return "Sigmoid";
    case ActivationKind::tanh:
      return "Tanh";
    case ActivationKind::relu:
      return "ReLU";
    case ActivationKind::leaky_relu:
      return "LeakyReLU";
    case ActivationKind::identity:
      return "Identity";
    case ActivationKind::softplus:
      return "Softplus";
    case ActivationKind::softmax:
      return "Softmax";
  }
  return "Activation";
}

std::string Activation::architecture() const {
  std::string text = "activation " + std::string(activation_name(kind_));
  if (kind_ == ActivationKind::leaky_relu) {
    char slope[32];
    std::snprintf(slope, sizeof slope, " %.9g", static_cast<double>(negative_slope_));
    text += slope;
  }
  return text;
}

LayerSpec Activation::spec(ActivationKind kind, float negative_slope) {
  return {.description = Activation(kind, negative_slope).describe(),
          .role = LayerRole::activation,
          .label = std::string(activation_name(kind)),
          .build = [=](const LayerBuild&) {
            return std::make_shared<Activation>(kind, negative_slope);
          }};
}

LayerSpec Activation::read(std::istream& words) {
  std::string name;
  if (!(words >> name)) throw Error("expected 'activation NAME'");
  float slope = 0.01f;
  std::string slope_text;
  if (words >> slope_text) {
    if (name != "leaky_relu") throw Error("only leaky_relu takes a slope");
    char* end = nullptr;
    slope = std::strtof(slope_text.c_str(), &end);
    if (end != slope_text.c_str() + slope_text.size() || !std::isfinite(slope)) {
      throw Error("bad slope " + quoted_for_message(slope_text));
    }
  }
  return spec(parse_activation(name), slope);
}

}  // namespace soma::nn
