// Recycling of the small objects every operation makes: a tensor's handle, its storage
// record and a graph node, each with its shared_ptr control block. A training step makes
// and frees dozens of each; per-thread free lists by size class hand them out again
// without the general allocator. Sanitizer builds bypass the lists so that
// AddressSanitizer still sees every use after free.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

namespace soma::small_object_pool {

// Blocks of up to `largest` bytes are recycled; larger ones go to operator new.
inline constexpr size_t largest = 256;

void* allocate(size_t bytes);
void deallocate(void* block, size_t bytes) noexcept;

// A standard allocator on the pool, for std::allocate_shared.
template <class T>
struct Allocator {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                "the pool's blocks have operator new's default alignment");
  using value_type = T;
  Allocator() = default;
  template <class U>
  explicit Allocator(const Allocator<U>&) noexcept {}
  T* allocate(size_t count) {
    return static_cast<T*>(small_object_pool::allocate(count * sizeof(T)));
  }
  void deallocate(T* block, size_t count) noexcept {
    small_object_pool::deallocate(block, count * sizeof(T));
  }
  template <class U>
  bool operator==(const Allocator<U>&) const noexcept {
    return true;
  }
};

// std::make_shared<T>(arguments...) with object and control block from the pool.
template <class T, class... Arguments>
std::shared_ptr<T> make_shared(Arguments&&... arguments) {
  return std::allocate_shared<T>(Allocator<T>(), std::forward<Arguments>(arguments)...);
}

}  // namespace soma::small_object_pool
