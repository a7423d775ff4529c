// Parsing "2-16-16-1" into layer descriptions, and building networks from descriptions.
#include "soma/nn/network_spec.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "soma/core/error.hpp"
#include "soma/core/memory.hpp"
#include "soma/nn/dropout.hpp"

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

std::vector<LayerSpec> layers_of(const NetworkSpec& spec) {
  const std::vector<int64_t>& sizes = spec.layer_sizes;
  if (sizes.size() < 2) {
    throw Error("build_network: at least an input and an output size are needed");
  }
  if (spec.dropout != 0.0f && sizes.size() == 2) {
    throw Error("build_network: dropout goes after each hidden layer, and " +
                std::to_string(sizes[0]) + "-" + std::to_string(sizes[1]) + " has none");
  }
  std::vector<LayerSpec> layers;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    if (sizes[i] <= 0 || sizes[i + 1] <= 0) {
      throw Error("build_network: layer sizes must be positive, got " +
                  std::to_string(sizes[i] <= 0 ? sizes[i] : sizes[i + 1]));
    }
    layers.push_back(Dense::spec(sizes[i], sizes[i + 1]));
    const bool output_layer = i + 2 == sizes.size();
    const ActivationKind activation =
        output_layer ? spec.output_activation : spec.hidden_activation;
    if (!output_layer || activation != ActivationKind::identity) {
      layers.push_back(Activation::spec(activation, spec.negative_slope));
    }
    if (!output_layer && spec.dropout != 0.0f) layers.push_back(Dropout::spec(spec.dropout));
  }
  return layers;
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
  // The copy's first number, mixed: the seeds' stream shares none of the weights'.
  Generator seeds(Generator(generator).next_u64() ^ 0x5eed5eed5eed5eedULL);
  const LayerBuild build{options.weight_init, options.bias_init, generator, seeds};
  auto network = std::make_shared<Sequential>();
  for (const LayerSpec& layer : layers) network->add(layer.build(build));
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
