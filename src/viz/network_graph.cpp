// network_to_dot: groups the layers into stages by their registry roles (nn/layer_registry)
// and emits nodes and edges.
#include "soma/viz/network_graph.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/nn/layer_registry.hpp"
#include "soma/ops/activation.hpp"

namespace soma::viz {

namespace {

// Weights and biases with three significant digits: a drawing's labels stay short.
std::string number(float value) {
  return number_text(value, 3);
}

// The activation table's label of the identity ("Identity"), which draws as no operation.
const std::string identity_label(activation_function("identity").label);

// One stage of the lecture's X_i = g(X_{i-1} W_i + b_i): an affine layer's weights, the
// label of the activation after it (the identity when none follows) and the dropout after
// that, if any.
struct Stage {
  int64_t inputs = 0;
  int64_t outputs = 0;
  const float* weight = nullptr;  // (inputs x outputs)
  const float* bias = nullptr;    // (outputs), null without a bias
  std::string activation = identity_label;
  std::string dropout{};  // "p=0.2"; empty without dropout
};

// The layers in stages, each layer placed by the role its registry entry gives it.
std::vector<Stage> stages_of(const nn::Sequential& network) {
  std::vector<Stage> stages;
  for (size_t i = 0; i < network.size(); ++i) {
    const nn::Module& layer = network.layer(i);
    const nn::LayerSpec spec = nn::spec_of(layer);
    if (spec.role == nn::LayerRole::affine) {
      Stage stage{.inputs = spec.inputs, .outputs = spec.outputs};
      for (const auto& [name, parameter] : layer.named_parameters()) {
        (name == "weight" ? stage.weight : stage.bias) = parameter.data();
      }
      stages.push_back(stage);
    } else if (spec.role == nn::LayerRole::activation) {
      if (stages.empty() || stages.back().activation != identity_label ||
          !stages.back().dropout.empty()) {
        throw Error("network_to_dot: an activation must follow a dense layer");
      }
      stages.back().activation = spec.label;
    } else {
      if (stages.empty() || !stages.back().dropout.empty()) {
        throw Error("network_to_dot: a dropout must follow a dense layer or its activation");
      }
      stages.back().dropout = spec.label;
    }
  }
  if (stages.empty()) throw Error("network_to_dot: the network has no dense layer");
  return stages;
}

std::string header(const char* rankdir) {
  return std::string("digraph network {\n  rankdir=") + rankdir +
         ";\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
}

// Blue for positive weights and orange for negative ones (the Playground's colours), and
// thicker for larger magnitudes.
std::string weight_style(float weight) {
  char style[96];
  std::snprintf(style, sizeof style, "color=\"%s\", penwidth=%.2f",
                weight >= 0.0f ? "#0877bd" : "#f59322",
                0.5 + 3.0 * std::fmin(1.0, std::fabs(static_cast<double>(weight))));
  return style;
}

std::string neuron_level(const std::vector<Stage>& stages) {
  std::string dot = header("LR") + "  node [shape=circle, fixedsize=true, width=0.9];\n";
  auto name = [](size_t layer, int64_t unit) {
    return "n" + std::to_string(layer) + "_" + std::to_string(unit);
  };
  for (int64_t i = 0; i < stages.front().inputs; ++i) {
    dot += "  " + name(0, i) + " [label=\"x" + std::to_string(i + 1) + "\", shape=box];\n";
  }
  const bool label_weights = [&] {
    int64_t edges = 0;
    for (const Stage& stage : stages) edges += stage.inputs * stage.outputs;
    return edges <= 60;  // beyond that the labels overlap into noise
  }();
  for (size_t l = 0; l < stages.size(); ++l) {
    const Stage& stage = stages[l];
    const bool last = l + 1 == stages.size();
    for (int64_t j = 0; j < stage.outputs; ++j) {
      std::string label = std::string(last ? "y" : "h") +
                          (last ? "" : std::to_string(l + 1) + ",") + std::to_string(j + 1) +
                          "\\n" + stage.activation;
      if (stage.bias != nullptr) label += "\\nb=" + number(stage.bias[j]);
      // Dropout as a note: a dashed neuron is one that training drops now and then.
      const std::string dropout =
          stage.dropout.empty() ? "" : "\\ndropout " + stage.dropout + "\", style=\"dashed";
      dot += "  " + name(l + 1, j) + " [label=\"" + label + dropout + "\"];\n";
      for (int64_t i = 0; i < stage.inputs; ++i) {
        const float w = stage.weight[i * stage.outputs + j];
        dot += "  " + name(l, i) + " -> " + name(l + 1, j) + " [" + weight_style(w) +
               (label_weights ? ", label=\"" + number(w) + "\"" : "") + "];\n";
      }
    }
  }
  return dot + "}\n";
}

std::string layer_level(const std::vector<Stage>& stages) {
  std::string dot = header("LR");
  auto array = [&dot](const std::string& id, const std::string& label) {
    dot +=
        "  " + id + " [shape=box, style=filled, fillcolor=\"#eef3f8\", label=\"" + label + "\"];\n";
  };
  auto op = [&dot](const std::string& id, const std::string& label) {
    dot += "  " + id + " [shape=ellipse, label=\"" + label + "\"];\n";
  };
  std::string previous = "X0";
  array(previous, "X0 = X\\n(n x " + std::to_string(stages.front().inputs) + ")");
  for (size_t l = 0; l < stages.size(); ++l) {
    const Stage& stage = stages[l];
    const std::string i = std::to_string(l + 1);
    const std::string out = std::to_string(stage.outputs);
    array("W" + i, "W" + i + "\\n(" + std::to_string(stage.inputs) + " x " + out + ")");
    op("matmul" + i, "matmul");
    dot += "  " + previous + " -> matmul" + i + ";\n  W" + i + " -> matmul" + i + ";\n";
    std::string current = "matmul" + i;
    if (stage.bias != nullptr) {
      array("P" + i, "X" + std::to_string(l) + " W" + i + "\\n(n x " + out + ")");
      array("b" + i, "b" + i + "\\n(" + out + ")");
      op("add" + i, "+ (broadcast)");
      dot += "  " + current + " -> P" + i + ";\n  P" + i + " -> add" + i + ";\n  b" + i +
             " -> add" + i + ";\n";
      current = "add" + i;
    }
    // The array `current` gives, then the operation `id` applied to it.
    auto apply = [&](const std::string& array_name, const std::string& id,
                     const std::string& label) {
      array(array_name + i, array_name + i + "\\n(n x " + out + ")");
      op(id + i, label);
      dot += "  " + current + " -> " + array_name + i + ";\n  " + array_name + i + " -> " + id + i +
             ";\n";
      current = id + i;
    };
    if (stage.activation != identity_label) apply("T", "g", stage.activation);
    if (!stage.dropout.empty()) {
      apply("A", "dropout", "dropout " + stage.dropout + "\\n(training only)");
    }
    array("X" + i, "X" + i + "\\n(n x " + out + ")");
    dot += "  " + current + " -> X" + i + ";\n";
    previous = "X" + i;
  }
  return dot + "}\n";
}

std::string operator_level(const std::vector<Stage>& stages, int max_nodes) {
  int64_t nodes = stages.front().inputs;
  for (const Stage& stage : stages) {
    // Per neuron: one weight and one product per input, a sum, a bias, an activation, and
    // with dropout a mask and its product.
    nodes += stage.outputs * (2 * stage.inputs + 3 + (stage.dropout.empty() ? 0 : 2));
  }
  if (nodes > max_nodes) {
    throw Error("--level operator draws every scalar operation: this network has " +
                std::to_string(nodes) + " of them, more than " + std::to_string(max_nodes) +
                " (use --level neuron or layer, or a smaller network)");
  }
  std::string dot = header("LR") + "  node [fontsize=10];\n";
  std::vector<std::string> inputs;
  for (int64_t i = 0; i < stages.front().inputs; ++i) {
    const std::string id = "x" + std::to_string(i + 1);
    dot += "  " + id + " [shape=box, label=\"x" + std::to_string(i + 1) + "\"];\n";
    inputs.push_back(id);
  }
  for (size_t l = 0; l < stages.size(); ++l) {
    const Stage& stage = stages[l];
    std::vector<std::string> outputs;
    for (int64_t j = 0; j < stage.outputs; ++j) {
      const std::string unit = std::to_string(l + 1) + "_" + std::to_string(j + 1);
      const std::string sum = "sum" + unit;
      dot += "  " + sum + " [shape=circle, label=\"+\"];\n";
      for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string tag = unit + "_" + std::to_string(i + 1);
        const float w = stage.weight[static_cast<int64_t>(i) * stage.outputs + j];
        dot += "  w" + tag + " [shape=plaintext, label=\"w=" + number(w) + "\"];\n";
        dot += "  mul" + tag + " [shape=circle, label=\"*\"];\n";
        dot += "  " + inputs[i] + " -> mul" + tag + ";\n  w" + tag + " -> mul" + tag + ";\n";
        dot += "  mul" + tag + " -> " + sum + ";\n";
      }
      if (stage.bias != nullptr) {
        dot += "  b" + unit + " [shape=plaintext, label=\"b=" + number(stage.bias[j]) +
               "\"];\n  b" + unit + " -> " + sum + ";\n";
      }
      std::string result = sum;
      if (stage.activation != identity_label) {
        result = "g" + unit;
        dot += "  " + result + " [shape=ellipse, label=\"" + stage.activation + "\"];\n  " + sum +
               " -> " + result + ";\n";
      }
      if (!stage.dropout.empty()) {
        dot += "  m" + unit + " [shape=plaintext, label=\"m = 0 or 1/(1-p)\\n" + stage.dropout +
               ", training only\"];\n  d" + unit + " [shape=circle, label=\"*\"];\n  " + result +
               " -> d" + unit + ";\n  m" + unit + " -> d" + unit + ";\n";
        result = "d" + unit;
      }
      outputs.push_back(result);
    }
    inputs = outputs;
  }
  for (size_t j = 0; j < inputs.size(); ++j) {
    dot += "  y" + std::to_string(j + 1) + " [shape=box, label=\"y" + std::to_string(j + 1) +
           "\"];\n  " + inputs[j] + " -> y" + std::to_string(j + 1) + ";\n";
  }
  return dot + "}\n";
}

}  // namespace

GraphLevel parse_graph_level(std::string_view name) {
  if (name == "neuron") return GraphLevel::neuron;
  if (name == "layer") return GraphLevel::layer;
  if (name == "operator") return GraphLevel::operator_;
  throw Error("unknown level '" + std::string(name) + "' (valid: neuron, layer, operator)");
}

std::string network_to_dot(const nn::Sequential& network, GraphLevel level,
                           int max_operator_nodes) {
  const std::vector<Stage> stages = stages_of(network);
  switch (level) {
    case GraphLevel::neuron:
      return neuron_level(stages);
    case GraphLevel::layer:
      return layer_level(stages);
    case GraphLevel::operator_:
      return operator_level(stages, max_operator_nodes);
  }
  throw Error("network_to_dot: invalid level");
}

}  // namespace soma::viz
