// The same network drawn at the three levels of detail of the lecture, as Graphviz DOT:
// one node per neuron with weighted edges; one node per array with the operators between
// them (X W + b, then g); or every scalar operator (each product w x, each sum, each g).
#pragma once

#include <string>
#include <string_view>

#include "soma/nn/sequential.hpp"

namespace soma::viz {

enum class GraphLevel { neuron, layer, operator_ };

// "neuron", "layer" or "operator"; throws soma::Error listing them.
GraphLevel parse_graph_level(std::string_view name);

// The network must be a Sequential of stages: a dense layer, then optionally its activation,
// then optionally dropout (drawn as a note on dashed neurons, as a "dropout p=0.2 (training
// only)" operation between arrays, as a product with a mask per scalar). The operator level
// refuses networks of more than `max_operator_nodes` scalar operations, which no one could
// read anyway.
std::string network_to_dot(const nn::Sequential& network, GraphLevel level,
                           int max_operator_nodes = 2000);

}  // namespace soma::viz
