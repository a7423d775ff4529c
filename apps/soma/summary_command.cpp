// `soma summary --arch 8-9-9-9-4`: the parameter table of a network, layer by layer.
#include <cstdio>
#include <optional>

#include "arguments.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "network_options.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/nn/summary.hpp"

namespace soma::cli {

// Each command declares its own options, in the order its --help lists them (the lines look
// alike from command to command); the options several commands share are declared once, in
// network_options.hpp and data_source.hpp.
ArgumentParser summary_parser() {
  ArgumentParser parser("soma summary", "soma summary --arch SIZES | --model MODEL [--json]",
                        "Prints one row per layer with its output shape, its parameter count\n"
                        "and the formula behind it (inputs x outputs + outputs), and the total.\n"
                        "Example: soma summary --arch 8-9-9-9-4  (301 parameters)\n"
                        "Activations: " +
                            activation_names() + ".");
  add_network_options(parser, "layer sizes, e.g. 8-9-9-9-4", "identity");
  parser.add_option("--model", "MODEL", "summarise a saved model instead");
  parser.add_flag("--json", "print {\"layers\": [...], \"total_parameters\": N}");
  return parser;
}

int run_summary(int argc, const char* const* argv, int first) {
  const std::optional<ParsedArguments> parsed =
      summary_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  check_arch_or_model(arguments);
  nn::Summary summary;
  if (auto path = arguments.value("--model")) {
    const io::TrainedModel model = io::load_trained_model(*path);
    const auto inputs = static_cast<int64_t>(model.feature_map.empty() ? model.feature_names.size()
                                                                       : model.feature_map.size());
    summary = nn::summarize(*model.network, inputs);
  } else {
    const nn::NetworkSpec spec =
        read_network_spec(arguments, nn::parse_layer_sizes(*arguments.value("--arch")));
    // Counted from the sizes: nothing is built, so any size parse_layer_sizes allows works.
    summary = nn::summarize(nn::layers_of(spec), spec.layer_sizes.front());
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
