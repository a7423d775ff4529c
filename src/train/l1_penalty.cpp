// l1_penalty: strength * sum(|p|) over every parameter, from differentiable ops.
#include "soma/train/l1_penalty.hpp"

#include <cmath>
#include <string>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"

namespace soma::train {

Tensor l1_penalty(const std::vector<Tensor>& parameters, float strength) {
  if (!(std::isfinite(strength) && strength >= 0.0f)) {
    throw Error("l1_penalty: strength must be non-negative and finite, got " +
                number_text(strength));
  }
  Tensor total;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (!parameters[i].defined()) {
      throw Error("l1_penalty: parameter " + std::to_string(i) + " is undefined");
    }
    const Tensor magnitudes = sum(abs(parameters[i]));
    total = total.defined() ? add(total, magnitudes) : magnitudes;
  }
  if (!total.defined()) return scalar(0.0f);
  return mul(total, scalar(strength));
}

}  // namespace soma::train
