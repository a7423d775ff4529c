// How many threads soma's kernels may use. Today that is OpenBLAS's thread pool (matrix
// products); element-wise kernels are single-threaded. `soma bench --threads N` sets it.
#pragma once

namespace soma::kernels {

// Throws soma::Error unless count >= 1.
void set_thread_count(int count);
int thread_count();

}  // namespace soma::kernels
