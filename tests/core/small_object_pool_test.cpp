// The small-object pool: a freed block is handed out again for a request of its size class,
// blocks are usable to the class size and aligned for any object, large requests bypass
// it, blocks may be freed on another thread, and shared_ptrs made on it behave normally.
#include "soma/core/small_object_pool.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "soma/core/sanitizer.hpp"

namespace soma {
namespace {

TEST(SmallObjectPool, AFreedBlockIsReusedWithinItsSizeClass) {
  if (built_with_address_sanitizer) GTEST_SKIP() << "the pool is off under the sanitizers";
  void* first = small_object_pool::allocate(40);  // the 33..48-byte class
  small_object_pool::deallocate(first, 40);
  void* same_class = small_object_pool::allocate(48);
  EXPECT_EQ(same_class, first);
  std::memset(same_class, 0x5a, 48);  // the whole class size is usable
  small_object_pool::deallocate(same_class, 48);
  void* other_class = small_object_pool::allocate(56);
  EXPECT_NE(other_class, first);
  small_object_pool::deallocate(other_class, 56);
}

TEST(SmallObjectPool, BlocksAreAlignedForAnyObjectAndLargeOnesBypassThePool) {
  for (size_t bytes :
       {size_t{1}, size_t{16}, size_t{17}, size_t{200}, size_t{256}, size_t{257}, size_t{4096}}) {
    void* block = small_object_pool::allocate(bytes);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % alignof(std::max_align_t), 0u) << bytes;
    std::memset(block, 0, bytes);
    small_object_pool::deallocate(block, bytes);
  }
}

TEST(SmallObjectPool, ABlockMayBeFreedOnAnotherThread) {
  void* block = small_object_pool::allocate(64);
  std::thread([block] { small_object_pool::deallocate(block, 64); }).join();
  // The other thread's lists (holding the block) were freed when it ended; this thread's
  // pool still works.
  void* again = small_object_pool::allocate(64);
  EXPECT_NE(again, nullptr);
  small_object_pool::deallocate(again, 64);
}

TEST(SmallObjectPool, SharedPointersMadeOnThePoolWork) {
  std::weak_ptr<std::string> watch;
  {
    const auto text = small_object_pool::make_shared<std::string>(100, 'x');
    watch = text;
    const auto copy = text;  // a second owner
    EXPECT_EQ(text.use_count(), 2);
    EXPECT_EQ(copy->size(), 100u);
  }
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace soma
