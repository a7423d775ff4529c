// Softmax and log-softmax along an axis, numerically stable (the maximum is subtracted
// before exponentiating, so large logits never overflow).
#pragma once

#include "soma/tensor/tensor.hpp"

namespace soma {

Tensor softmax(const Tensor& x, int axis = -1);
Tensor log_softmax(const Tensor& x, int axis = -1);

}  // namespace soma
