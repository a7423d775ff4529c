// fill: std::fill_n per part, one part per thread for long buffers.
#include "soma/kernels/fill.hpp"

#include <algorithm>

#include "soma/kernels/thread_pool.hpp"

namespace soma::kernels {

namespace {
// Elements per part below which one thread does the whole buffer.
constexpr int64_t minimum_per_part = 65536;
}  // namespace

void fill(int64_t count, float value, float* out) {
  parallel_for(count, minimum_per_part,
               [=](int64_t begin, int64_t end) { std::fill_n(out + begin, end - begin, value); });
}

}  // namespace soma::kernels
