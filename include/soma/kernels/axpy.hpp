// y += alpha x over float buffers: the update of a gradient by a contribution and of a
// parameter by its step. Long buffers are split over soma's thread pool.
#pragma once

#include <cstdint>

namespace soma::kernels {

void axpy(int64_t count, float alpha, const float* x, float* y);

}  // namespace soma::kernels
