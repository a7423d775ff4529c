// Checks backpropagation against finite differences: for any scalar function of tensors,
// compares every backpropagated partial derivative with a numerical one and reports the
// worst absolute and relative error per input.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

struct GradCheckOptions {
  // Perturbation for an element x: step * 2^ceil(log2(max(1, |x|))). A power of two keeps
  // x +- h exact in float32; the five-point stencil then has error O(h^4).
  float step = 1.0f / 128.0f;
  // An element passes when |analytic - numeric| <= absolute + relative * max(|a|, |n|).
  double absolute_tolerance = 1e-3;
  double relative_tolerance = 1e-2;
};

struct InputGradCheck {
  double max_absolute_error = 0.0;
  // |a - n| / max(|a|, |n|) for the element where it is largest (0 where both are 0).
  double max_relative_error = 0.0;
  int64_t worst_index = -1;  // flat index of the first element that failed, else -1
  bool passed = true;
};

struct GradCheckReport {
  std::vector<InputGradCheck> inputs;
  bool passed = true;
  std::string to_string() const;  // one line per input
};

using ScalarFunction = std::function<Tensor(const std::vector<Tensor>&)>;

// Evaluates f on copies of `inputs` (so the caller's tensors and gradients are left as
// they are). f must return a one-element tensor and be deterministic.
GradCheckReport check_gradients(const ScalarFunction& f, const std::vector<Tensor>& inputs,
                                const GradCheckOptions& options = {});

}  // namespace soma
