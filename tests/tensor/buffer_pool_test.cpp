// The buffer pool: size classes, reuse of released blocks, alignment, the per-thread
// limit, and that tensors freed and made again in the same sizes reuse their memory.
#include "soma/tensor/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>

#include "soma/tensor/tensor.hpp"

namespace soma {
namespace {

class BufferPool : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!buffer_pool::enabled()) GTEST_SKIP() << "the pool is off under the sanitizers";
    buffer_pool::trim();
    buffer_pool::reset_statistics();
  }
};

TEST_F(BufferPool, AReleasedBlockIsHandedOutAgainForTheSameSize) {
  void* first = buffer_pool::acquire(1000);
  buffer_pool::release(first, 1000);
  void* second = buffer_pool::acquire(1000);
  EXPECT_EQ(second, first);
  const buffer_pool::Statistics counts = buffer_pool::statistics();
  EXPECT_EQ(counts.system_allocations, 1);
  EXPECT_EQ(counts.reuses, 1);
  buffer_pool::release(second, 1000);
}

TEST_F(BufferPool, SizesInOneClassShareBlocksAndOthersDoNot) {
  // 1000 and 1020 bytes both round to the 1024-byte class; 1100 is in the next (1280).
  void* block = buffer_pool::acquire(1000);
  buffer_pool::release(block, 1000);
  void* same_class = buffer_pool::acquire(1020);
  EXPECT_EQ(same_class, block);
  std::memset(same_class, 0xab, 1020);  // the whole request is usable
  buffer_pool::release(same_class, 1020);
  void* other_class = buffer_pool::acquire(1100);
  EXPECT_NE(other_class, block);
  std::memset(other_class, 0xcd, 1100);
  buffer_pool::release(other_class, 1100);
  EXPECT_EQ(buffer_pool::statistics().cached_bytes, 1024 + 1280);
}

TEST_F(BufferPool, BlocksAreAlignedToACacheLine) {
  for (size_t bytes :
       {size_t{0}, size_t{1}, size_t{63}, size_t{65}, size_t{4096 + 4}, size_t{3} << 20}) {
    void* block = buffer_pool::acquire(bytes);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % 64, 0u) << bytes;
    buffer_pool::release(block, bytes);
  }
}

TEST_F(BufferPool, TrimFreesWhatIsCached) {
  buffer_pool::release(buffer_pool::acquire(5000), 5000);
  EXPECT_GT(buffer_pool::statistics().cached_bytes, 0);
  buffer_pool::trim();
  EXPECT_EQ(buffer_pool::statistics().cached_bytes, 0);
}

TEST_F(BufferPool, EachThreadHasItsOwnPool) {
  void* block = buffer_pool::acquire(2000);
  buffer_pool::release(block, 2000);
  void* on_other_thread = nullptr;
  std::thread([&] {
    on_other_thread = buffer_pool::acquire(2000);
    buffer_pool::release(on_other_thread, 2000);  // freed when that thread's pool goes
  }).join();
  EXPECT_NE(on_other_thread, nullptr);
  EXPECT_EQ(buffer_pool::statistics().cached_bytes, 2048);
}

TEST_F(BufferPool, TensorsMadeAgainInTheSameSizesAskTheSystemForNothing) {
  for (int round = 0; round < 2; ++round) {
    if (round == 1) buffer_pool::reset_statistics();
    const Tensor a = zeros({32, 16});
    const Tensor b = ones({128, 256});
    EXPECT_EQ(a.numel() + b.numel(), 32 * 16 + 128 * 256);
  }
  EXPECT_EQ(buffer_pool::statistics().system_allocations, 0);
  EXPECT_EQ(buffer_pool::statistics().reuses, 2);
}

}  // namespace
}  // namespace soma
