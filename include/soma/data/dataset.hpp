// A dataset in memory: features (samples x features) and targets. For classification the
// targets are class indices (samples), stored as floats, and `classes` says how many
// there are; for regression `classes` is 0 and the targets are (samples x outputs).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::data {

struct Dataset {
  Tensor features;
  Tensor targets;
  int64_t classes = 0;
  std::vector<std::string> feature_names;

  int64_t size() const { return features.defined() ? features.shape()[0] : 0; }
  bool is_classification() const { return classes > 0; }
};

// Rows `rows` of a tensor of rank >= 1, in that order, as a new tensor.
Tensor gather_rows(const Tensor& x, std::span<const int64_t> rows);
// The samples `rows` of a dataset.
Dataset subset(const Dataset& dataset, std::span<const int64_t> rows);

}  // namespace soma::data
