// `soma summary --arch 8-9-9-9-4`: the parameter table of a network, layer by layer.
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/nn/summary.hpp"

namespace soma::cli {

int run_summary(int argc, const char* const* argv, int first) {
  ArgumentParser parser("soma summary", "soma summary --arch SIZES | --model MODEL [--json]",
                        "Prints one row per layer with its output shape, its parameter count\n"
                        "and the formula behind it (inputs x outputs + outputs), and the total.\n"
                        "Example: soma summary --arch 8-9-9-9-4  (301 parameters)\n"
                        "Activations: " +
                            activation_names() + ".");
  parser.add_option("--arch", "SIZES", "layer sizes, e.g. 8-9-9-9-4");
  parser.add_option("--activation", "NAME", "hidden activation (default relu)");
  parser.add_option("--output-activation", "NAME", "output activation (default identity)");
  parser.add_option("--dropout", "P", "dropout of rate P after each hidden layer (default 0)");
  parser.add_option("--model", "MODEL", "summarise a saved model instead");
  parser.add_flag("--json", "print {\"layers\": [...], \"total_parameters\": N}");
  const ParsedArguments arguments = parser.parse(argc, argv, first);
  if (arguments.has("--help")) {
    std::fputs(parser.help().c_str(), stdout);
    return exit_ok;
  }
  nn::Summary summary;
  if (auto path = arguments.value("--model")) {
    if (arguments.has("--arch")) throw UsageError("give --arch or --model, not both");
    const io::TrainedModel model = io::load_trained_model(*path);
    const auto inputs = static_cast<int64_t>(model.feature_map.empty() ? model.feature_names.size()
                                                                       : model.feature_map.size());
    summary = nn::summarize(*model.network, inputs);
  } else if (auto arch = arguments.value("--arch")) {
    nn::NetworkSpec spec{.layer_sizes = nn::parse_layer_sizes(*arch)};
    if (auto name = arguments.value("--activation"))
      spec.hidden_activation = nn::parse_activation(*name);
    if (auto name = arguments.value("--output-activation")) {
      spec.output_activation = nn::parse_activation(*name);
    }
    if (auto rate = arguments.value("--dropout")) {
      spec.dropout = static_cast<float>(parse_real("--dropout", *rate, 0.0, 0.999));
    }
    // Counted from the sizes: nothing is built, so any size parse_layer_sizes allows works.
    summary = nn::summarize(nn::layers_of(spec), spec.layer_sizes.front());
  } else {
    throw UsageError("--arch SIZES or --model MODEL is required");
  }
  if (!arguments.has("--json")) {
    std::fputs(summary.to_string().c_str(), stdout);
    return exit_ok;
  }
  JsonWriter json;
  json.begin_object().key("layers").begin_array();
  for (const nn::SummaryRow& row : summary.rows) {
    json.begin_object().key("layer").value(row.layer);
    json.key("output_shape").begin_array().value("n").value(row.output_features).end_array();
    json.key("parameters").value(row.parameters).key("formula").value(row.formula).end_object();
  }
  json.end_array().key("total_parameters").value(summary.total_parameters).end_object();
  std::printf("%s\n", json.str().c_str());
  return exit_ok;
}

}  // namespace soma::cli
