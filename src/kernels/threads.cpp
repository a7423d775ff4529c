// The kernels' thread count, on OpenBLAS's own setter and getter.
#include "soma/kernels/threads.hpp"

#include <cblas.h>

#include <string>

#include "soma/core/error.hpp"

namespace soma::kernels {

void set_thread_count(int count) {
  if (count < 1) {
    throw Error("set_thread_count: the thread count must be at least 1, got " +
                std::to_string(count));
  }
  openblas_set_num_threads(count);
}

int thread_count() {
  return openblas_get_num_threads();
}

}  // namespace soma::kernels
