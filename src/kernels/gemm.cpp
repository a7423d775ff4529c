// gemm through OpenBLAS's CBLAS interface.
#include "soma/kernels/gemm.hpp"

#include <cblas.h>

#include <climits>

#include "soma/core/error.hpp"
#include "soma/kernels/blas_core.hpp"

namespace soma::kernels {

namespace {

blasint to_blas_int(int64_t value) {
  if (value > INT_MAX) throw Error("gemm: dimension " + std::to_string(value) + " is too large");
  return static_cast<blasint>(value);
}

// Chooses OpenBLAS's kernels during static initialisation of every program that links
// gemm: OpenBLAS's own constructor has run by then (it is a shared library the program
// depends on), and no thread of the program has started yet.
[[maybe_unused]] const BlasCoreChoice& blas_core_at_start = blas_core_choice();

}  // namespace

void gemm(const GemmArgs& args) {
  if (args.m == 0 || args.n == 0) return;
  blas_core_choice();  // already made, unless a static initialiser multiplies before ours
  if (args.k == 0) {
    // BLAS would leave C untouched; the product of empty matrices is zero.
    for (int64_t i = 0; i < args.m; ++i) {
      for (int64_t j = 0; j < args.n; ++j) {
        float& c = args.c[i * args.ldc + j];
        c = args.beta == 0.0f ? 0.0f : args.beta * c;
      }
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, args.transpose_a ? CblasTrans : CblasNoTrans,
              args.transpose_b ? CblasTrans : CblasNoTrans, to_blas_int(args.m),
              to_blas_int(args.n), to_blas_int(args.k), args.alpha, args.a, to_blas_int(args.lda),
              args.b, to_blas_int(args.ldb), args.beta, args.c, to_blas_int(args.ldc));
}

std::string blas_description() {
  // openblas_get_config() begins with "OpenBLAS" and its version.
  return std::string(openblas_get_config()) + " (" + openblas_get_corename() + ", " +
         std::to_string(openblas_get_num_threads()) + " threads)";
}

}  // namespace soma::kernels
