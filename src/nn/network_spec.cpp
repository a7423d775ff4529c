// Parsing "2-16-16-1" and architecture text into layer descriptions, counting their
// parameters, and building networks from them.
#include "soma/nn/network_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "soma/core/error.hpp"
#include "soma/core/memory.hpp"
#include "soma/nn/dense.hpp"

namespace soma::nn {

std::vector<int64_t> parse_layer_sizes(std::string_view text) {
  std::vector<int64_t> sizes;
  size_t start = 0;
  while (true) {
    const size_t dash = text.find('-', start);
    const std::string_view part =
        text.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    int64_t size = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), size);
    if (part.empty() || error != std::errc() || end != part.data() + part.size() || size <= 0 ||
        size > (int64_t{1} << 24)) {
      throw Error("architecture '" + std::string(text) + "': '" + std::string(part) +
                  "' is not a layer size (write sizes joined by '-', e.g. 2-16-16-1)");
    }
    sizes.push_back(size);
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (sizes.size() < 2) {
    throw Error("architecture '" + std::string(text) +
                "' needs at least an input and an output size, e.g. 2-1");
  }
  return sizes;
}

LayerSpec LayerSpec::dense(int64_t inputs, int64_t outputs, bool bias) {
  return LayerSpec{.kind = Kind::dense, .inputs = inputs, .outputs = outputs, .bias = bias};
}

LayerSpec LayerSpec::activation_layer(ActivationKind kind, float negative_slope) {
  return LayerSpec{.kind = Kind::activation, .activation = kind, .negative_slope = negative_slope};
}

std::vector<LayerSpec> layers_of(const NetworkSpec& spec) {
  const std::vector<int64_t>& sizes = spec.layer_sizes;
  if (sizes.size() < 2) {
    throw Error("build_network: at least an input and an output size are needed");
  }
  std::vector<LayerSpec> layers;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    if (sizes[i] <= 0 || sizes[i + 1] <= 0) {
      throw Error("build_network: layer sizes must be positive, got " +
                  std::to_string(sizes[i] <= 0 ? sizes[i] : sizes[i + 1]));
    }
    layers.push_back(LayerSpec::dense(sizes[i], sizes[i + 1]));
    const bool output_layer = i + 2 == sizes.size();
    const ActivationKind activation =
        output_layer ? spec.output_activation : spec.hidden_activation;
    if (!output_layer || activation != ActivationKind::identity) {
      layers.push_back(LayerSpec::activation_layer(activation, spec.negative_slope));
    }
  }
  return layers;
}

std::vector<LayerSpec> parse_architecture(std::string_view text) {
  std::vector<LayerSpec> layers;
  std::istringstream lines{std::string(text)};
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind)) continue;  // blank line
    auto fail = [&](const std::string& reason) {
      throw Error("architecture line " + std::to_string(line_number) + " (" +
                  quoted_for_message(line) + "): " + reason);
    };
    if (kind == "dense") {
      int64_t inputs = 0;
      int64_t outputs = 0;
      std::string flag;
      if (!(words >> inputs >> outputs) || inputs <= 0 || outputs <= 0) {
        fail("expected 'dense INPUTS OUTPUTS'");
      }
      const bool has_flag = static_cast<bool>(words >> flag);
      if (has_flag && flag != "no_bias") fail("unknown flag " + quoted_for_message(flag));
      layers.push_back(LayerSpec::dense(inputs, outputs, !has_flag));
    } else if (kind == "activation") {
      std::string name;
      if (!(words >> name)) fail("expected 'activation NAME'");
      float slope = 0.01f;
      std::string slope_text;
      if (words >> slope_text) {
        if (name != "leaky_relu") fail("only leaky_relu takes a slope");
        char* end = nullptr;
        slope = std::strtof(slope_text.c_str(), &end);
        if (end != slope_text.c_str() + slope_text.size() || !std::isfinite(slope)) {
          fail("bad slope " + quoted_for_message(slope_text));
        }
      }
      try {
        layers.push_back(LayerSpec::activation_layer(parse_activation(name), slope));
      } catch (const Error& error) {
        fail(error.what());
      }
    } else {
      fail("unknown layer " + quoted_for_message(kind) + " (expected dense or activation)");
    }
    std::string extra;
    if (words >> extra) fail("unexpected " + quoted_for_message(extra));
  }
  if (layers.empty()) throw Error("architecture: no layers");
  return layers;
}

std::vector<ParameterShape> parameter_shapes(const std::vector<LayerSpec>& layers) {
  std::vector<ParameterShape> shapes;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& layer = layers[i];
    if (layer.kind != LayerSpec::Kind::dense) continue;
    const std::string prefix = std::to_string(i) + ".";
    shapes.push_back({prefix + "weight", Shape{layer.inputs, layer.outputs}});
    if (layer.bias) shapes.push_back({prefix + "bias", Shape{layer.outputs}});
  }
  return shapes;
}

int64_t parameter_count(const LayerSpec& layer) {
  if (layer.kind != LayerSpec::Kind::dense) return 0;
  int64_t count = 0;
  if (__builtin_mul_overflow(layer.inputs, layer.outputs, &count) ||
      (layer.bias && __builtin_add_overflow(count, layer.outputs, &count))) {
    throw Error(Dense::description(layer.inputs, layer.outputs) +
                ": the parameter count overflows a 64-bit integer");
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

int64_t buildable_parameter_limit() {
  const std::optional<uint64_t> bytes = physical_memory_bytes();
  if (!bytes) return std::numeric_limits<int64_t>::max();  // unknown
  return static_cast<int64_t>(std::min<uint64_t>(*bytes / sizeof(float), INT64_MAX));
}

std::shared_ptr<Sequential> build_layers(const std::vector<LayerSpec>& layers,
                                         const DenseOptions& options, Generator& generator) {
  const int64_t count = parameter_count(layers);
  const int64_t limit = buildable_parameter_limit();
  if (count > limit) {
    throw Error("a network of " + std::to_string(count) + " parameters needs " +
                binary_size(static_cast<double>(count) * sizeof(float)) +
                " for its float32 weights alone, more than this machine's " +
                binary_size(static_cast<double>(limit) * sizeof(float)) + " of memory");
  }
  auto network = std::make_shared<Sequential>();
  for (const LayerSpec& layer : layers) {
    if (layer.kind == LayerSpec::Kind::dense) {
      DenseOptions dense_options = options;
      dense_options.bias = layer.bias;
      network->emplace<Dense>(layer.inputs, layer.outputs, generator, dense_options);
    } else {
      network->emplace<Activation>(layer.activation, layer.negative_slope);
    }
  }
  return network;
}

std::shared_ptr<Sequential> build_network(const NetworkSpec& spec, Generator& generator) {
  return build_layers(
      layers_of(spec),
      DenseOptions{.bias = true, .weight_init = spec.weight_init, .bias_init = spec.bias_init},
      generator);
}

std::shared_ptr<Sequential> build_from_architecture(std::string_view text) {
  Generator unused(0);  // weights start at zero and are then loaded
  return build_layers(
      parse_architecture(text),
      DenseOptions{
          .bias = true, .weight_init = Initializer::zeros(), .bias_init = Initializer::zeros()},
      unused);
}

}  // namespace soma::nn
