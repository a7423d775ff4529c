// Networks written in one line: "2-16-16-1" is 2 inputs, two hidden layers of 16 neurons
// and 1 output, with one activation for the hidden layers and one for the output. Also the
// architecture text stored in model files, which rebuilds any Sequential of soma layers.
// Both become layer descriptions first, which are counted and checked before any building.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "soma/nn/activation_layer.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/init.hpp"
#include "soma/nn/sequential.hpp"
#include "soma/tensor/shape.hpp"

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

// One layer as architecture text describes it ("dense 2 16", "activation tanh"): enough to
// count a network's parameters and to know their shapes before anything is allocated.
struct LayerSpec {
  enum class Kind { dense, activation };
  Kind kind = Kind::dense;
  int64_t inputs = 0;                                    // dense: features per sample in ...
  int64_t outputs = 0;                                   // ... and out
  bool bias = true;                                      // dense
  ActivationKind activation = ActivationKind::identity;  // activation layers
  float negative_slope = 0.01f;                          // leaky_relu

  static LayerSpec dense(int64_t inputs, int64_t outputs, bool bias = true);
  static LayerSpec activation_layer(ActivationKind kind, float negative_slope = 0.01f);
};

// The layers build_network makes: Dense layers of the given sizes, each hidden one followed
// by the hidden activation. Throws soma::Error unless there are two or more positive sizes.
std::vector<LayerSpec> layers_of(const NetworkSpec& spec);

// Module::architecture() text ("dense 2 16", "activation tanh", one per line; blank lines
// are skipped) as layers. Throws soma::Error naming the line.
std::vector<LayerSpec> parse_architecture(std::string_view text);

// A parameter as Module::named_parameters() names it ("2.weight") and its shape.
struct ParameterShape {
  std::string name;
  Shape shape;
};
// The parameters a Sequential of these layers has, in named_parameters() order: for layer
// i a dense layer has "i.weight" (inputs x outputs) and, with a bias, "i.bias" (outputs).
std::vector<ParameterShape> parameter_shapes(const std::vector<LayerSpec>& layers);

// Exact parameter counts (inputs x outputs + outputs for a dense layer, 0 for activations);
// throw soma::Error when the count does not fit in a signed 64-bit integer.
int64_t parameter_count(const LayerSpec& layer);
int64_t parameter_count(const std::vector<LayerSpec>& layers);

// The most parameters a network may have to be built: as many float32 values as the
// machine's physical memory holds. A network beyond it could never be held, so it is refused
// before anything is allocated rather than failing partway (or being killed) in the attempt.
int64_t buildable_parameter_limit();

// Builds the layers in a Sequential, the weights drawn as `options` says. Throws soma::Error
// before allocating anything when parameter_count(layers) exceeds buildable_parameter_limit().
std::shared_ptr<Sequential> build_layers(const std::vector<LayerSpec>& layers,
                                         const DenseOptions& options, Generator& generator);

// build_layers(layers_of(spec)) with the spec's initialisers.
std::shared_ptr<Sequential> build_network(const NetworkSpec& spec, Generator& generator);

// Rebuilds a Sequential from Module::architecture() text; weights start at zero. Throws
// soma::Error naming the line, or when the network is too large to build (see build_layers).
std::shared_ptr<Sequential> build_from_architecture(std::string_view text);

}  // namespace soma::nn
