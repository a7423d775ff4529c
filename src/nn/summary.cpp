// summarize: walk the layers, chaining the feature counts; from layer descriptions the
// counts come from the shapes alone, so nothing is allocated for the weights.
#include "soma/nn/summary.hpp"

#include "soma/core/error.hpp"
#include "soma/nn/dense.hpp"

namespace soma::nn {

namespace {

// "8 x 9 + 9", or "8 x 9" without a bias.
std::string dense_formula(int64_t inputs, int64_t outputs, bool bias) {
  std::string formula = std::to_string(inputs) + " x " + std::to_string(outputs);
  if (bias) formula += " + " + std::to_string(outputs);
  return formula;
}

void add_row(Summary& summary, SummaryRow row) {
  if (__builtin_add_overflow(summary.total_parameters, row.parameters, &summary.total_parameters)) {
    throw Error("summary: the network's parameter count overflows a 64-bit integer");
  }
  summary.rows.push_back(std::move(row));
}

}  // namespace

Summary summarize(const Sequential& network, int64_t input_features) {
  Summary summary;
  int64_t features = input_features;
  for (size_t i = 0; i < network.size(); ++i) {
    const Module& layer = network.layer(i);
    features = layer.output_features(features);
    SummaryRow row{layer.describe(), features, layer.parameter_count(), ""};
    if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
      row.formula = dense_formula(dense->inputs(), dense->outputs(), dense->has_bias());
    }
    add_row(summary, std::move(row));
  }
  return summary;
}

Summary summarize(const std::vector<LayerSpec>& layers, int64_t input_features) {
  Summary summary;
  int64_t features = input_features;
  for (const LayerSpec& layer : layers) {
    if (layer.kind == LayerSpec::Kind::activation) {
      add_row(summary,
              {Activation(layer.activation, layer.negative_slope).describe(), features, 0, ""});
      continue;
    }
    const std::string description = Dense::description(layer.inputs, layer.outputs);
    if (features != layer.inputs) {
      throw Error(description + ": receives " + std::to_string(features) +
                  " features per sample, expects " + std::to_string(layer.inputs));
    }
    features = layer.outputs;
    add_row(summary, {description, features, parameter_count(layer),
                      dense_formula(layer.inputs, layer.outputs, layer.bias)});
  }
  return summary;
}

std::string Summary::to_string() const {
  auto pad = [](std::string text, size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
  };
  std::string out =
      pad("layer", 20) + pad("output shape", 16) + pad("parameters", 12) + "formula\n";
  for (const SummaryRow& row : rows) {
    out += pad(row.layer, 20) + pad("(n x " + std::to_string(row.output_features) + ")", 16) +
           pad(std::to_string(row.parameters), 12) + row.formula + "\n";
  }
  return out + "total parameters: " + std::to_string(total_parameters) + "\n";
}

}  // namespace soma::nn
