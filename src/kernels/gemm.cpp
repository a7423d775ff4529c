// gemm through OpenBLAS's CBLAS interface.
#include "soma/kernels/gemm.hpp"

#include <cblas.h>

#include <algorithm>
#include <climits>

#include "row_times_matrix.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/blas_core.hpp"
#include "soma/kernels/thread_pool.hpp"
#include "soma/kernels/threads.hpp"

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

namespace {

void blas_gemm(const GemmArgs& args) {
  cblas_sgemm(CblasRowMajor, args.transpose_a ? CblasTrans : CblasNoTrans,
              args.transpose_b ? CblasTrans : CblasNoTrans, to_blas_int(args.m),
              to_blas_int(args.n), to_blas_int(args.k), args.alpha, args.a, to_blas_int(args.lda),
              args.b, to_blas_int(args.ldb), args.beta, args.c, to_blas_int(args.ldc));
}

// Every row of C (m x n, row stride ldc) set to the bias.
void fill_rows_with_bias(const GemmArgs& args) {
  for (int64_t i = 0; i < args.m; ++i) {
    float* __restrict row = args.c + i * args.ldc;
    const float* __restrict bias = args.bias;
    for (int64_t j = 0; j < args.n; ++j) row[j] = bias[j];
  }
}

// One row times a matrix (a batch-1 forward pass) skips the BLAS's packing of B. Decided by
// the whole product, not by the block, so that every block of a product sums the same way.
void multiply(const GemmArgs& args, bool one_row) {
  if (one_row && !args.transpose_a && !args.transpose_b && row_times_matrix_available()) {
    row_times_matrix(args.k, args.n, args.alpha, args.a, args.b, args.ldb, args.beta, args.c,
                     args.bias);
    return;
  }
  if (args.bias == nullptr) {
    blas_gemm(args);
  } else {
    // The BLAS has no bias: C starts as the bias and the product is added onto it.
    fill_rows_with_bias(args);
    GemmArgs onto_bias = args;
    onto_bias.beta = 1.0f;
    blas_gemm(onto_bias);
  }
}

// Below this many multiply-adds a product runs on one thread: handing half of it to
// another core costs more than it saves.
constexpr int64_t parallel_threshold = 64 * 1024;

// Splits of C into column blocks (or row blocks when C is tall and narrow), one per
// thread. Blocks are whole multiples of 16 columns (one AVX-512 register) where possible,
// and every element of C is still one dot product over all of k in the same order, so
// the result does not depend on the thread count.
struct Split {
  const GemmArgs* args = nullptr;
  bool by_rows = false;
  int64_t units = 0;  // blocks of 16 columns, or rows
};

void run_block(void* context, int, int64_t begin, int64_t end) {
  const Split& split = *static_cast<const Split*>(context);
  GemmArgs block = *split.args;
  if (split.by_rows) {
    block.m = end - begin;
    // Row i of op(A): row i of A, or column i of A when A is transposed.
    block.a = split.args->transpose_a ? block.a + begin : block.a + begin * block.lda;
    block.c = block.c + begin * block.ldc;
  } else {
    const int64_t first = begin * 16;
    block.n = std::min(split.args->n, end * 16) - first;
    // Column j of op(B): column j of B, or row j of B when B is transposed.
    block.b = split.args->transpose_b ? block.b + first * block.ldb : block.b + first;
    block.c = block.c + first;
    if (block.bias != nullptr) block.bias += first;
  }
  if (block.m > 0 && block.n > 0) multiply(block, split.args->m == 1);
}

}  // namespace

void gemm(const GemmArgs& args) {
  if (args.m == 0 || args.n == 0) return;
  blas_core_choice();  // already made, unless a static initialiser multiplies before ours
  if (args.bias != nullptr && args.beta != 0.0f) {
    throw Error("gemm: beta must be 0 when a bias is given (the bias replaces beta C)");
  }
  if (args.k == 0) {
    // BLAS would leave C untouched; the product of empty matrices is zero.
    if (args.bias != nullptr) {
      fill_rows_with_bias(args);
    } else {
      for (int64_t i = 0; i < args.m; ++i) {
        for (int64_t j = 0; j < args.n; ++j) {
          float& c = args.c[i * args.ldc + j];
          c = args.beta == 0.0f ? 0.0f : args.beta * c;
        }
      }
    }
    return;
  }
  // Every size the BLAS will see is checked here, before the product is split, so that no
  // part can throw.
  for (const int64_t extent : {args.m, args.n, args.k, args.lda, args.ldb, args.ldc}) {
    to_blas_int(extent);
  }
  const int64_t multiply_adds = args.m * args.n * args.k;
  if (multiply_adds < parallel_threshold) {
    multiply(args, args.m == 1);
    return;
  }
  Split split{.args = &args};
  const int64_t column_blocks = (args.n + 15) / 16;
  // Columns when there are enough of them for every thread; rows for tall, narrow C.
  split.by_rows = column_blocks < 2 * thread_count() && args.m > args.n;
  split.units = split.by_rows ? args.m : column_blocks;
  parallel_for(split.units, 1, run_block, &split);
}

std::string blas_description() {
  // openblas_get_config() begins with "OpenBLAS" and its version.
  return std::string(openblas_get_config()) + " (" + openblas_get_corename() + " kernels, " +
         std::to_string(thread_count()) + " soma threads)";
}

}  // namespace soma::kernels
