// axpy: one vectorised loop, split over soma's threads when the buffer is long enough for
// the split to pay (each part still adds the same elements in the same way).
#include "soma/kernels/axpy.hpp"

#include "soma/kernels/thread_pool.hpp"

namespace soma::kernels {

namespace {

// Elements per part below which one thread does the whole loop.
constexpr int64_t minimum_per_part = 16384;

void axpy_range(float alpha, const float* x, float* y, int64_t begin, int64_t end) {
  const float* __restrict in = x;
  float* __restrict out = y;
  for (int64_t i = begin; i < end; ++i) out[i] += alpha * in[i];
}

}  // namespace

void axpy(int64_t count, float alpha, const float* x, float* y) {
  parallel_for(count, minimum_per_part,
               [=](int64_t begin, int64_t end) { axpy_range(alpha, x, y, begin, end); });
}

}  // namespace soma::kernels
