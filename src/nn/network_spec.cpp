// Parsing "2-16-16-1" and architecture text into networks.
#include "soma/nn/network_spec.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "soma/core/error.hpp"
#include "soma/nn/dense.hpp"

namespace soma::nn {

std::vector<int64_t> parse_layer_sizes(std::string_view text) {
  std::vector<int64_t> sizes;
  size_t start = 0;
  while (true) {
    const size_t dash = text.find('-', start);
    const std::string_view part =
        text.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    int64_t size = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), size);
    if (part.empty() || error != std::errc() || end != part.data() + part.size() || size <= 0 ||
        size > (int64_t{1} << 24)) {
      throw Error("architecture '" + std::string(text) + "': '" + std::string(part) +
                  "' is not a layer size (write sizes joined by '-', e.g. 2-16-16-1)");
    }
    sizes.push_back(size);
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (sizes.size() < 2) {
    throw Error("architecture '" + std::string(text) +
                "' needs at least an input and an output size, e.g. 2-1");
  }
  return sizes;
}

std::shared_ptr<Sequential> build_network(const NetworkSpec& spec, Generator& generator) {
  if (spec.layer_sizes.size() < 2) {
    throw Error("build_network: at least an input and an output size are needed");
  }
  auto network = std::make_shared<Sequential>();
  const DenseOptions options{
      .bias = true, .weight_init = spec.weight_init, .bias_init = spec.bias_init};
  for (size_t i = 0; i + 1 < spec.layer_sizes.size(); ++i) {
    network->emplace<Dense>(spec.layer_sizes[i], spec.layer_sizes[i + 1], generator, options);
    const bool output_layer = i + 2 == spec.layer_sizes.size();
    const ActivationKind activation =
        output_layer ? spec.output_activation : spec.hidden_activation;
    if (!output_layer || activation != ActivationKind::identity) {
      network->emplace<Activation>(activation, spec.negative_slope);
    }
  }
  return network;
}

std::shared_ptr<Sequential> build_from_architecture(std::string_view text) {
  auto network = std::make_shared<Sequential>();
  Generator unused(0);  // weights start at zero and are then loaded
  std::istringstream lines{std::string(text)};
  std::string line;
  int line_number = 0;
  while (std::getline(lines, line)) {
    ++line_number;
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind)) continue;  // blank line
    auto fail = [&](const std::string& reason) {
      throw Error("architecture line " + std::to_string(line_number) + " ('" + line +
                  "'): " + reason);
    };
    if (kind == "dense") {
      int64_t inputs = 0;
      int64_t outputs = 0;
      std::string flag;
      if (!(words >> inputs >> outputs) || inputs <= 0 || outputs <= 0) {
        fail("expected 'dense INPUTS OUTPUTS'");
      }
      const bool has_flag = static_cast<bool>(words >> flag);
      if (has_flag && flag != "no_bias") fail("unknown flag '" + flag + "'");
      network->emplace<Dense>(inputs, outputs, unused,
                              DenseOptions{.bias = !has_flag,
                                           .weight_init = Initializer::zeros(),
                                           .bias_init = Initializer::zeros()});
    } else if (kind == "activation") {
      std::string name;
      if (!(words >> name)) fail("expected 'activation NAME'");
      float slope = 0.01f;
      std::string slope_text;
      if (words >> slope_text) {
        if (name != "leaky_relu") fail("only leaky_relu takes a slope");
        char* end = nullptr;
        slope = std::strtof(slope_text.c_str(), &end);
        if (end != slope_text.c_str() + slope_text.size() || !std::isfinite(slope)) {
          fail("bad slope '" + slope_text + "'");
        }
      }
      try {
        network->emplace<Activation>(parse_activation(name), slope);
      } catch (const Error& error) {
        fail(error.what());
      }
    } else {
      fail("unknown layer '" + kind + "' (expected dense or activation)");
    }
    std::string extra;
    if (words >> extra) fail("unexpected '" + extra + "'");
  }
  if (network->size() == 0) throw Error("architecture: no layers");
  return network;
}

}  // namespace soma::nn
