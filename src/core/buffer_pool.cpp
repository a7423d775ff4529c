// A per-thread cache of freed tensor buffers, by size class: four classes per power of
// two (at most 25% over the request), 64-byte aligned, at most `cache_limit` bytes kept.
// On Linux, blocks of 4 MiB and more are mappings of their own, on huge pages.
#include "soma/core/buffer_pool.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include "soma/core/sanitizer.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace soma::buffer_pool {

namespace {

constexpr size_t alignment = 64;
// Kept per thread: enough for the temporaries of a step of a 25 M-parameter network
// (several 64 MiB gradients), small against the memory such a network needs anyway.
constexpr size_t cache_limit = size_t{1} << 30;
constexpr size_t largest_cached_block = size_t{256} << 20;
constexpr size_t largest_request = size_t{1} << 62;

constexpr bool pool_enabled = !built_with_address_sanitizer;

// A batch gathered from a large dataset reads rows scattered over all of it: with 4 KiB
// pages nearly every row misses the TLB. Linux's transparent huge pages in mode "madvise"
// (a common default) go only to memory that asks, so a large block is a mapping of its own
// (advice to malloc's heap would outlive the block), aligned to a 2 MiB huge page (x86-64,
// arm64 with 4 KiB pages) and advised to use them. Sanitizer builds use malloc, checked.
#if defined(__linux__) && defined(MADV_HUGEPAGE)
constexpr bool large_blocks_mapped = pool_enabled;
#else
constexpr bool large_blocks_mapped = false;
#endif
constexpr size_t huge_page_bytes = size_t{2} << 20;
constexpr size_t smallest_mapped_block = 2 * huge_page_bytes;

bool is_mapped(size_t block_bytes) {
  return large_blocks_mapped && block_bytes >= smallest_mapped_block;
}

// Size class of a request, and the block size that class allocates: 64 bytes and up,
// then 2^e, 1.25 2^e, 1.5 2^e, 1.75 2^e; a mapped block rounded up to whole huge pages.
struct SizeClass {
  size_t index = 0;
  size_t block_bytes = 0;
};

// The block size of class `index` (= exponent * 4 + steps, steps 1..4; 0 for 64 bytes).
size_t class_block_bytes(size_t index) {
  if (index == 0) return alignment;
  const size_t exponent = (index - 1) / 4;
  const size_t steps = index - exponent * 4;
  const size_t block = (size_t{1} << exponent) + steps * ((size_t{1} << exponent) / 4);
  const size_t granule = is_mapped(block) ? huge_page_bytes : alignment;
  return (block + granule - 1) / granule * granule;
}

SizeClass size_class(size_t bytes) {
  if (bytes <= alignment) return {0, alignment};
  const size_t exponent = std::bit_width(bytes - 1) - 1;  // 2^exponent < bytes <= 2^(e+1)
  const size_t quarter = (size_t{1} << exponent) / 4;
  const size_t steps = (bytes - (size_t{1} << exponent) + quarter - 1) / quarter;  // 1..4
  const size_t index = exponent * 4 + steps;
  return {index, class_block_bytes(index)};
}

void* system_allocate(size_t block_bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (is_mapped(block_bytes)) {
    // One huge page more than needed, then the unaligned head and the rest of the tail
    // given back: what remains starts and ends on a huge-page boundary.
    void* mapped = mmap(nullptr, block_bytes + huge_page_bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<uintptr_t>(mapped);
    const uintptr_t aligned = (start + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
    const size_t head = aligned - start;  // a multiple of the page size, below a huge page
    if (head > 0) munmap(mapped, head);
    munmap(reinterpret_cast<void*>(aligned + block_bytes), huge_page_bytes - head);
    void* block = reinterpret_cast<void*>(aligned);
    madvise(block, block_bytes, MADV_HUGEPAGE);  // advice: without huge pages it still works
    return block;
  }
#endif
  void* block = std::aligned_alloc(alignment, block_bytes);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

void system_free(void* block, size_t block_bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (is_mapped(block_bytes)) {
    munmap(block, block_bytes);
    return;
  }
#endif
  std::free(block);
}

constexpr size_t class_count = 64 * 4 + 5;

struct Pool {
  std::array<std::vector<void*>, class_count> free_blocks;
  size_t cached_bytes = 0;
  Statistics counts;

  void trim() noexcept {
    for (size_t index = 0; index < free_blocks.size(); ++index) {
      for (void* block : free_blocks[index]) system_free(block, class_block_bytes(index));
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
    system_free(block, size.block_bytes);
    return;
  }
  Pool& pool = this_thread_pool();
  if (pool.cached_bytes + size.block_bytes > cache_limit) {
    system_free(block, size.block_bytes);
    return;
  }
  std::vector<void*>& blocks = pool.free_blocks[size.index];
  try {
    blocks.push_back(block);
  } catch (const std::bad_alloc&) {
    system_free(block, size.block_bytes);  // no room to remember it: give it back instead
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
