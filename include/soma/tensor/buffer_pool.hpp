// Reuse of tensor buffers. A training step frees and allocates the same sizes every time
// (activations, gradients, temporaries); keeping freed buffers per thread and handing
// them out again makes a steady-state step ask the system for no tensor memory at all,
// and saves the page faults of fresh large buffers. Sanitizer builds bypass the pool so
// that AddressSanitizer still sees every use after free.
#pragma once

#include <cstddef>
#include <cstdint>

namespace soma::buffer_pool {

// A 64-byte aligned block of at least `bytes` bytes. Above 3.5 MiB (a 4 MiB block or more)
// it is, on Linux and outside sanitizer builds, a mapping of its own in whole 2 MiB pages,
// advised to use transparent huge pages. Throws std::bad_alloc, also for a request above
// 2^62 bytes.
void* acquire(size_t bytes);
// Gives a block from acquire(bytes) back; it is kept for reuse while this thread's pool
// holds less than its limit, otherwise freed.
void release(void* block, size_t bytes) noexcept;

struct Statistics {
  int64_t system_allocations = 0;  // blocks this thread asked the system for
  int64_t reuses = 0;              // acquires this thread served from its pool
  int64_t cached_bytes = 0;        // bytes this thread's pool holds now
};
// This thread's counts since it started (or since reset_statistics).
Statistics statistics();
void reset_statistics();

// Frees every block this thread's pool holds.
void trim();

// Whether the pool is in use in this build (false under the sanitizers).
bool enabled();

}  // namespace soma::buffer_pool
