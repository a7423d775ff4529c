// map_features: one column per named function of (x1, x2).
#include "soma/data/features.hpp"

#include <algorithm>
#include <cmath>

#include "soma/core/error.hpp"

namespace soma::data {

const std::vector<std::string>& feature_map_names() {
  static const std::vector<std::string> names = {"x1",      "x2",      "x1^2", "x2^2", "x1*x2",
                                                 "sin(x1)", "sin(x2)", "r",    "theta"};
  return names;
}

namespace {

double feature(const std::string& name, double x1, double x2) {
  if (name == "x1") return x1;
  if (name == "x2") return x2;
  if (name == "x1^2") return x1 * x1;
  if (name == "x2^2") return x2 * x2;
  if (name == "x1*x2") return x1 * x2;
  if (name == "sin(x1)") return std::sin(x1);
  if (name == "sin(x2)") return std::sin(x2);
  if (name == "r") return std::hypot(x1, x2);
  return std::atan2(x2, x1);  // theta; names are checked before
}

}  // namespace

Tensor map_features(const Tensor& x, const std::vector<std::string>& names) {
  if (x.rank() != 2 || x.shape()[1] != 2) {
    throw Error("feature maps need data with two features (x1, x2), got shape " +
                x.shape().to_string());
  }
  if (names.empty()) throw Error("feature maps: no feature named");
  for (const std::string& name : names) {
    const auto& known = feature_map_names();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string valid;
      for (const std::string& k : known) valid += (valid.empty() ? "" : ", ") + k;
      throw Error("unknown feature '" + name + "' (valid: " + valid + ")");
    }
  }
  const int64_t samples = x.shape()[0];
  const auto width = static_cast<int64_t>(names.size());
  Tensor out = Tensor::empty(Shape{samples, width});
  const float* in = x.data();
  float* result = out.data();
  for (int64_t i = 0; i < samples; ++i) {
    for (int64_t j = 0; j < width; ++j) {
      result[i * width + j] =
          static_cast<float>(feature(names[static_cast<size_t>(j)], in[2 * i], in[2 * i + 1]));
    }
  }
  return out;
}

Dataset with_features(const Dataset& dataset, const std::vector<std::string>& names) {
  return Dataset{map_features(dataset.features, names), dataset.targets, dataset.classes, names};
}

}  // namespace soma::data
