// gemm: soma's row kernel for one-row products, OpenBLAS's sgemm for small ones and
// oneDNN's for large ones (but wide ones without AVX-512; SOMA_GEMM can pick one library
// for all), split over soma's threads by blocks of C.
#include "soma/kernels/gemm.hpp"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string_view>

#include "oneapi/dnnl/dnnl.h"
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

enum class Library { openblas, onednn };
enum class Choice { by_size, openblas, onednn };

// SOMA_GEMM, read once: unset or "auto" chooses by size (below), "openblas" or "onednn" one
// library for every product.
Choice choice() {
  static const Choice chosen = [] {
    const char* value = std::getenv("SOMA_GEMM");
    const std::string_view name = value == nullptr ? "" : value;
    if (name.empty() || name == "auto") return Choice::by_size;
    if (name == "openblas") return Choice::openblas;
    if (name == "onednn") return Choice::onednn;
    throw Error("SOMA_GEMM: unknown value '" + std::string(name) +
                "' (expected auto, openblas or onednn)");
  }();
  return chosen;
}

// From this many multiply-adds in a product on, oneDNN's sgemm runs it. Measured with
// soma_kernels_benchmark --benchmark_filter='^gemm/' under SOMA_GEMM=openblas and onednn
// (docs/PERFORMANCE.md): oneDNN takes 21-29% less time on W2's products from 4 M
// multiply-adds up and 1-16% less on W3's, but 1.1-6.4 times as long on W1's tiny ones,
// where its per-call cost dominates; at W2's 128 x 10 x 128 (164 K) the two trade places
// with the transposes.
constexpr int64_t onednn_from_multiply_adds = int64_t{1} << 20;

// Whether oneDNN runs its AVX2 kernels here (the CPU has no AVX-512), decided once.
bool onednn_runs_avx2_kernels() {
  static const bool avx2 = [] {
    const auto isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
    const auto avx512 = static_cast<unsigned>(dnnl_cpu_isa_avx512_core);
    return (isa & avx512) != avx512;
  }();
  return avx2;
}

// On CPUs without AVX-512, oneDNN's sgemm takes about twice as long as OpenBLAS's on
// products whose A is not transposed and whose C is this many columns wide or more: on an
// AMD EPYC (Zen 3), one thread, 128 or 256 rows, oneDNN gave 43-46 GFLOP/s at 1024 and
// 2048 columns (64-65 at 512) against OpenBLAS's 80-87, while at 128-384 and 768 columns
// it was the faster one. W3's forward and input-gradient products take OpenBLAS there;
// docs/PERFORMANCE.md has the measurements.
constexpr int64_t avx2_onednn_below_columns = 512;

// The library for a whole product (every block of it uses the same, so that the split
// over threads does not change which library sums which element).
Library library_for(const GemmArgs& args, int64_t multiply_adds) {
  switch (choice()) {
    case Choice::openblas:
      return Library::openblas;
    case Choice::onednn:
      return Library::onednn;
    case Choice::by_size:
      break;
  }
  if (multiply_adds < onednn_from_multiply_adds) return Library::openblas;
  if (!args.transpose_a && args.n >= avx2_onednn_below_columns && onednn_runs_avx2_kernels()) {
    return Library::openblas;
  }
  return Library::onednn;
}

void openblas_gemm(const GemmArgs& args) {
  cblas_sgemm(CblasRowMajor, args.transpose_a ? CblasTrans : CblasNoTrans,
              args.transpose_b ? CblasTrans : CblasNoTrans, to_blas_int(args.m),
              to_blas_int(args.n), to_blas_int(args.k), args.alpha, args.a, to_blas_int(args.lda),
              args.b, to_blas_int(args.ldb), args.beta, args.c, to_blas_int(args.ldc));
}

// Sets the calling thread's OpenMP thread count to 1 while it lives, then puts it back.
class OneOpenMpThread {
 public:
  OneOpenMpThread() : previous_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneOpenMpThread() { omp_set_num_threads(previous_); }
  OneOpenMpThread(const OneOpenMpThread&) = delete;
  OneOpenMpThread& operator=(const OneOpenMpThread&) = delete;

 private:
  int previous_;
};

