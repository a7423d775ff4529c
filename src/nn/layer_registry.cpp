// The table of layer types, and what reads through it: architecture text into layers, and
// their parameters, counts and formulas from the descriptions alone.
#include "soma/nn/layer_registry.hpp"

#include <algorithm>
#include <array>
#include <sstream>

#include "soma/core/error.hpp"
#include "soma/nn/activation_layer.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/dropout.hpp"

namespace soma::nn {

constexpr std::array types = {
    LayerType{"dense", "dense 2 3 no_bias", Dense::read},
    LayerType{"activation", "activation leaky_relu 0.25", Activation::read},
    LayerType{"dropout", "dropout 0.2", Dropout::read},
};

std::span<const LayerType> layer_types() {
  return types;
}

std::vector<LayerSpec> parse_architecture(std::string_view text) {
  std::vector<LayerSpec> layers;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int line_number = 1; std::getline(lines, line); ++line_number) {
    std::istringstream words(line);
    std::string keyword;
    if (!(words >> keyword)) continue;  // blank line
    try {
      const auto* type = std::find_if(types.begin(), types.end(),
                                      [&](const LayerType& t) { return t.keyword == keyword; });
      if (type == types.end()) {
        std::string known;  // "dense, activation or dropout"
        for (size_t i = 0; i < types.size(); ++i) {
          known.append(i == 0 ? "" : i + 1 < types.size() ? ", " : " or ").append(types[i].keyword);
        }
        throw Error("unknown layer " + quoted_for_message(keyword) + " (expected " + known + ")");
      }
      layers.push_back(type->read(words));
      std::string extra;
      if (words >> extra) throw Error("unexpected " + quoted_for_message(extra));
    } catch (const Error& error) {
      throw Error("architecture line " + std::to_string(line_number) + " (" +
                  quoted_for_message(line) + "): " + error.what());
    }
  }
  if (layers.empty()) throw Error("architecture: no layers");
  return layers;
}

LayerSpec spec_of(const Module& layer) {
  std::vector<LayerSpec> specs = parse_architecture(layer.architecture());
  if (specs.size() != 1) {
    throw Error(layer.describe() + ": not one layer but " + std::to_string(specs.size()));
  }
  return std::move(specs.front());
}

std::vector<ParameterShape> parameter_shapes(const std::vector<LayerSpec>& layers) {
  std::vector<ParameterShape> shapes;
  for (size_t i = 0; i < layers.size(); ++i) {
    for (const auto& [name, extents] : layers[i].parameters) {
      shapes.push_back({std::to_string(i) + "." + name, Shape(extents)});
    }
  }
  return shapes;
}

int64_t parameter_count(const LayerSpec& layer) {
  int64_t count = 0;
  for (const ParameterExtents& parameter : layer.parameters) {
    int64_t elements = 1;
    bool overflow = false;
    for (const int64_t extent : parameter.extents) {
      overflow = overflow || __builtin_mul_overflow(elements, extent, &elements);
    }
    if (overflow || __builtin_add_overflow(count, elements, &count)) {
      throw Error(layer.description + ": the parameter count overflows a 64-bit integer");
    }
  }
  return count;
}

int64_t parameter_count(const std::vector<LayerSpec>& layers) {
  int64_t total = 0;
  for (const LayerSpec& layer : layers) {
    if (__builtin_add_overflow(total, parameter_count(layer), &total)) {
      throw Error("the network's parameter count overflows a 64-bit integer");
    }
  }
  return total;
}

std::string parameter_formula(const LayerSpec& layer) {
  std::string formula;
  for (const ParameterExtents& parameter : layer.parameters) {
    if (!formula.empty()) formula += " + ";
    for (size_t i = 0; i < parameter.extents.size(); ++i) {
      formula += (i == 0 ? "" : " x ") + std::to_string(parameter.extents[i]);
    }
  }
  return formula;
}

}  // namespace soma::nn
