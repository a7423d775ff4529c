// Networks written in one line ("2-16-16-1": 2 inputs, two hidden layers of 16, 1 output),
// and building networks from such a spec or from architecture text, checked before allocating.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "soma/nn/activation_layer.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/init.hpp"
#include "soma/nn/layer_registry.hpp"
#include "soma/nn/sequential.hpp"

namespace soma::nn {

// "2-16-16-1" -> {2, 16, 16, 1}; at least two positive sizes. Throws soma::Error naming
// the offending part.
std::vector<int64_t> parse_layer_sizes(std::string_view text);

struct NetworkSpec {
  std::vector<int64_t> layer_sizes;
  ActivationKind hidden_activation = ActivationKind::relu;
  // identity adds no layer: the network then ends with its last Dense layer.
  ActivationKind output_activation = ActivationKind::identity;
  float negative_slope = 0.01f;  // for leaky_relu
  Initializer weight_init = Initializer::glorot_uniform();
  Initializer bias_init = Initializer::zeros();
  float dropout = 0.0f;  // the rate of a Dropout after each hidden activation; 0: none
};

// The layers build_network makes: Dense layers of the given sizes, each hidden one followed
// by the hidden activation and, with a dropout rate, by Dropout. Throws soma::Error unless
// there are two or more positive sizes.
std::vector<LayerSpec> layers_of(const NetworkSpec& spec);

// The most parameters a network may have to be built: as many float32 values as physical
// memory holds; a larger one is refused before allocating rather than failing partway.
int64_t buildable_parameter_limit();

// Builds the layers in a Sequential, the weights drawn as `options` says (its `bias` is each
// layer's own). Dropout's masks are seeded from a copy of `generator`, so the weights are
// those of the same network without dropout. Throws soma::Error before allocating anything
// when parameter_count(layers) exceeds buildable_parameter_limit().
std::shared_ptr<Sequential> build_layers(const std::vector<LayerSpec>& layers,
                                         const DenseOptions& options, Generator& generator);

// build_layers(layers_of(spec)) with the spec's initialisers.
std::shared_ptr<Sequential> build_network(const NetworkSpec& spec, Generator& generator);

// Rebuilds a Sequential from Module::architecture() text; weights start at zero. Throws
// soma::Error naming the line, or when the network is too large to build (see build_layers).
std::shared_ptr<Sequential> build_from_architecture(std::string_view text);

}  // namespace soma::nn
