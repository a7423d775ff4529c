// y += alpha x over float buffers: the update of a gradient by a contribution and of a
// parameter by its step. Large buffers go to the BLAS, which spreads them over its own
// threads (the one thread pool soma uses); small ones run a plain vectorised loop.
#pragma once

#include <cstdint>

namespace soma::kernels {

void axpy(int64_t count, float alpha, const float* x, float* y);

}  // namespace soma::kernels
