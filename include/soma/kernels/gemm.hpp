// Single-precision matrix product C = alpha * op(A) * op(B) + beta * C on row-major
// buffers, with op() an optional transpose given as a flag (the caller copies nothing), or
// C = alpha * op(A) * op(B) + bias with a bias row added to every row of C.
// Backed by OpenBLAS and oneDNN, or by soma's portable GEMM (plain C++, no library): see
// gemm_libraries(). The rest of soma calls only this.
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
  // bias of a layer. Each block of C (columns or rows) starts from it on the thread that
  // computes the block; the one-row kernel adds it in registers.
  const float* bias = nullptr;
};

// With m == 1 and neither operand transposed (a batch-1 forward pass), soma's own row
// kernel runs on CPUs with AVX-512F or AVX2 and FMA: it skips the rows of B whose entry of A is
// zero, so there a zero times an infinite or NaN weight adds nothing instead of NaN. Elsewhere (m >
// 1, transposes, other CPUs) 0 * inf gives NaN as usual, so with non-finite weights a row's result
// at batch 1 can differ from the same row's inside a larger batch.
void gemm(const GemmArgs& args);

// What runs the products soma's own row kernel does not take. by_size: OpenBLAS for small
// ones, oneDNN from 2^20 multiply-adds on (the faster of the two on each side, measured),
// except, on CPUs without AVX-512, products with A not transposed and C 512 columns wide or
// more, where oneDNN's AVX2 kernels were measured at half OpenBLAS's speed. portable: soma's
// own blocked GEMM in plain C++, the only backend of a build without the libraries
// (SOMA_BLAS=portable, SOMA_THREADS=OFF, or the libraries not found), where by_size means it.
// gemm(args) takes the backend from the environment's SOMA_GEMM (read once): "auto" or
// unset by_size, else "openblas", "onednn" or "portable" for every product.
enum class GemmBackend { by_size, openblas, onednn, portable };

bool gemm_backend_built(GemmBackend backend);

// gemm() on `backend` whatever SOMA_GEMM says. A backend this build lacks throws
// soma::Error, as do an unknown SOMA_GEMM or one naming such a backend (here, in gemm(args)
// and in the descriptions below).
void gemm(const GemmArgs& args, GemmBackend backend);

// The backends as SOMA_GEMM chooses them, with versions, OpenBLAS's build configuration and
// core type, e.g. "OpenBLAS 0.3.21 ... (SkylakeX kernels) below 1048576 multiply-adds, oneDNN
// 2.6.3 from there", followed on CPUs without AVX-512 by the exception above; or "soma's
// portable GEMM (AVX-512 code) for every product (...)".
std::string gemm_libraries();

// gemm_libraries() and soma's thread count, e.g. for `soma bench`.
std::string blas_description();

}  // namespace soma::kernels
