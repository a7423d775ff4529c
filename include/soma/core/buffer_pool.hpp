// Reuse of tensor buffers: a training step allocates the same sizes every time, so freed
// buffers kept per thread make a steady-state step ask the system for no tensor memory.
// Sanitizer builds bypass the pool so that AddressSanitizer sees every use after free.
#pragma once

#include <cstddef>
#include <cstdint>

namespace soma::buffer_pool {

// A 64-byte aligned block of at least `bytes` bytes (from 4 MiB blocks, on Linux, a mapping
// in whole 2 MiB huge pages). Throws std::bad_alloc, also for a request above 2^62 bytes.
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
