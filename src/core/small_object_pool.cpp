// Per-thread free lists, one per 16-byte size class up to `largest`, each block a separate
// operator new allocation: a block freed on another thread than the one that made it joins
// that thread's list, and a thread's lists are freed when it ends. At most `kept_per_class`
// blocks wait in a list; more go back to operator delete.
#include "soma/core/small_object_pool.hpp"

#include <array>
#include <new>

#include "soma/core/sanitizer.hpp"

namespace soma::small_object_pool {

namespace {

constexpr size_t granule = 16;
constexpr size_t class_count = largest / granule;
constexpr size_t kept_per_class = 4096;

constexpr bool pool_enabled = !built_with_address_sanitizer;

// A free block holds the link to the next one.
struct FreeBlock {
  FreeBlock* next;
};

struct Lists {
  std::array<FreeBlock*, class_count> heads{};
  std::array<size_t, class_count> counts{};
  ~Lists();
};

// After this thread's lists are gone (thread exit, or static destruction at program end),
// blocks go straight back to operator delete. A plain bool: it outlives the lists.
thread_local bool lists_gone = false;

Lists::~Lists() {
  for (FreeBlock*& head : heads) {
    while (head != nullptr) {
      FreeBlock* next = head->next;
      ::operator delete(head);
      head = next;
    }
  }
  lists_gone = true;
}

Lists& this_thread_lists() {
  thread_local Lists lists;
  return lists;
}

size_t class_of(size_t bytes) {
  return (bytes + granule - 1) / granule - 1;  // 1..16 -> 0, 17..32 -> 1, ...
}

}  // namespace

void* allocate(size_t bytes) {
  if (!pool_enabled || bytes == 0 || bytes > largest) return ::operator new(bytes);
  const size_t size_class = class_of(bytes);
  // Always the whole class: the block may be freed on a thread whose lists still exist and
  // handed out there for any request of its class.
  if (lists_gone) return ::operator new((size_class + 1) * granule);
  Lists& lists = this_thread_lists();
  FreeBlock* block = lists.heads[size_class];
  if (block == nullptr) return ::operator new((size_class + 1) * granule);
  lists.heads[size_class] = block->next;
  --lists.counts[size_class];
  return block;
}

void deallocate(void* block, size_t bytes) noexcept {
  if (block == nullptr) return;
  if (!pool_enabled || bytes == 0 || bytes > largest || lists_gone) {
    ::operator delete(block);
    return;
  }
  const size_t size_class = class_of(bytes);
  Lists& lists = this_thread_lists();
  if (lists.counts[size_class] >= kept_per_class) {
    ::operator delete(block);
    return;
  }
  auto* free_block = static_cast<FreeBlock*>(block);
  free_block->next = lists.heads[size_class];
  lists.heads[size_class] = free_block;
  ++lists.counts[size_class];
}

}  // namespace soma::small_object_pool
