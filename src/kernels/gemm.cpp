// gemm: soma's row kernel for one-row products; for the others OpenBLAS's sgemm for small
// ones and oneDNN's for large ones (but wide ones without AVX-512), or soma's portable GEMM
// (SOMA_GEMM or the caller can pick one backend for all; a build without the libraries has
// only the portable one), split over soma's threads by blocks of C.
#include "soma/kernels/gemm.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string_view>

#include "gemm_backends.hpp"
#include "row_times_matrix.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/blas_core.hpp"
#include "soma/kernels/thread_pool.hpp"
#include "soma/kernels/threads.hpp"

namespace soma::kernels {

namespace {

// Whether OpenBLAS and oneDNN are built in (CMake's SOMA_GEMM_LIBRARIES). Without them their
// functions are declared but not defined: every call sits in a discarded `if constexpr`.
constexpr bool libraries_built = SOMA_GEMM_LIBRARIES != 0;

// By GemmBackend's value.
constexpr const char* backend_names[] = {"auto", "openblas", "onednn", "portable"};

// `who` names the caller in the message: "SOMA_GEMM" or "gemm".
void check_built(GemmBackend backend, const std::string& who) {
  if (!gemm_backend_built(backend)) {
    throw Error(who + ": " + backend_names[static_cast<int>(backend)] +
                " is not in this build (it has soma's portable GEMM alone)");
  }
}

// SOMA_GEMM, read once: unset, empty or "auto" chooses by size (below), a backend's name
// that one for every product.
GemmBackend chosen_backend() {
  static const GemmBackend chosen = [] {
    const char* value = std::getenv("SOMA_GEMM");
    const std::string_view name = value == nullptr || *value == '\0' ? "auto" : value;
    for (int index = 0; index < 4; ++index) {
      if (name != backend_names[index]) continue;
      check_built(static_cast<GemmBackend>(index), "SOMA_GEMM");
      return static_cast<GemmBackend>(index);
    }
    throw Error("SOMA_GEMM: unknown value '" + std::string(name) +
                "' (expected auto, openblas, onednn or portable)");
  }();
  return chosen;
}

// From this many multiply-adds in a product on, oneDNN's sgemm runs it: it takes 21-29% less
// time than OpenBLAS's on W2's products from 4 M multiply-adds up and 1-16% less on W3's, but
// 1.1-6.4 times as long on W1's tiny ones (docs/PERFORMANCE.md).
constexpr int64_t onednn_from_multiply_adds = int64_t{1} << 20;

// On CPUs without AVX-512, oneDNN's sgemm takes about twice as long as OpenBLAS's on
// products with A not transposed and C this many columns wide or more: on an AMD EPYC (Zen 3),
// one thread, 43-46 GFLOP/s against 80-87 at 1024 and 2048 columns (docs/PERFORMANCE.md).
constexpr int64_t avx2_onednn_below_columns = 512;

// The backend for a whole product (every block of it uses the same, so that the split
// over threads does not change which backend sums which element).
GemmBackend backend_for(const GemmArgs& args, GemmBackend requested, int64_t multiply_adds) {
  if (requested != GemmBackend::by_size) return requested;
  if constexpr (libraries_built) {
    if (multiply_adds < onednn_from_multiply_adds) return GemmBackend::openblas;
    const bool wide_on_avx2 =
        !args.transpose_a && args.n >= avx2_onednn_below_columns && onednn_runs_avx2_kernels();
    return wide_on_avx2 ? GemmBackend::openblas : GemmBackend::onednn;
  }
  return GemmBackend::portable;
}

void backend_gemm(const GemmArgs& args, GemmBackend backend) {
  if constexpr (libraries_built) {
    if (backend == GemmBackend::openblas) return openblas_gemm(args);
    if (backend == GemmBackend::onednn) return onednn_gemm(args);
  }
  portable_gemm(args);
}

// Every row of C (m x n, row stride ldc) set to the bias.
void fill_rows_with_bias(const GemmArgs& args) {
  for (int64_t i = 0; i < args.m; ++i) {
    float* __restrict row = args.c + i * args.ldc;
    const float* __restrict bias = args.bias;
    for (int64_t j = 0; j < args.n; ++j) row[j] = bias[j];
  }
}

// How every block of one product is computed, decided by the whole product so that all
// its blocks sum the same way: one row times a matrix (a batch-1 forward pass) by soma's
// row kernel, which skips the packing of B, else by the backend for the product.
struct Plan {
  bool row_kernel = false;
  GemmBackend backend = GemmBackend::portable;
};

void multiply(const GemmArgs& args, const Plan& plan) {
  if (plan.row_kernel) {
    return row_times_matrix(args.k, args.n, args.alpha, args.a, args.b, args.ldb, args.beta, args.c,
                            args.bias);
  }
  if (args.bias == nullptr) return backend_gemm(args, plan.backend);
  // The backends have no bias: C starts as the bias and the product is added onto it.
  fill_rows_with_bias(args);
  GemmArgs onto_bias = args;
  onto_bias.beta = 1.0f;
  backend_gemm(onto_bias, plan.backend);
}

// Below this many multiply-adds a product runs on one thread: handing half of it to
// another core costs more than it saves.
constexpr int64_t parallel_threshold = 64 * 1024;

// Splits of C into column blocks (or row blocks when C is tall and narrow), one per
// thread, whole multiples of 16 columns (one AVX-512 register, two AVX2 ones) where
// possible. The split is fixed by the thread count, so the same thread count gives the same
// bits. Across thread counts the libraries' bits agree on the products the tests check, not
// on every shape (they choose their kernels by the size of the block); the portable
// backend's agree on every shape.
struct Split {
  const GemmArgs* args = nullptr;
  Plan plan;
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
  if (block.m > 0 && block.n > 0) multiply(block, split.plan);
}

}  // namespace

bool gemm_backend_built(GemmBackend backend) {
  return libraries_built || backend == GemmBackend::by_size || backend == GemmBackend::portable;
}

void gemm(const GemmArgs& args) {
  gemm(args, chosen_backend());  // an unknown SOMA_GEMM is reported here, not inside a part
}

void gemm(const GemmArgs& args, GemmBackend backend) {
  check_built(backend, "gemm");
  if (args.bias != nullptr && args.beta != 0.0f) {
    throw Error("gemm: beta must be 0 when a bias is given (the bias replaces beta C)");
  }
  if (args.m == 0 || args.n == 0) return;
  blas_core_choice();  // already made, unless a static initialiser multiplies before ours
  if (args.k == 0) {
    // BLAS would leave C untouched; the product of empty matrices is zero.
    if (args.bias != nullptr) return fill_rows_with_bias(args);
    for (int64_t i = 0; i < args.m; ++i) {
      for (int64_t j = 0; j < args.n; ++j) {
        float& c = args.c[i * args.ldc + j];
        c = args.beta == 0.0f ? 0.0f : args.beta * c;
      }
    }
    return;
  }
  // Every size a library would see is checked here (whichever backend runs), before the
  // product is split, so that no part can throw for it.
  for (const int64_t extent : {args.m, args.n, args.k, args.lda, args.ldb, args.ldc}) {
    if (extent > INT_MAX) {
      throw Error("gemm: dimension " + std::to_string(extent) + " is too large");
    }
  }
  const int64_t multiply_adds = args.m * args.n * args.k;
  const Plan plan{.row_kernel = args.m == 1 && !args.transpose_a && !args.transpose_b &&
                                row_times_matrix_available(),
                  .backend = backend_for(args, backend, multiply_adds)};
  if (multiply_adds < parallel_threshold) {
    multiply(args, plan);
    return;
  }
  Split split{.args = &args, .plan = plan};
  const int64_t column_blocks = (args.n + 15) / 16;
  // Columns when there are enough of them for every thread; rows for tall, narrow C.
  split.by_rows = column_blocks < 2 * thread_count() && args.m > args.n;
  split.units = split.by_rows ? args.m : column_blocks;
  parallel_for(split.units, 1, run_block, &split);
}

std::string gemm_libraries() {
  const GemmBackend backend = chosen_backend();
  if constexpr (libraries_built) {
    const std::string every_product = " for every product (SOMA_GEMM=";
    if (backend == GemmBackend::openblas) return openblas_name() + every_product + "openblas)";
    if (backend == GemmBackend::onednn) return onednn_name() + every_product + "onednn)";
    if (backend == GemmBackend::by_size) {
      return openblas_name() + " below " + std::to_string(onednn_from_multiply_adds) +
             " multiply-adds, " + onednn_name() + " from there" +
             (onednn_runs_avx2_kernels()
                  ? " (OpenBLAS for those " + std::to_string(avx2_onednn_below_columns) +
                        " columns wide or more with A not transposed)"
                  : "");
    }
  }
  return std::string("soma's portable GEMM (") + portable_gemm_instructions() +
         " code) for every product (" +
         (backend == GemmBackend::portable ? "SOMA_GEMM=portable" : "no library in this build") +
         ")";
}

std::string blas_description() {
  return gemm_libraries() + ", " + std::to_string(thread_count()) + " soma threads";
}

}  // namespace soma::kernels
