// The regularisation terms fit adds to a loss, differentiable, so that backward() adds their
// gradients to the parameters': L2, (strength / 2) * sum of p^2 (gradient strength * p, the
// same as SGD's weight_decay = strength), and L1, strength * sum of |p| (gradient
// strength * sign(p), 0 where p is exactly 0, the subgradient PyTorch's abs gives too),
// whose pull towards 0 does not fade as a weight gets small.
#pragma once

#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::train {

// Each a 0-d tensor built from soma ops over all `parameters` (0 for an empty list). Throws
// soma::Error for a negative or non-finite strength or an undefined parameter.
Tensor l2_penalty(const std::vector<Tensor>& parameters, float strength);
Tensor l1_penalty(const std::vector<Tensor>& parameters, float strength);

}  // namespace soma::train
