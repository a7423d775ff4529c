// A per-thread cache of freed tensor buffers, by size class: four classes per power of
// two (at most 25% over the request), 64-byte aligned, at most `cache_limit` bytes kept.
// Blocks of 4 MiB and more are aligned to 2 MiB and asked to be backed by huge pages.
#include "soma/tensor/buffer_pool.hpp"

#include <array>
#include <bit>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "soma/core/sanitizer.hpp"

namespace soma::buffer_pool {

namespace {

constexpr size_t alignment = 64;
// Kept per thread: enough for the temporaries of a step of a 25 M-parameter network
// (several 64 MiB gradients), small against the memory such a network needs anyway.
constexpr size_t cache_limit = size_t{1} << 30;
constexpr size_t largest_cached_block = size_t{256} << 20;
constexpr size_t largest_request = size_t{1} << 62;

constexpr bool pool_enabled = !built_with_address_sanitizer;

// Size class of a request, and the block size that class allocates: 64 bytes and up,
// then 2^e, 1.25 2^e, 1.5 2^e, 1.75 2^e.
struct SizeClass {
  size_t index = 0;
  size_t block_bytes = 0;
};

SizeClass size_class(size_t bytes) {
  if (bytes <= alignment) return {0, alignment};
  const size_t exponent = std::bit_width(bytes - 1) - 1;  // 2^exponent < bytes <= 2^(e+1)
  const size_t quarter = (size_t{1} << exponent) / 4;
  const size_t steps = (bytes - (size_t{1} << exponent) + quarter - 1) / quarter;  // 1..4
  const size_t block = (size_t{1} << exponent) + steps * quarter;
  return {exponent * 4 + steps, (block + alignment - 1) / alignment * alignment};
}

constexpr size_t class_count = 64 * 4 + 5;

struct Pool {
  std::array<std::vector<void*>, class_count> free_blocks;
  size_t cached_bytes = 0;
  Statistics counts;

  void trim() noexcept {
    for (size_t index = 0; index < free_blocks.size(); ++index) {
      for (void* block : free_blocks[index]) std::free(block);
      free_blocks[index].clear();
    }
    cached_bytes = 0;
  }
  ~Pool();
};

// After a thread's pool is destroyed (thread exit, or static destruction at program end)
// blocks are freed directly. A plain bool: it outlives the pool object.
thread_local bool pool_gone = false;

Pool::~Pool() {
  trim();
  pool_gone = true;
}

Pool& this_thread_pool() {
  thread_local Pool pool;
  return pool;
}

// A minibatch gathered from a large dataset reads rows scattered over all of it: with
// 4 KiB pages nearly every row misses the TLB, and under a hypervisor each miss walks two
// page tables. Linux gives huge pages only to memory that asks when transparent huge
// pages are in "madvise" mode (a common default), so a large block asks for them itself.
// Only touched pages become resident, as with small pages, bar a partial last one.
constexpr size_t huge_page_bytes = size_t{2} << 20;
constexpr size_t smallest_huge_page_block = 2 * huge_page_bytes;

void* system_allocate(size_t block_bytes) {
  if (block_bytes < smallest_huge_page_block) {
    void* block = std::aligned_alloc(alignment, block_bytes);
    if (block == nullptr) throw std::bad_alloc();
    return block;
  }
  const size_t rounded = (block_bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  void* block = std::aligned_alloc(huge_page_bytes, rounded);
  if (block == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Advice only: where huge pages are off or unsupported the block works as it is.
  madvise(block, rounded, MADV_HUGEPAGE);
#endif
  return block;
}

}  // namespace

void* acquire(size_t bytes) {
  // Beyond any machine's memory; larger still, a size class or its rounding to huge pages
  // would overflow.
  if (bytes > largest_request) throw std::bad_alloc();
  const SizeClass size = size_class(bytes);
  if (!pool_enabled || pool_gone) return system_allocate(size.block_bytes);
  Pool& pool = this_thread_pool();
  std::vector<void*>& blocks = pool.free_blocks[size.index];
  if (!blocks.empty()) {
    void* block = blocks.back();
    blocks.pop_back();
    pool.cached_bytes -= size.block_bytes;
    ++pool.counts.reuses;
    return block;
  }
  ++pool.counts.system_allocations;
  return system_allocate(size.block_bytes);
}

void release(void* block, size_t bytes) noexcept {
  if (block == nullptr) return;
  const SizeClass size = size_class(bytes);
  if (!pool_enabled || pool_gone || size.block_bytes > largest_cached_block) {
    std::free(block);
    return;
  }
  Pool& pool = this_thread_pool();
  if (pool.cached_bytes + size.block_bytes > cache_limit) {
    std::free(block);
    return;
  }
  std::vector<void*>& blocks = pool.free_blocks[size.index];
  try {
    blocks.push_back(block);
  } catch (const std::bad_alloc&) {
    std::free(block);  // no room to remember it: give it back instead
    return;
  }
  pool.cached_bytes += size.block_bytes;
}

Statistics statistics() {
  if (!pool_enabled || pool_gone) return {};
  Statistics result = this_thread_pool().counts;
  result.cached_bytes = static_cast<int64_t>(this_thread_pool().cached_bytes);
  return result;
}

void reset_statistics() {
  if (pool_enabled && !pool_gone) this_thread_pool().counts = {};
}

void trim() {
  if (pool_enabled && !pool_gone) this_thread_pool().trim();
}

bool enabled() {
  return pool_enabled;
}

}  // namespace soma::buffer_pool
