// summary(): one row per layer with its output shape, its parameter count and the formula
// behind the count (inputs x outputs + outputs for a dense layer), and the total.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soma/nn/layer_registry.hpp"
#include "soma/nn/sequential.hpp"

namespace soma::nn {

struct SummaryRow {
  std::string layer;        // "Dense(8 -> 9)"
  int64_t output_features;  // per sample: the output shape is (samples x this)
  int64_t parameters;
  std::string formula;  // "8 x 9 + 9", or "" for layers without parameters
};

struct Summary {
  std::vector<SummaryRow> rows;
  int64_t total_parameters = 0;
  // A table for the terminal, ending with the total.
  std::string to_string() const;
};

// From layer descriptions, without building the network: counted from the shapes, so a
// network far too large to build is summarised in microseconds. Throws soma::Error when the
// layers' sizes do not chain (e.g. Dense(2 -> 3) into Dense(4 -> 1)), and when a count
// overflows a signed 64-bit integer.
Summary summarize(const std::vector<LayerSpec>& layers, int64_t input_features);
// The same table for a built network, from its layers' descriptions (nn::spec_of).
Summary summarize(const Sequential& network, int64_t input_features);

}  // namespace soma::nn
