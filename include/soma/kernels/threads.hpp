// How many threads soma's kernels use: the size of soma's one thread pool
// (kernels/thread_pool.hpp), which splits matrix products and long element-wise loops.
// It starts at the number of cores the process may run on; `soma bench --threads N` sets it.
#pragma once

namespace soma::kernels {

// Throws soma::Error unless count >= 1, or when called from inside a parallel part. Waits
// for a job another thread of the program is running. If the system refuses to start
// that many threads, the pool keeps those it could start (thread_count() says how many).
void set_thread_count(int count);
int thread_count();

}  // namespace soma::kernels
