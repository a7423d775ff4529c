// The operator level: every scalar operation of the network (each product w x, each sum,
// each g); with a trace, each node's value and d(loss)/d(value), each edge's forward value.
#include "network_stages.hpp"

#include "soma/core/error.hpp"

namespace soma::viz::network {

namespace {

// With a trace, an edge carries the value of its source.
std::string edge(const Network& network, const std::string& from, const std::string& to,
                 float value) {
  const std::string label = network.trace == nullptr ? "" : " [label=\"" + number(value) + "\"]";
  return "  " + from + " -> " + to + label + ";\n";
}

// An operation's node: `symbol`, and with a trace its value and d(loss)/d(value).
std::string op_node(const Network& network, const std::string& id, const std::string& symbol,
                    const char* shape, float value, const std::string& grad) {
  if (network.trace == nullptr) {
    return "  " + id + " [shape=" + shape + ", label=\"" + symbol + "\"];\n";
  }
  return "  " + id + " [shape=ellipse, label=\"" + symbol + "\\n= " + number(value) +
         "\\ndL/d = " + grad + "\"];\n";
}

// A weight or bias as a plain label, with its gradient when traced.
std::string parameter_node(const Network& network, const std::string& id, const std::string& name,
                           float value, const std::vector<float>* grads, size_t index) {
  std::string label = name + "=" + number(value);
  if (network.trace != nullptr) {
    label = name + " = " + number(value) + "\\ndL/d" + name + " = " + number((*grads)[index]);
  }
  return "  " + id + " [shape=plaintext, label=\"" + label + "\"];\n";
}

int64_t operation_count(const std::vector<Stage>& stages) {
  int64_t nodes = stages.front().inputs;
  for (const Stage& stage : stages) {
    // Per neuron: one weight and one product per input, a sum, a bias, an activation, and
    // with dropout a mask and its product.
    nodes += stage.outputs * (2 * stage.inputs + 3 + (stage.dropout.empty() ? 0 : 2));
  }
  return nodes;
}

// Neuron j of stage l, reading `inputs`; returns the id of its output.
std::string draw_neuron(const Network& network, size_t l, int64_t j,
                        const std::vector<std::string>& inputs, std::string& dot) {
  const Stage& stage = network.stages[l];
  const bool traced = network.trace != nullptr;
  const auto u = static_cast<size_t>(j);
  const std::string unit = std::to_string(l + 1) + "_" + std::to_string(j + 1);
  const std::string sum = "sum" + unit;
  const float z = traced ? (*stage.z.value)[u] : 0.0f;
  const std::string z_grad = traced ? number((*stage.z.grad)[u]) : "";
  // The sum is the neuron's output when nothing follows it: the next stage's shares then.
  const bool sum_is_output = !stage.has_activation() && stage.dropout.empty();
  dot += op_node(network, sum, "+", "circle", z,
                 traced && sum_is_output ? unit_gradient(network, l + 1, j) : z_grad);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string tag = unit + "_" + std::to_string(i + 1);
    const auto input = static_cast<int64_t>(i);
    const float w = stage.weight_at(input, j);
    const float x = traced ? unit_value(network, l, input) : 0.0f;
    dot += parameter_node(network, "w" + tag, "w", w, stage.weight_grad,
                          static_cast<size_t>(input * stage.outputs + j));
    dot += op_node(network, "mul" + tag, "*", "circle", x * w, z_grad);
    dot += edge(network, inputs[i], "mul" + tag, x) + edge(network, "w" + tag, "mul" + tag, w);
    dot += edge(network, "mul" + tag, sum, x * w);
  }
  if (stage.bias != nullptr) {
    dot += parameter_node(network, "b" + unit, "b", stage.bias[j], stage.bias_grad, u);
    dot += edge(network, "b" + unit, sum, stage.bias[j]);
  }
  std::string result = sum;
  const float a = traced ? (*stage.a.value)[u] : 0.0f;
  const std::string a_grad = traced ? unit_gradient(network, l + 1, j) : "";
  if (stage.has_activation()) {
    result = "g" + unit;
    dot += op_node(network, result, stage.activation, "ellipse", a, a_grad);
    dot += edge(network, sum, result, z);
  }
  if (!stage.dropout.empty()) {
    // Dropout is the identity for a sample: the mask matters in training only.
    dot += "  m" + unit + " [shape=plaintext, label=\"m = 0 or 1/(1-p)\\n" + stage.dropout +
           ", training only\"];\n";
    dot += op_node(network, "d" + unit, "*", "circle", a, a_grad);
    dot += edge(network, result, "d" + unit, a) + "  m" + unit + " -> d" + unit + ";\n";
    result = "d" + unit;
  }
  return result;
}

}  // namespace

std::string operator_level(const Network& network, int max_nodes) {
  const std::vector<Stage>& stages = network.stages;
  const int64_t nodes = operation_count(stages);
  if (nodes > max_nodes) {
    throw Error("--level operator draws every scalar operation: this network has " +
                std::to_string(nodes) + " of them, more than " + std::to_string(max_nodes) +
                " (use --level neuron or layer, or a smaller network)");
  }
  const bool traced = network.trace != nullptr;
  std::string dot = header("LR") + "  node [fontsize=10];\n";
  std::vector<std::string> inputs;
  for (int64_t i = 0; i < stages.front().inputs; ++i) {
    const std::string& name = network.input_names[static_cast<size_t>(i)];
    const std::string label = traced ? name + " = " + number(unit_value(network, 0, i)) +
                                           "\\ndL/d" + name + " = " + unit_gradient(network, 0, i)
                                     : name;
    inputs.push_back("x" + std::to_string(i + 1));
    dot += "  " + inputs.back() + " [shape=box, label=\"" + label + "\"];\n";
  }
  dot += in_order(inputs);
  for (size_t l = 0; l < stages.size(); ++l) {
    std::vector<std::string> outputs;
    for (int64_t j = 0; j < stages[l].outputs; ++j) {
      outputs.push_back(draw_neuron(network, l, j, inputs, dot));
    }
    dot += in_order(outputs);
    inputs = outputs;
  }
  std::vector<std::string> ys;
  for (size_t j = 0; j < inputs.size(); ++j) {
    const std::string y = "y" + std::to_string(j + 1);
    const auto unit = static_cast<int64_t>(j);
    std::string label = y;
    const float value = traced ? unit_value(network, stages.size(), unit) : 0.0f;
    if (traced)
      label += " = " + number(value) + "\\ndL/d" + y + " = " +
               unit_gradient(network, stages.size(), unit);
    dot +=
        "  " + y + " [shape=box, label=\"" + label + "\"];\n" + edge(network, inputs[j], y, value);
    ys.push_back(y);
  }
  return dot + in_order(ys) + head_and_loss(network, ys) + "}\n";
}

}  // namespace soma::viz::network
