// network_to_dot, and its neuron level: one node per input and neuron, one edge per weight;
// with a trace, each node's value and d(loss)/d(value) and each edge's weight, gradient and
// the products it carries forwards and backwards.
#include "soma/viz/network_graph.hpp"

#include "network_stages.hpp"
#include "soma/core/error.hpp"

namespace soma::viz {

namespace network {

namespace {

std::string id(size_t layer, int64_t unit) {
  return "n" + std::to_string(layer) + "_" + std::to_string(unit);
}

// "h1,2" for hidden neurons, "y2" for outputs (layer counts stages, 1 for the first).
std::string unit_name(const Network& network, size_t layer, int64_t unit) {
  if (layer == network.stages.size()) return "y" + std::to_string(unit + 1);
  return "h" + std::to_string(layer) + "," + std::to_string(unit + 1);
}

std::string input_label(const Network& network, int64_t i) {
  const std::string& name = network.input_names[static_cast<size_t>(i)];
  if (network.trace == nullptr) return name;
  return name + " = " + number(unit_value(network, 0, i)) + "\\ndL/d" + name + " = " +
         unit_gradient(network, 0, i);
}

std::string neuron_label(const Network& network, size_t l, int64_t j) {
  const Stage& stage = network.stages[l];
  const bool last = l + 1 == network.stages.size();
  const auto u = static_cast<size_t>(j);
  std::string label = unit_name(network, l + 1, j);
  if (network.trace == nullptr) {
    if (stage.has_activation() || !last) label += "\\n" + stage.activation;
    if (stage.bias != nullptr) label += "\\nb=" + number(stage.bias[j]);
  } else {
    const std::string z = "z = " + number((*stage.z.value)[u]);
    if (stage.has_activation()) {
      label += "  " + stage.activation + "\\n" + z + ", a = " + number((*stage.a.value)[u]) +
               "\\ndL/da = " + unit_gradient(network, l + 1, j) +
               "\\ndL/dz = " + number((*stage.z.grad)[u]);
    } else {
      label += "\\n" + z + "\\ndL/dz = " + unit_gradient(network, l + 1, j);
    }
    if (stage.bias != nullptr) {
      label += "\\nb = " + number(stage.bias[j]) + ", dL/db = " + number((*stage.bias_grad)[u]);
    }
  }
  // Dropout as a note: a dashed neuron is one that training drops now and then.
  if (!stage.dropout.empty()) label += "\\ndropout " + stage.dropout + "\", style=\"dashed";
  return label;
}

std::string edge_label(const Network& network, size_t l, int64_t i, int64_t j) {
  const Stage& stage = network.stages[l];
  const float w = stage.weight_at(i, j);
  if (network.trace == nullptr) return number(w);
  const float x = unit_value(network, l, i);
  const float back = (*stage.z.grad)[static_cast<size_t>(j)];
  return "w = " + number(w) + ", dL/dw = " + number(stage.weight_grad_at(i, j)) + "\\n" +
         number(x) + " x " + number(w) + " = " + number(x * w) + "\\nback " + number(w) + " x " +
         number(back) + " = " + number(w * back);
}

}  // namespace

std::string neuron_level(const Network& network) {
  const std::vector<Stage>& stages = network.stages;
  const bool traced = network.trace != nullptr;
  // Traced labels run to several lines: boxes that grow with them.
  std::string dot = header("LR") + (traced ? "  node [shape=box, style=rounded];\n"
                                           : "  node [shape=circle, width=0.9];\n");
  std::vector<std::string> column;
  for (int64_t i = 0; i < stages.front().inputs; ++i) {
    dot += "  " + id(0, i) + " [label=\"" + input_label(network, i) + "\", shape=box];\n";
    column.push_back(id(0, i));
  }
  dot += in_order(column);
  int64_t edges = 0;
  for (const Stage& stage : stages) edges += stage.inputs * stage.outputs;
  const bool label_weights = edges <= 60;  // beyond that the labels overlap into noise
  for (size_t l = 0; l < stages.size(); ++l) {
    const Stage& stage = stages[l];
    column.clear();
    for (int64_t j = 0; j < stage.outputs; ++j) {
      dot += "  " + id(l + 1, j) + " [label=\"" + neuron_label(network, l, j) + "\"];\n";
      column.push_back(id(l + 1, j));
      for (int64_t i = 0; i < stage.inputs; ++i) {
        dot += "  " + id(l, i) + " -> " + id(l + 1, j) + " [" +
               weight_style(stage.weight_at(i, j)) +
               (label_weights ? ", label=\"" + edge_label(network, l, i, j) + "\"" : "") + "];\n";
      }
    }
    dot += in_order(column);
  }
  return dot + head_and_loss(network, column) + "}\n";
}

}  // namespace network

GraphLevel parse_graph_level(std::string_view name) {
  if (name == "neuron") return GraphLevel::neuron;
  if (name == "layer") return GraphLevel::layer;
  if (name == "operator") return GraphLevel::operator_;
  throw Error("unknown level '" + std::string(name) + "' (valid: neuron, layer, operator)");
}

std::string network_to_dot(const nn::Sequential& network, GraphLevel level,
                           const DrawingOptions& options) {
  const network::Network drawn = network::network_of(network, options);
  switch (level) {
    case GraphLevel::neuron:
      return network::neuron_level(drawn);
    case GraphLevel::layer:
      return network::layer_level(drawn);
    case GraphLevel::operator_:
      return network::operator_level(drawn, options.max_operator_nodes);
  }
  throw Error("network_to_dot: invalid level");
}

}  // namespace soma::viz
