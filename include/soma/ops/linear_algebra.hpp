// Matrix product and transposition of 2-d tensors. Products run on the BLAS, with the
// transposes of the backward pass folded into its flags rather than copied.
#pragma once

#include "soma/tensor/tensor.hpp"

namespace soma {

// (m x k) times (k x n) gives (m x n); throws "matmul: cannot multiply (3x4) by (5x2)".
Tensor matmul(const Tensor& a, const Tensor& b);
// The transpose of a 2-d tensor.
Tensor transpose(const Tensor& x);
// Swaps two dimensions of a tensor of any rank (negative dims count from the end).
Tensor transpose(const Tensor& x, int dim0, int dim1);

}  // namespace soma
