// l2_penalty and l1_penalty: a sum over every parameter's elements, from differentiable ops.
#include "soma/train/penalty.hpp"

#include <cmath>
#include <string>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"
#include "soma/ops/reduction.hpp"

namespace soma::train {

namespace {

// factor * sum over the parameters of sum(term(p)), the checks' messages starting with `name`.
Tensor penalty(const char* name, const std::vector<Tensor>& parameters, float strength,
               float factor, Tensor (*term)(const Tensor&)) {
  if (!(std::isfinite(strength) && strength >= 0.0f)) {
    throw Error(std::string(name) + ": strength must be non-negative and finite, got " +
                number_text(strength));
  }
  Tensor total;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (!parameters[i].defined()) {
      throw Error(std::string(name) + ": parameter " + std::to_string(i) + " is undefined");
    }
    const Tensor sum_of_terms = sum(term(parameters[i]));
    total = total.defined() ? add(total, sum_of_terms) : sum_of_terms;
  }
  if (!total.defined()) return scalar(0.0f);
  return mul(total, scalar(factor));
}

}  // namespace

Tensor l2_penalty(const std::vector<Tensor>& parameters, float strength) {
  // d/dp of (strength / 2) * p^2 is strength * p: the "/ 2" makes strength the decay rate.
  return penalty("l2_penalty", parameters, strength, 0.5f * strength, square);
}

Tensor l1_penalty(const std::vector<Tensor>& parameters, float strength) {
  return penalty("l1_penalty", parameters, strength, strength, abs);
}

}  // namespace soma::train
