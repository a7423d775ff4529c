// The fully connected layer's affine map as one operation: x W + b. One graph node
// instead of a product and a broadcast add, the bias written into the product's output
// by the GEMM itself (each block of C starts as b on the thread that computes it, and the
// product is added onto it), and in backward the bias
// gradient as column sums of the incoming gradient, with no broadcast bookkeeping.
#pragma once

#include "soma/tensor/tensor.hpp"

namespace soma {

// x (samples x inputs), weight (inputs x outputs), bias (outputs) or an undefined Tensor
// for none; gives (samples x outputs). Equal to add(matmul(x, weight), bias), the same
// values (up to float rounding) and the same gradients.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

}  // namespace soma
