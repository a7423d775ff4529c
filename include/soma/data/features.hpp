// Feature maps for two-feature data, selected by name: "x1", "x2", "x1^2", "x2^2",
// "x1*x2", "sin(x1)", "sin(x2)", and the polar coordinates "r" and "theta". With them a
// single neuron separates the circles (x1^2 + x2^2 is a radius).
#pragma once

#include <string>
#include <vector>

#include "soma/data/dataset.hpp"

namespace soma::data {

// The names map_features accepts.
const std::vector<std::string>& feature_map_names();
// (samples x 2) -> (samples x names.size()); throws soma::Error for an unknown name or
// input that does not have two features.
Tensor map_features(const Tensor& x, const std::vector<std::string>& names);
// The dataset with its features replaced by the mapped ones.
Dataset with_features(const Dataset& dataset, const std::vector<std::string>& names);

}  // namespace soma::data
