// The backends behind kernels::gemm, each a single-threaded C = alpha op(A) op(B) + beta C
// (no bias: gemm adds it) on sizes gemm has checked. gemm_libraries.cpp, in builds with
// OpenBLAS and oneDNN only, has theirs; gemm_portable.cpp soma's own.
#pragma once

#include <string>

#include "soma/kernels/gemm.hpp"

namespace soma::kernels {

void openblas_gemm(const GemmArgs& args);
void onednn_gemm(const GemmArgs& args);
std::string openblas_name();      // with version, build configuration and core type
std::string onednn_name();        // with version
bool onednn_runs_avx2_kernels();  // the CPU has no AVX-512

void portable_gemm(const GemmArgs& args);
// The instruction set of the portable GEMM's code that runs here: "AVX-512", "AVX2" or
// "baseline".
const char* portable_gemm_instructions();

}  // namespace soma::kernels
