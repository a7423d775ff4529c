// summarize: walk the layers, chaining the feature counts.
#include "soma/nn/summary.hpp"

#include "soma/nn/dense.hpp"

namespace soma::nn {

Summary summarize(const Sequential& network, int64_t input_features) {
  Summary summary;
  int64_t features = input_features;
  for (size_t i = 0; i < network.size(); ++i) {
    const Module& layer = network.layer(i);
    features = layer.output_features(features);
    SummaryRow row{layer.describe(), features, layer.parameter_count(), ""};
    if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
      row.formula = std::to_string(dense->inputs()) + " x " + std::to_string(dense->outputs());
      if (dense->has_bias()) row.formula += " + " + std::to_string(dense->outputs());
    }
    summary.total_parameters += row.parameters;
    summary.rows.push_back(std::move(row));
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
