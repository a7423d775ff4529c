// The buffer pool: size classes, reuse of released blocks, alignment, the per-thread
// limit, and that large blocks are aligned to a huge page and advised to use huge pages.
// That tensors reuse their buffers through it is tests/tensor/storage_test.cpp.
#include "soma/core/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>
#include <thread>

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

// The VmFlags of the mapping in /proc/self/smaps that holds `address`; empty if none.
std::string mapping_flags(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto wanted = reinterpret_cast<uintptr_t>(address);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    // A mapping starts with "begin-end perms ...", both in hex; its lines follow.
    const size_t dash = line.find('-');
    const size_t space = line.find(' ');
    if (dash != std::string::npos && space != std::string::npos && dash < space &&
        line.find(':') > space) {
      const uintptr_t begin = std::stoull(line.substr(0, dash), nullptr, 16);
      const uintptr_t end = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
      inside = begin <= wanted && wanted < end;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line.substr(8) + " ";
    }
  }
  return "";
}

bool advised(const void* address) {
  return mapping_flags(address).find(" hg ") != std::string::npos;  // MADV_HUGEPAGE
}

// Runs where this build and kernel give large blocks their own huge-page mappings.
class BufferPoolHugePages : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!buffer_pool::enabled() ||
        !std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled") ||
        !std::filesystem::exists("/proc/self/smaps")) {
      GTEST_SKIP() << "a sanitizer build (every block from malloc) or no transparent huge pages";
    }
  }
};

TEST_F(BufferPoolHugePages, BlocksOfFourMebibytesAndMoreAreHugePageMappingsOfTheirOwn) {
  // 4 MiB + 1 byte and 7 MiB fall in the 5 and 7 MiB classes, rounded up to 6 and 8 MiB.
  buffer_pool::trim();
  for (size_t bytes : {(size_t{4} << 20) + 1, size_t{7} << 20, size_t{48} << 20}) {
    auto* block = static_cast<unsigned char*>(buffer_pool::acquire(bytes));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % (size_t{2} << 20), 0u) << bytes;
    std::memset(block, 0x5a, bytes);  // all of it usable
    EXPECT_TRUE(advised(block)) << bytes << ": " << mapping_flags(block);
    EXPECT_TRUE(advised(block + bytes - 1)) << bytes << ": " << mapping_flags(block + bytes - 1);
    buffer_pool::release(block, bytes);
  }
  EXPECT_EQ(buffer_pool::statistics().cached_bytes, (6 + 8 + 48) << 20);  // whole huge pages
  // Below them, from malloc.
  void* smaller = buffer_pool::acquire(size_t{3} << 20);
  EXPECT_FALSE(advised(smaller)) << mapping_flags(smaller);
  buffer_pool::release(smaller, size_t{3} << 20);
  buffer_pool::trim();
}

TEST_F(BufferPoolHugePages, TheAdviceEndsWithItsBlock) {
  // Large blocks given back first: had they come from malloc, it would now carve the next
  // large ones from its heap, where small blocks are carved too once those are freed.
  for (size_t bytes : {size_t{24} << 20, size_t{12} << 20}) {
    buffer_pool::release(buffer_pool::acquire(bytes), bytes);
  }
  buffer_pool::trim();
  const size_t dataset_bytes = size_t{8} << 20;  // a dataset's features
  void* large = buffer_pool::acquire(dataset_bytes);
  std::memset(large, 0, dataset_bytes);
  EXPECT_TRUE(advised(large)) << mapping_flags(large);
  buffer_pool::release(large, dataset_bytes);
  buffer_pool::trim();  // the block goes back to the system: its mapping with it
  EXPECT_FALSE(advised(large)) << mapping_flags(large);
  // Small blocks asked for afterwards, wherever malloc puts them, carry no advice.
  const size_t batch_bytes = size_t{128} * 784 * sizeof(float);  // 392 KiB
  for (int i = 0; i < 8; ++i) {
    void* batch = buffer_pool::acquire(batch_bytes);
    std::memset(batch, 0, batch_bytes);
    EXPECT_FALSE(advised(batch)) << mapping_flags(batch);
    buffer_pool::release(batch, batch_bytes);
  }
  buffer_pool::trim();
}

TEST(BufferPoolLimits, ARequestBeyondAnyMemoryThrowsBadAlloc) {
  // Its size class would overflow a size_t: refused before any arithmetic on it.
  EXPECT_THROW(buffer_pool::acquire(SIZE_MAX), std::bad_alloc);
  EXPECT_THROW(buffer_pool::acquire((size_t{1} << 62) + 1), std::bad_alloc);
}

}  // namespace
}  // namespace soma
