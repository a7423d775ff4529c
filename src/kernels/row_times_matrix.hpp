// y = alpha x B + beta y (or + a bias) for one row x (1 x k) and B (k x n, row stride
// ldb), without the packing of B that a general GEMM does first: for a single row, reading
// B once is the whole cost (a batch-1 forward pass). AVX-512 or AVX2 with FMA, as the CPU has.
#pragma once

#include <cstdint>

namespace soma::kernels {

// Whether row_times_matrix has a vector path on this CPU (AVX-512F, or AVX2 and FMA); gemm
// uses the BLAS otherwise (row_times_matrix would still run, one element at a time).
bool row_times_matrix_available();

// Each x B element is one in-order fused multiply-add chain over the rows. beta == 0
// ignores y's contents (it may be uninitialised); otherwise y = fma(beta, y, alpha x B) with
// alpha x B rounded first. With a bias (n values), y = fma(alpha, x B, bias), one rounding,
// and beta is not used. A zero in x skips its row of B: an infinite or NaN
// entry in that row does not make y NaN, where 0 * inf would (and does in the BLAS that
// gemm uses for every other shape). A NaN in x still does.
void row_times_matrix(int64_t k, int64_t n, float alpha, const float* x, const float* b,
                      int64_t ldb, float beta, float* y, const float* bias);

// The instruction sets the kernel is compiled for. row_times_matrix runs the widest one the
// CPU has; the functions below let the tests check each set on a CPU that has several.
enum class RowKernelIsa { avx512, avx2 };

// Whether this CPU (and this build) can run the kernel for `isa`.
bool row_times_matrix_supported(RowKernelIsa isa);

// row_times_matrix on `isa`, which must be supported.
void row_times_matrix_on(RowKernelIsa isa, int64_t k, int64_t n, float alpha, const float* x,
                         const float* b, int64_t ldb, float beta, float* y, const float* bias);

}  // namespace soma::kernels
