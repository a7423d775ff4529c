// The L1 regularisation term added to a loss: strength * sum of |p| over every parameter,
// differentiable, so that backward() adds strength * sign(p) to each parameter's gradient
// (0 where p is exactly 0, the subgradient PyTorch's abs gives too). Unlike L2 (soma/optim/
// l2_penalty.hpp), its pull towards 0 does not fade as a weight gets small.
#pragma once

#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::train {

// strength * sum over all parameters of the sum of their absolute values, as a 0-d tensor
// built from soma ops (0 for an empty list). Throws soma::Error for a negative or
// non-finite strength or an undefined parameter.
Tensor l1_penalty(const std::vector<Tensor>& parameters, float strength);

}  // namespace soma::train
