// network_of: groups the layers into stages by their registry roles (nn/layer_registry) and
// attaches a sample's trace to them; and the DOT pieces the three levels share.
#include "network_stages.hpp"

#include <cmath>
#include <cstdio>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/nn/layer_registry.hpp"
#include "soma/ops/activation.hpp"

namespace soma::viz::network {

namespace {

std::vector<Stage> stages_of(const nn::Sequential& network, const train::SampleTrace* trace) {
  if (trace != nullptr && trace->layers.size() != network.size()) {
    throw Error("network_to_dot: the trace is of another network");
  }
  std::vector<Stage> stages;
  for (size_t i = 0; i < network.size(); ++i) {
    const nn::Module& layer = network.layer(i);
    const nn::LayerSpec spec = nn::spec_of(layer);
    const Traced traced =
        trace == nullptr ? Traced{} : Traced{&trace->layers[i].value, &trace->layers[i].grad};
    if (spec.role == nn::LayerRole::affine) {
      Stage stage{.inputs = spec.inputs, .outputs = spec.outputs, .activation = identity_label()};
      stage.z = stage.a = traced;
      for (const auto& [name, parameter] : layer.named_parameters()) {
        (name == "weight" ? stage.weight : stage.bias) = parameter.data();
      }
      stages.push_back(stage);
    } else if (spec.role == nn::LayerRole::activation) {
      if (stages.empty() || stages.back().has_activation() || !stages.back().dropout.empty()) {
        throw Error("network_to_dot: an activation must follow a dense layer");
      }
      stages.back().activation = spec.label;
      stages.back().a = traced;
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

// The traced parameters "I.weight" and "I.bias" of each stage, in the network's order.
void attach_parameter_gradients(std::vector<Stage>& stages, const train::SampleTrace& trace) {
  size_t stage = 0;
  for (const train::TracedParameter& parameter : trace.parameters) {
    const bool is_bias = parameter.name.ends_with(".bias");
    if (!is_bias && stages[stage].weight_grad != nullptr) ++stage;
    if (stage >= stages.size()) throw Error("network_to_dot: the trace is of another network");
    (is_bias ? stages[stage].bias_grad : stages[stage].weight_grad) = &parameter.grad;
  }
}

}  // namespace

bool Stage::has_activation() const {
  return activation != identity_label();
}

Network network_of(const nn::Sequential& network, const DrawingOptions& options) {
  Network drawn{.stages = stages_of(network, options.trace), .trace = options.trace};
  const int64_t inputs = drawn.stages.front().inputs;
  if (!options.input_names.empty() && static_cast<int64_t>(options.input_names.size()) != inputs) {
    throw Error("network_to_dot: " + std::to_string(options.input_names.size()) +
                " input names for a network of " + std::to_string(inputs) + " inputs");
  }
  for (int64_t i = 0; i < inputs; ++i) {
    drawn.input_names.push_back(options.input_names.empty()
                                    ? "x" + std::to_string(i + 1)
                                    : escaped(options.input_names[static_cast<size_t>(i)]));
  }
  nn::ActivationKind head = options.head;
  std::optional<train::LossKind> loss = options.loss;
  if (options.trace != nullptr) {
    attach_parameter_gradients(drawn.stages, *options.trace);
    drawn.input = {&options.trace->input, &options.trace->input_grad};
    head = options.trace->head;
    loss = options.trace->loss_kind;
  }
  if (head != nn::ActivationKind::identity) {
    drawn.head = activation_function(nn::activation_name(head)).label;
  }
  if (loss) drawn.loss = train::loss_name(*loss);
  return drawn;
}

const std::string& identity_label() {
  static const std::string label(activation_function("identity").label);
  return label;
}

std::string number(float value) {
  return number_text(value, 3);
}

std::string numbers(const std::vector<float>& values, size_t most) {
  std::string text = "[";
  for (size_t i = 0; i < values.size() && i < most; ++i) {
    text += (i == 0 ? "" : ", ") + number(values[i]);
  }
  if (values.size() > most) text += ", ... (" + std::to_string(values.size()) + " values)";
  return text + "]";
}

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

std::string header(const char* rankdir) {
  return std::string("digraph network {\n  rankdir=") + rankdir +
         ";\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
}

std::string weight_style(float weight) {
  char style[96];
  std::snprintf(style, sizeof style, "color=\"%s\", penwidth=%.2f",
                weight >= 0.0f ? "#0877bd" : "#f59322",
                0.5 + 3.0 * std::fmin(1.0, std::fabs(static_cast<double>(weight))));
  return style;
}

std::string in_order(const std::vector<std::string>& ids) {
  if (ids.size() < 2) return "";
  std::string chain;
  for (const std::string& id : ids) chain += (chain.empty() ? "" : " -> ") + id;
  return "  { rank=same; " + chain + " [style=invis]; }\n";
}

std::string sum_of(const std::vector<float>& contributions, float total) {
  if (contributions.size() < 2) return number(total);
  if (contributions.size() > 4) {
    return "sum of " + std::to_string(contributions.size()) + ": " + number(total);
  }
  std::string text;
  for (const float c : contributions) {
    text += (text.empty() ? ""
             : c < 0.0f   ? " - "
                          : " + ") +
            number(text.empty() ? c : std::fabs(c));
  }
  return text + " = " + number(total);
}

std::vector<float> contributions_to_input(const Stage& stage, int64_t input) {
  std::vector<float> contributions;
  for (int64_t j = 0; j < stage.outputs; ++j) {
    contributions.push_back(stage.weight_at(input, j) * (*stage.z.grad)[static_cast<size_t>(j)]);
  }
  return contributions;
}

// The value going out of unit `unit` of `layer` (0: the inputs) and d(loss)/d(it) written
// as the sum of what the next stage's neurons send back.
float unit_value(const Network& network, size_t layer, int64_t unit) {
  const std::vector<float>& values =
      layer == 0 ? *network.input.value : *network.stages[layer - 1].a.value;
  return values[static_cast<size_t>(unit)];
}

std::string unit_gradient(const Network& network, size_t layer, int64_t unit) {
  const std::vector<float>& grads =
      layer == 0 ? *network.input.grad : *network.stages[layer - 1].a.grad;
  const float total = grads[static_cast<size_t>(unit)];
  if (layer == network.stages.size()) return sum_of({}, total);
  return sum_of(contributions_to_input(network.stages[layer], unit), total);
}

std::string target_text(const train::SampleTrace& trace) {
  if (trace.loss_kind == train::LossKind::softmax_cross_entropy) {
    return "class " + number(trace.target.front());
  }
  return "t = " + (trace.target.size() == 1 ? number(trace.target.front()) : numbers(trace.target));
}

}  // namespace soma::viz::network

namespace soma::viz::network {

namespace {

// The label of an edge from the outputs, with a trace: the value it carries and, for the
// loss, the gradient that comes back.
std::string output_edge_label(const Network& network, const std::vector<std::string>& outputs,
                              size_t unit, bool to_loss) {
  if (network.trace == nullptr) return "";
  const Stage& last = network.last();
  std::string label;
  if (outputs.size() == 1 && last.outputs > 1) {
    label = numbers(*last.a.value) + (to_loss ? "\\nback " + numbers(*last.a.grad) : "");
  } else {
    label =
        number((*last.a.value)[unit]) + (to_loss ? "\\nback " + number((*last.a.grad)[unit]) : "");
  }
  return " [label=\"" + label + "\"" + (to_loss ? "" : ", style=dashed") + "]";
}

}  // namespace

std::string head_and_loss(const Network& network, const std::vector<std::string>& outputs) {
  std::string dot;
  const train::SampleTrace* trace = network.trace;
  if (!network.head.empty()) {
    std::string label = network.head + "\\n(prediction)";
    if (trace != nullptr) {
      label = network.head + " (prediction)\\np = " +
              (trace->prediction.size() == 1 ? number(trace->prediction.front())
                                             : numbers(trace->prediction));
    }
    dot += "  head [shape=box, style=\"rounded,dashed\", label=\"" + label + "\"];\n";
    for (size_t j = 0; j < outputs.size(); ++j) {
      const std::string style = trace == nullptr ? " [style=dashed]" : "";
      dot += "  " + outputs[j] + " -> head" + style +
             output_edge_label(network, outputs, j, false) + ";\n";
    }
  }
  if (network.loss.empty()) return dot;
  std::string label = "loss\\n" + network.loss;
  if (trace != nullptr) {
    label = "loss: " + network.loss + "\\n" + target_text(*trace) +
            "\\nL = " + number(static_cast<float>(trace->loss)) + "\\ndL/dL = 1";
  }
  dot += "  loss [shape=box, style=filled, fillcolor=\"#fbe3d6\", label=\"" + label + "\"];\n";
  for (size_t j = 0; j < outputs.size(); ++j) {
    dot += "  " + outputs[j] + " -> loss" + output_edge_label(network, outputs, j, true) + ";\n";
  }
  return dot;
}

}  // namespace soma::viz::network
