// network_to_dot: walks the Dense and Activation layers and emits nodes and edges.
#include "soma/viz/network_graph.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/nn/activation_layer.hpp"
#include "soma/nn/dense.hpp"

namespace soma::viz {

namespace {

std::string number(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", static_cast<double>(value));
  return text;
}

// One fully connected layer and the activation after it (identity when none follows).
struct Stage {
  const nn::Dense* dense;
  nn::ActivationKind activation;
};

std::vector<Stage> stages_of(const nn::Sequential& network) {
  std::vector<Stage> stages;
  for (size_t i = 0; i < network.size(); ++i) {
    const nn::Module& layer = network.layer(i);
    if (const auto* dense = dynamic_cast<const nn::Dense*>(&layer)) {
      stages.push_back({dense, nn::ActivationKind::identity});
    } else if (const auto* activation = dynamic_cast<const nn::Activation*>(&layer)) {
      if (stages.empty() || stages.back().activation != nn::ActivationKind::identity) {
        throw Error("network_to_dot: an activation must follow a dense layer");
      }
      stages.back().activation = activation->kind();
    } else {
      throw Error("network_to_dot: cannot draw a " + layer.describe() + " layer");
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
  for (int64_t i = 0; i < stages.front().dense->inputs(); ++i) {
    dot += "  " + name(0, i) + " [label=\"x" + std::to_string(i + 1) + "\", shape=box];\n";
  }
  const bool label_weights = [&] {
    int64_t edges = 0;
    for (const Stage& stage : stages) edges += stage.dense->inputs() * stage.dense->outputs();
    return edges <= 60;  // beyond that the labels overlap into noise
  }();
  for (size_t l = 0; l < stages.size(); ++l) {
    const nn::Dense& dense = *stages[l].dense;
    const bool last = l + 1 == stages.size();
    for (int64_t j = 0; j < dense.outputs(); ++j) {
      std::string label = std::string(last ? "y" : "h") +
                          (last ? "" : std::to_string(l + 1) + ",") + std::to_string(j + 1) +
                          "\\n" + std::string(nn::activation_name(stages[l].activation));
      if (dense.has_bias()) label += "\\nb=" + number(dense.bias().data()[j]);
      dot += "  " + name(l + 1, j) + " [label=\"" + label + "\"];\n";
      for (int64_t i = 0; i < dense.inputs(); ++i) {
        const float w = dense.weight().data()[i * dense.outputs() + j];
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
  array(previous, "X0 = X\\n(n x " + std::to_string(stages.front().dense->inputs()) + ")");
  for (size_t l = 0; l < stages.size(); ++l) {
    const nn::Dense& dense = *stages[l].dense;
    const std::string i = std::to_string(l + 1);
    const std::string out = std::to_string(dense.outputs());
    array("W" + i, "W" + i + "\\n(" + std::to_string(dense.inputs()) + " x " + out + ")");
    op("matmul" + i, "matmul");
    dot += "  " + previous + " -> matmul" + i + ";\n  W" + i + " -> matmul" + i + ";\n";
    std::string current = "matmul" + i;
    if (dense.has_bias()) {
      array("P" + i, "X" + std::to_string(l) + " W" + i + "\\n(n x " + out + ")");
      array("b" + i, "b" + i + "\\n(" + out + ")");
      op("add" + i, "+ (broadcast)");
      dot += "  " + current + " -> P" + i + ";\n  P" + i + " -> add" + i + ";\n  b" + i +
             " -> add" + i + ";\n";
      current = "add" + i;
    }
    if (stages[l].activation != nn::ActivationKind::identity) {
      array("T" + i, "T" + i + "\\n(n x " + out + ")");
      op("g" + i, std::string(nn::activation_name(stages[l].activation)));
      dot += "  " + current + " -> T" + i + ";\n  T" + i + " -> g" + i + ";\n";
      current = "g" + i;
    }
    array("X" + i, "X" + i + "\\n(n x " + out + ")");
    dot += "  " + current + " -> X" + i + ";\n";
    previous = "X" + i;
  }
  return dot + "}\n";
}

std::string operator_level(const std::vector<Stage>& stages, int max_nodes) {
  int64_t nodes = stages.front().dense->inputs();
  for (const Stage& stage : stages) {
    // Per neuron: one weight and one product per input, a sum, a bias, an activation.
    nodes += stage.dense->outputs() * (2 * stage.dense->inputs() + 3);
  }
  if (nodes > max_nodes) {
    throw Error("--level operator draws every scalar operation: this network has " +
                std::to_string(nodes) + " of them, more than " + std::to_string(max_nodes) +
                " (use --level neuron or layer, or a smaller network)");
  }
  std::string dot = header("LR") + "  node [fontsize=10];\n";
  std::vector<std::string> inputs;
  for (int64_t i = 0; i < stages.front().dense->inputs(); ++i) {
    const std::string id = "x" + std::to_string(i + 1);
    dot += "  " + id + " [shape=box, label=\"x" + std::to_string(i + 1) + "\"];\n";
    inputs.push_back(id);
  }
  for (size_t l = 0; l < stages.size(); ++l) {
    const nn::Dense& dense = *stages[l].dense;
    std::vector<std::string> outputs;
    for (int64_t j = 0; j < dense.outputs(); ++j) {
      const std::string unit = std::to_string(l + 1) + "_" + std::to_string(j + 1);
      const std::string sum = "sum" + unit;
      dot += "  " + sum + " [shape=circle, label=\"+\"];\n";
      for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string tag = unit + "_" + std::to_string(i + 1);
        const float w = dense.weight().data()[static_cast<int64_t>(i) * dense.outputs() + j];
        dot += "  w" + tag + " [shape=plaintext, label=\"w=" + number(w) + "\"];\n";
        dot += "  mul" + tag + " [shape=circle, label=\"*\"];\n";
        dot += "  " + inputs[i] + " -> mul" + tag + ";\n  w" + tag + " -> mul" + tag + ";\n";
        dot += "  mul" + tag + " -> " + sum + ";\n";
      }
      if (dense.has_bias()) {
        dot += "  b" + unit + " [shape=plaintext, label=\"b=" + number(dense.bias().data()[j]) +
               "\"];\n  b" + unit + " -> " + sum + ";\n";
      }
      std::string result = sum;
      if (stages[l].activation != nn::ActivationKind::identity) {
        result = "g" + unit;
        dot += "  " + result + " [shape=ellipse, label=\"" +
               std::string(nn::activation_name(stages[l].activation)) + "\"];\n  " + sum + " -> " +
               result + ";\n";
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
