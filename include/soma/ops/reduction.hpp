// Sums and means, over every element (giving a 0-d scalar) or along one axis.
#pragma once

#include "soma/tensor/tensor.hpp"

namespace soma {

Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, int axis, bool keep_dim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int axis, bool keep_dim = false);

}  // namespace soma
