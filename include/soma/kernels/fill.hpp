// out[0..count) = value: zeroing gradients between steps. Long buffers are split over
// soma's thread pool (a 4096 x 4096 gradient is 64 MiB, a memory-bound pass).
#pragma once

#include <cstdint>

namespace soma::kernels {

void fill(int64_t count, float value, float* out);

}  // namespace soma::kernels
