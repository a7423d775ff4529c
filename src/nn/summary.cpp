// summarize: walk the layer descriptions (a built network's read back from its layers),
// chaining the feature counts; the counts come from the shapes alone.
#include "soma/nn/summary.hpp"

#include "soma/core/error.hpp"

namespace soma::nn {

Summary summarize(const Sequential& network, int64_t input_features) {
  std::vector<LayerSpec> layers;
  for (size_t i = 0; i < network.size(); ++i) layers.push_back(spec_of(network.layer(i)));
  return summarize(layers, input_features);
}

Summary summarize(const std::vector<LayerSpec>& layers, int64_t input_features) {
  Summary summary;
  int64_t features = input_features;
  for (const LayerSpec& layer : layers) {
    if (layer.inputs != 0 && features != layer.inputs) {
      throw Error(layer.description + ": receives " + std::to_string(features) +
                  " features per sample, expects " + std::to_string(layer.inputs));
    }
    if (layer.outputs != 0) features = layer.outputs;
    const int64_t parameters = parameter_count(layer);
    if (__builtin_add_overflow(summary.total_parameters, parameters, &summary.total_parameters)) {
      throw Error("summary: the network's parameter count overflows a 64-bit integer");
    }
    summary.rows.push_back({layer.description, features, parameters, parameter_formula(layer)});
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
