// Single-precision matrix product C = alpha * op(A) * op(B) + beta * C on row-major
// buffers, with op() an optional transpose folded into the BLAS call (no copies), or
// C = alpha * op(A) * op(B) + bias with a bias row added to every row of C.
// Backed by OpenBLAS; the rest of soma calls only this.
#pragma once

#include <cstdint>
#include <string>

namespace soma::kernels {

struct GemmArgs {
  bool transpose_a = false;
  bool transpose_b = false;
  int64_t m = 0;  // rows of op(A) and C
  int64_t n = 0;  // columns of op(B) and C
  int64_t k = 0;  // columns of op(A), rows of op(B)
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;  // row stride of A as stored
  const float* b = nullptr;
  int64_t ldb = 0;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
  // n values that every row of C starts from instead of beta C (beta must then be 0): the
  // bias of a layer, written by the thread that computes those columns, just before it
  // adds the product onto them.
  const float* bias = nullptr;
};

void gemm(const GemmArgs& args);

// Which BLAS soma links, with its build configuration and core type, e.g. for `soma bench`.
std::string blas_description();

}  // namespace soma::kernels
