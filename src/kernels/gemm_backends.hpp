// The backends behind kernels::gemm, each a single-threaded product C = alpha op(A) op(B) +
// beta C (no bias: gemm adds it) on sizes gemm has checked. The libraries' functions exist
// only in builds with them (SOMA_GEMM_LIBRARIES).
#pragma once

#include <string>

#include "soma/kernels/gemm.hpp"

namespace soma::kernels {

// gemm_libraries.cpp: OpenBLAS's and oneDNN's sgemm, their names and versions, and whether
// oneDNN runs its AVX2 kernels here (the CPU has no AVX-512).
void openblas_gemm(const GemmArgs& args);
void onednn_gemm(const GemmArgs& args);
std::string openblas_name();
std::string onednn_name();
bool onednn_runs_avx2_kernels();

// gemm_portable.cpp: soma's own, in plain C++, and the instruction set it was compiled for
// that runs on this CPU ("AVX-512", "AVX2", or "baseline").
void portable_gemm(const GemmArgs& args);
const char* portable_gemm_instructions();

}  // namespace soma::kernels
