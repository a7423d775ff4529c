// l2_penalty: (strength / 2) * sum(p^2) over every parameter, from differentiable ops.
#include "soma/optim/l2_penalty.hpp"

#include <cmath>
#include <string>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"

namespace soma {

Tensor l2_penalty(const std::vector<Tensor>& parameters, float strength) {
  if (!(std::isfinite(strength) && strength >= 0.0f)) {
    throw Error("l2_penalty: strength must be non-negative and finite, got " +
                number_text(strength));
  }
  Tensor total;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (!parameters[i].defined()) {
      throw Error("l2_penalty: parameter " + std::to_string(i) + " is undefined");
    }
    const Tensor squares = sum(square(parameters[i]));
    total = total.defined() ? add(total, squares) : squares;
  }
  if (!total.defined()) return scalar(0.0f);
  // d/dp of (strength / 2) * p^2 is strength * p: the "/ 2" makes strength the decay rate.
  return mul(total, scalar(0.5f * strength));
}

}  // namespace soma
