// add_network_options, read_network_spec, check_arch_or_model and read_seed: the network
// options each command reads alike.
#include "network_options.hpp"

namespace soma::cli {

void add_network_options(ArgumentParser& parser, const std::string& arch_help,
                         const std::string& output_default) {
  parser.add_option("--arch", "SIZES", arch_help);
  parser.add_option("--activation", "NAME", "hidden activation (default relu)");
  parser.add_option("--output-activation", "NAME",
                    "output activation (default " + output_default + ")");
  parser.add_option("--dropout", "P", "dropout of rate P after each hidden layer (default 0)");
}

nn::NetworkSpec read_network_spec(const ParsedArguments& arguments,
                                  std::vector<int64_t> layer_sizes) {
  nn::NetworkSpec spec{.layer_sizes = std::move(layer_sizes)};
  if (auto name = arguments.value("--activation"))
    spec.hidden_activation = nn::parse_activation(*name);
  if (auto name = arguments.value("--output-activation")) {
    spec.output_activation = nn::parse_activation(*name);
  }
  if (auto rate = arguments.value("--dropout")) {
    spec.dropout = static_cast<float>(parse_real("--dropout", *rate, 0.0, 0.999));
  }
  return spec;
}

void check_arch_or_model(const ParsedArguments& arguments) {
  if (arguments.has("--model") && arguments.has("--arch")) {
    throw UsageError("give --arch or --model, not both");
  }
  if (!arguments.has("--model") && !arguments.has("--arch")) {
    throw UsageError("--arch SIZES or --model MODEL is required");
  }
}

uint64_t read_seed(const ParsedArguments& arguments, uint64_t default_seed) {
  auto text = arguments.value("--seed");
  return text ? static_cast<uint64_t>(parse_integer("--seed", *text, 0, INT64_MAX)) : default_seed;
}

}  // namespace soma::cli
