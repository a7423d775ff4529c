// The same network drawn at the three levels of detail of the lecture, as Graphviz DOT:
// one node per neuron with weighted edges; one node per array with the operators between
// them (X W + b, then g); or every scalar operator (each product w x, each sum, each g).
// Given one sample's trace, each level also shows the forward and the backward pass.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soma/nn/activation_layer.hpp"
#include "soma/nn/sequential.hpp"
#include "soma/train/loss_kind.hpp"
#include "soma/train/sample_trace.hpp"

namespace soma::viz {

enum class GraphLevel { neuron, layer, operator_ };

// "neuron", "layer" or "operator"; throws soma::Error listing them.
GraphLevel parse_graph_level(std::string_view name);

struct DrawingOptions {
  std::vector<std::string> input_names{};  // of the network's inputs; empty: x1, x2, ...
  // What prediction applies to the outputs (sigmoid or softmax on logits) and the loss the
  // network is trained with: drawn after the outputs. A trace brings its own.
  nn::ActivationKind head = nn::ActivationKind::identity;
  std::optional<train::LossKind> loss{};
  // One sample's values and gradients (train::trace_sample on this network): every level
  // then shows the forward value on each edge and d(loss)/d(value) at each node.
  const train::SampleTrace* trace = nullptr;
  // The operator level refuses networks of more scalar operations, which no one could read.
  int max_operator_nodes = 2000;
};

// The network must be a Sequential of stages: a dense layer, then optionally its activation,
// then optionally dropout (drawn as a note on dashed neurons, as a "dropout p=0.2 (training
// only)" operation between arrays, as a product with a mask per scalar). Neurons are drawn
// in order, x1 above x2 and h1,1 above h1,2.
std::string network_to_dot(const nn::Sequential& network, GraphLevel level,
                           const DrawingOptions& options = {});

}  // namespace soma::viz
