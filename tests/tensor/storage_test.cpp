// Storage: its buffers come from the buffer pool, so tensors made again in the sizes of
// ones just freed (a training step's temporaries) ask the system for no memory.
#include "soma/tensor/storage.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "soma/core/buffer_pool.hpp"
#include "soma/core/error.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma {
namespace {

TEST(Storage, TensorsMadeAgainInTheSameSizesAskTheSystemForNothing) {
  if (!buffer_pool::enabled()) GTEST_SKIP() << "the pool is off under the sanitizers";
  buffer_pool::trim();
  for (int round = 0; round < 2; ++round) {
    if (round == 1) buffer_pool::reset_statistics();
    const Tensor a = zeros({32, 16});
    const Tensor b = ones({128, 256});
    EXPECT_EQ(a.numel() + b.numel(), 32 * 16 + 128 * 256);
  }
  EXPECT_EQ(buffer_pool::statistics().system_allocations, 0);
  EXPECT_EQ(buffer_pool::statistics().reuses, 2);
}

TEST(Storage, BuffersAreAlignedToACacheLine) {
  for (int64_t size : {0, 1, 3, 17, 1000, 100000}) {  // 0 too: data() is never null
    const Storage storage(size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(storage.data()) % 64, 0u) << size;
    EXPECT_EQ(storage.size(), size);
  }
}

TEST(Storage, ANegativeSizeIsRefusedByName) {
  try {
    const Storage storage(-3);
    FAIL() << "a negative size was accepted";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "storage: negative size -3");
  }
}

}  // namespace
}  // namespace soma
