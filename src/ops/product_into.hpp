// The matrix product of two 2-d tensors into a buffer, shared by matmul and linear (private
// to ops): C (m x n, row stride ldc) = alpha op(A) op(B) + beta C, with op() an optional
// transpose folded into the GEMM's flags; m and n are those of op(A) op(B). With a bias
// (n values, beta 0), C = alpha op(A) op(B) + the bias in every row.
#pragma once

#include <cstdint>

#include "soma/tensor/tensor.hpp"

namespace soma::detail {

void product_into(float* c, int64_t ldc, const Tensor& a, bool transpose_a, const Tensor& b,
                  bool transpose_b, float beta, const float* bias = nullptr, float alpha = 1.0f);

}  // namespace soma::detail
