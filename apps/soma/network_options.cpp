// add_network_options, read_network_spec, check_arch_or_model and read_seed: the network
// options each command reads alike.
#include "network_options.hpp"

#include "soma/core/number_text.hpp"

namespace soma::cli {

namespace {

// The activations of the table that take a parameter ("leaky_relu"), and the first one's
// default, for --leaky-slope's help and errors.
std::string sloped_activations() {
  std::string names;
  for (const ActivationFunction& function : activation_functions()) {
    if (function.takes_parameter) names += (names.empty() ? "" : ", ") + std::string(function.name);
  }
  return names;
}

float default_slope() {
  for (const ActivationFunction& function : activation_functions()) {
    if (function.takes_parameter) return function.default_parameter;
  }
  return 0.0f;
}

// --leaky-slope for a network whose hidden or output activation takes it.
float read_slope(const std::string& text, const nn::NetworkSpec& spec) {
  const float slope = static_cast<float>(parse_real("--leaky-slope", text, 0.0, 1.0));
  if (!spec.hidden_activation.function().takes_parameter &&
      !spec.output_activation.function().takes_parameter) {
    throw UsageError("--leaky-slope is the parameter of " + sloped_activations() +
                     ", and the network's activation is " +
                     std::string(spec.hidden_activation.name()) + " (use --activation " +
                     sloped_activations() + ")");
  }
  return slope;
}

}  // namespace

void add_network_options(ArgumentParser& parser, const std::string& arch_help,
                         const std::string& output_default) {
  parser.add_option("--arch", "SIZES", arch_help);
  parser.add_option("--activation", "NAME", "hidden activation (default relu)");
  parser.add_option("--output-activation", "NAME",
                    "output activation (default " + output_default + ")");
  parser.add_option("--leaky-slope", "X",
                    "the slope below 0 of " + sloped_activations() + ", in [0, 1] (default " +
                        number_text(default_slope()) + ")");
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
  if (auto slope = arguments.value("--leaky-slope")) spec.negative_slope = read_slope(*slope, spec);
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
