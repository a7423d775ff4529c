// The L2 regularisation term added to a loss: differentiable, so that backward() adds
// strength * p to each parameter's gradient (the same as SGD's weight_decay = strength).
#pragma once

#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

// (strength / 2) * sum over all parameters of the sum of their squared elements, as a 0-d
// tensor built from soma ops (0 for an empty list). Throws for a negative or non-finite
// strength or an undefined parameter.
Tensor l2_penalty(const std::vector<Tensor>& parameters, float strength);

}  // namespace soma
