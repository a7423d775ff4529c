// The options that describe a network by its sizes, shared by `soma train`, `summary` and
// `graph` (--arch, --activation, --output-activation, --leaky-slope, --dropout), and the choice
// between such a network and a saved one (--model) that summary and graph offer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "soma/nn/network_spec.hpp"

namespace soma::cli {

// Adds the five network options. `arch_help` is --arch's help ("layer sizes, e.g. 2-3-1");
// `output_default` what --output-activation falls back to ("identity", "from the task").
void add_network_options(ArgumentParser& parser, const std::string& arch_help,
                         const std::string& output_default);

// The network of `layer_sizes` the options describe: --activation (default relu),
// --output-activation (default identity), --leaky-slope (refused unless one of those takes
// it) and --dropout; its weight initialiser the default.
nn::NetworkSpec read_network_spec(const ParsedArguments& arguments,
                                  std::vector<int64_t> layer_sizes);

// Throws UsageError unless exactly one of --arch and --model is given.
void check_arch_or_model(const ParsedArguments& arguments);

// --seed's value, or `default_seed` when it is not given.
uint64_t read_seed(const ParsedArguments& arguments, uint64_t default_seed);

}  // namespace soma::cli
