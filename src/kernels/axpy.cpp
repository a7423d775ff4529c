// axpy: a loop below the size where OpenBLAS would use more than one thread (it keeps to
// one up to 10,000 elements), cblas_saxpy above it, in chunks that fit its int counts.
#include "soma/kernels/axpy.hpp"

#include <cblas.h>

#include <algorithm>
#include <climits>

#include "soma/kernels/blas_core.hpp"

namespace soma::kernels {

namespace {
constexpr int64_t blas_threshold = 16384;
}

void axpy(int64_t count, float alpha, const float* x, float* y) {
  if (count < blas_threshold) {
    const float* __restrict in = x;
    float* __restrict out = y;
    for (int64_t i = 0; i < count; ++i) out[i] += alpha * in[i];
    return;
  }
  blas_core_choice();
  for (int64_t start = 0; start < count; start += INT_MAX) {
    const auto chunk = static_cast<blasint>(std::min<int64_t>(INT_MAX, count - start));
    cblas_saxpy(chunk, alpha, x + start, 1, y + start, 1);
  }
}

}  // namespace soma::kernels
