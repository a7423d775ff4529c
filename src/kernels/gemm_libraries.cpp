// The library backends of gemm: OpenBLAS's and oneDNN's sgemm, each run on its caller's
// thread alone (soma's pool splits the products). Built only with the libraries.
#include <cblas.h>
#include <omp.h>

#include "gemm_backends.hpp"
#include "oneapi/dnnl/dnnl.h"
#include "soma/core/error.hpp"
#include "soma/kernels/blas_core.hpp"

namespace soma::kernels {

namespace {

// Chooses OpenBLAS's kernels during static initialisation of every program that links
// gemm: OpenBLAS's own constructor has run by then (it is a shared library the program
// depends on), and no thread of the program has started yet.
[[maybe_unused]] const BlasCoreChoice& blas_core_at_start = blas_core_choice();

}  // namespace

// gemm has checked that every size fits an int.
void openblas_gemm(const GemmArgs& args) {
  const auto to_int = [](int64_t value) { return static_cast<blasint>(value); };
  cblas_sgemm(CblasRowMajor, args.transpose_a ? CblasTrans : CblasNoTrans,
              args.transpose_b ? CblasTrans : CblasNoTrans, to_int(args.m), to_int(args.n),
              to_int(args.k), args.alpha, args.a, to_int(args.lda), args.b, to_int(args.ldb),
              args.beta, args.c, to_int(args.ldc));
}

void onednn_gemm(const GemmArgs& args) {
  // oneDNN's OpenMP runtime would start a team of threads in every thread that calls it;
  // soma splits products itself, so each call runs on its caller's thread alone. The
  // setting belongs to that thread and is put back (dnnl_sgemm does not throw), so a
  // program's own OpenMP code keeps what it set.
  const int openmp_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const dnnl_status_t status =
      dnnl_sgemm(args.transpose_a ? 'T' : 'N', args.transpose_b ? 'T' : 'N', args.m, args.n, args.k,
                 args.alpha, args.a, args.lda, args.b, args.ldb, args.beta, args.c, args.ldc);
  omp_set_num_threads(openmp_threads);
  if (status != dnnl_success) {
    throw Error("gemm: oneDNN's sgemm failed with status " +
                std::to_string(static_cast<int>(status)));
  }
}

// openblas_get_config() begins with "OpenBLAS" and its version.
std::string openblas_name() {
  return std::string(openblas_get_config()) + " (" + openblas_get_corename() + " kernels)";
}

std::string onednn_name() {
  const dnnl_version_t* version = dnnl_version();
  return "oneDNN " + std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
         std::to_string(version->patch);
}

bool onednn_runs_avx2_kernels() {
  static const bool avx2 = [] {
    const auto isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
    const auto avx512 = static_cast<unsigned>(dnnl_cpu_isa_avx512_core);
    return (isa & avx512) != avx512;
  }();
  return avx2;
}

}  // namespace soma::kernels