void onednn_gemm(const GemmArgs& args) {
  // oneDNN's OpenMP runtime would start a team of threads in every thread that calls it;
  // soma splits products itself, so each call runs on its caller's thread alone. The
  // setting belongs to that thread and is put back, so a program's own OpenMP code keeps
  // what it set.
  const OneOpenMpThread one_thread;
  const dnnl_status_t status =
      dnnl_sgemm(args.transpose_a ? 'T' : 'N', args.transpose_b ? 'T' : 'N', args.m, args.n, args.k,
                 args.alpha, args.a, args.lda, args.b, args.ldb, args.beta, args.c, args.ldc);
  if (status != dnnl_success) {
    throw Error("gemm: oneDNN's sgemm failed with status " +
                std::to_string(static_cast<int>(status)));
  }
}

void library_gemm(const GemmArgs& args, Library library) {
  if (library == Library::onednn) {
    onednn_gemm(args);
  } else {
    openblas_gemm(args);
  }
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
// row kernel, which skips the packing of B, else by the library for the product's size.
struct Plan {
  bool row_kernel = false;
  Library library = Library::openblas;
};

Plan plan_for(const GemmArgs& args, int64_t multiply_adds) {
  return {.row_kernel =
              args.m == 1 && !args.transpose_a && !args.transpose_b && row_times_matrix_available(),
          .library = library_for(args, multiply_adds)};
}

void multiply(const GemmArgs& args, const Plan& plan) {
  if (plan.row_kernel) {
    row_times_matrix(args.k, args.n, args.alpha, args.a, args.b, args.ldb, args.beta, args.c,
                     args.bias);
    return;
  }
  if (args.bias == nullptr) {
    library_gemm(args, plan.library);
  } else {
    // The libraries have no bias: C starts as the bias and the product is added onto it.
    fill_rows_with_bias(args);
    GemmArgs onto_bias = args;
    onto_bias.beta = 1.0f;
    library_gemm(onto_bias, plan.library);
  }
}

// Below this many multiply-adds a product runs on one thread: handing half of it to
// another core costs more than it saves.
constexpr int64_t parallel_threshold = 64 * 1024;

// Splits of C into column blocks (or row blocks when C is tall and narrow), one per
// thread. Blocks are whole multiples of 16 columns (one AVX-512 register, two AVX2 ones)
// where possible.
// The split is fixed by the thread count, so the same thread count gives the same bits.
// Across thread counts the bits agree on the products the tests check, not on every
// shape: the libraries choose their kernels by the size of the block they are given.
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

void gemm(const GemmArgs& args) {
  choice();  // an unknown SOMA_GEMM is reported here, not inside a part
  if (args.bias != nullptr && args.beta != 0.0f) {
    throw Error("gemm: beta must be 0 when a bias is given (the bias replaces beta C)");
  }
  if (args.m == 0 || args.n == 0) return;
  blas_core_choice();  // already made, unless a static initialiser multiplies before ours
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
  // Every size OpenBLAS would see is checked here (whichever library runs), before the
  // product is split, so that no part can throw for it.
  for (const int64_t extent : {args.m, args.n, args.k, args.lda, args.ldb, args.ldc}) {
    to_blas_int(extent);
  }
  const int64_t multiply_adds = args.m * args.n * args.k;
  const Plan plan = plan_for(args, multiply_adds);
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
  const dnnl_version_t* version = dnnl_version();
  const std::string onednn = "oneDNN " + std::to_string(version->major) + "." +
                             std::to_string(version->minor) + "." + std::to_string(version->patch);
  // openblas_get_config() begins with "OpenBLAS" and its version.
  const std::string openblas =
      std::string(openblas_get_config()) + " (" + openblas_get_corename() + " kernels)";
  switch (choice()) {
    case Choice::openblas:
      return openblas + " for every product (SOMA_GEMM=openblas)";
    case Choice::onednn:
      return onednn + " for every product (SOMA_GEMM=onednn)";
    case Choice::by_size:
      break;
  }
  const std::string avx2_exception = onednn_runs_avx2_kernels()
                                         ? " (OpenBLAS for those " +
                                               std::to_string(avx2_onednn_below_columns) +
                                               " columns wide or more with A not transposed)"
                                         : "";
  return openblas + " below " + std::to_string(onednn_from_multiply_adds) + " multiply-adds, " +
         onednn + " from there" + avx2_exception;
}

std::string blas_description() {
  return gemm_libraries() + ", " + std::to_string(thread_count()) + " soma threads";
}

}  // namespace soma::kernels
