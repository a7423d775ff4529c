// Sequential: forward through each layer in turn.
#include "soma/nn/sequential.hpp"

namespace soma::nn {

Sequential& Sequential::add(std::shared_ptr<Module> layer) {
  register_module(std::to_string(size()), std::move(layer));
  return *this;
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& [name, layer] : children()) x = layer->forward(x);
  return x;
}

int64_t Sequential::output_features(int64_t input_features) const {
  int64_t features = input_features;
  for (const auto& [name, layer] : children()) features = layer->output_features(features);
  return features;
}

std::string Sequential::architecture() const {
  std::string text;
  for (const auto& [name, layer] : children()) text += layer->architecture() + "\n";
  return text;
}

}  // namespace soma::nn
