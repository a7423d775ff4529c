// Networks written in one line: "2-16-16-1" is 2 inputs, two hidden layers of 16 neurons
// and 1 output, with one activation for the hidden layers and one for the output. Also the
// architecture text stored in model files, which rebuilds any Sequential of soma layers.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "soma/nn/activation_layer.hpp"
#include "soma/nn/init.hpp"
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
};

// Dense layers of the given sizes, each hidden one followed by the hidden activation.
std::shared_ptr<Sequential> build_network(const NetworkSpec& spec, Generator& generator);

// Rebuilds a Sequential from Module::architecture() text ("dense 2 16", "activation tanh",
// one per line); weights start at zero. Throws soma::Error naming the line.
std::shared_ptr<Sequential> build_from_architecture(std::string_view text);

}  // namespace soma::nn
