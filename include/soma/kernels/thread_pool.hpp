// soma's one thread pool. Work is split into as many contiguous parts as there are
// threads, the same split for the same thread count, so results do not depend on timing.
// The caller runs the first part itself; workers spin briefly between jobs (a batch-1
// forward pass is a few microseconds, less than waking a sleeping thread takes) and then
// sleep. OpenBLAS is kept to one thread: soma splits the products itself, so that two
// pools never compete for the same cores.
#pragma once

#include <cstdint>
#include <type_traits>

namespace soma::kernels {

// body(part, begin, end) for each part of [0, count): parts run concurrently, each on
// its own thread. With one thread, a count below `minimum_per_part` * 2, or when called
// from inside a part (or while another thread of the program uses the pool, or in the
// child of a fork), everything runs as one part on the calling thread. If a part throws,
// the first exception is rethrown to the caller after every part has finished.
using PartFn = void (*)(void* context, int part, int64_t begin, int64_t end);
void parallel_for(int64_t count, int64_t minimum_per_part, PartFn body, void* context);

// The same with any callable taking (int64_t begin, int64_t end). A count below twice the
// minimum is one part, called directly: short loops skip the pool's bookkeeping.
template <class Body>
void parallel_for(int64_t count, int64_t minimum_per_part, Body&& body) {
  if (count < 2 * minimum_per_part) {
    body(int64_t{0}, count);
    return;
  }
  parallel_for(
      count, minimum_per_part,
      [](void* context, int, int64_t begin, int64_t end) {
        (*static_cast<std::remove_reference_t<Body>*>(context))(begin, end);
      },
      const_cast<void*>(static_cast<const void*>(&body)));
}

// The number of parts parallel_for would use for `count` items now.
int parts_for(int64_t count, int64_t minimum_per_part);

}  // namespace soma::kernels
