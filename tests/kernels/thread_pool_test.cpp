// soma's thread pool: every index is run exactly once, the split depends only on the
// thread count, nested and concurrent calls run inline instead of waiting on each other,
// and the thread count can be changed; without threads, everything runs on the caller.
#include "soma/kernels/thread_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/kernels/threads.hpp"

namespace soma::kernels {
namespace {

// Restores the thread count a test changes. A build without threads (SOMA_THREADS=OFF)
// has no pool threads to test: ThreadPoolWithoutThreadsTest below checks that build.
class ThreadPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_thread_count(2);
    if (thread_count() == 1) GTEST_SKIP() << "this build has no pool threads (SOMA_THREADS=OFF)";
  }
  void TearDown() override { set_thread_count(initial_); }
  const int initial_ = thread_count();
};

std::vector<std::pair<int64_t, int64_t>> parts_of(int64_t count, int64_t minimum_per_part) {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> parts;
  parallel_for(count, minimum_per_part, [&](int64_t begin, int64_t end) {
    std::lock_guard lock(mutex);
    parts.emplace_back(begin, end);
  });
  std::sort(parts.begin(), parts.end());
  return parts;
}

TEST_F(ThreadPoolTest, EveryIndexRunsExactlyOnce) {
  for (const int threads : {1, 2, 3, 5}) {
    set_thread_count(threads);
    std::vector<std::atomic<int>> runs(10'007);
    parallel_for(static_cast<int64_t>(runs.size()), 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) runs[static_cast<size_t>(i)].fetch_add(1);
    });
    for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << i;
  }
}

// A named callable, const or not, is accepted as well as a temporary one.
TEST_F(ThreadPoolTest, TakesANamedCallable) {
  set_thread_count(2);
  std::vector<std::atomic<int>> runs(100);
  const auto count_runs = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) runs[static_cast<size_t>(i)].fetch_add(1);
  };
  parallel_for(static_cast<int64_t>(runs.size()), 1, count_runs);
  auto count_again = count_runs;
  parallel_for(static_cast<int64_t>(runs.size()), 1, count_again);
  for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 2) << i;
}

TEST_F(ThreadPoolTest, ThePartsAreContiguousEvenAndFixedByTheThreadCount) {
  set_thread_count(3);
  const auto parts = parts_of(10, 1);
  EXPECT_EQ(parts, (std::vector<std::pair<int64_t, int64_t>>{{0, 3}, {3, 6}, {6, 10}}));
  for (int run = 0; run < 50; ++run) ASSERT_EQ(parts_of(10, 1), parts);
  EXPECT_EQ(parts_for(10, 1), 3);
}

TEST_F(ThreadPoolTest, SmallCountsRunAsOnePart) {
  set_thread_count(4);
  EXPECT_EQ(parts_of(99, 100), (std::vector<std::pair<int64_t, int64_t>>{{0, 99}}));
  EXPECT_EQ(parts_for(250, 100), 2);  // two parts of at least 100
  EXPECT_EQ(parts_of(0, 1), (std::vector<std::pair<int64_t, int64_t>>{{0, 0}}));
}

TEST_F(ThreadPoolTest, ACallInsideAPartRunsInline) {
  set_thread_count(2);
  std::atomic<int> inner_parts{0};
  parallel_for(2, 1, [&](int64_t, int64_t) {
    EXPECT_EQ(parts_for(1000, 1), 1);
    parallel_for(1000, 1, [&](int64_t begin, int64_t end) {
      EXPECT_EQ(begin, 0);
      EXPECT_EQ(end, 1000);
      inner_parts.fetch_add(1);
    });
  });
  EXPECT_EQ(inner_parts.load(), 2);
}

TEST_F(ThreadPoolTest, ProgramThreadsCanCallItAtOnce) {
  set_thread_count(2);
  std::atomic<int64_t> total{0};
  std::vector<std::thread> callers;
  for (int caller = 0; caller < 4; ++caller) {
    callers.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        parallel_for(1000, 1, [&](int64_t begin, int64_t end) { total.fetch_add(end - begin); });
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(total.load(), 4 * 200 * 1000);
}

TEST_F(ThreadPoolTest, TheThreadCountCanBeChangedAndMustBePositive) {
  set_thread_count(1);
  EXPECT_EQ(thread_count(), 1);
  EXPECT_EQ(parts_for(1000, 1), 1);
  set_thread_count(4);
  EXPECT_EQ(thread_count(), 4);
  EXPECT_EQ(parts_of(8, 1).size(), 4u);
  EXPECT_THROW(set_thread_count(0), Error);
  EXPECT_EQ(thread_count(), 4);
}

TEST_F(ThreadPoolTest, AnExceptionInAPartReachesTheCallerAfterEveryPartEnds) {
  set_thread_count(2);
  std::atomic<int> finished{0};
  EXPECT_THROW(parallel_for(2, 1,
                            [&](int64_t begin, int64_t) {
                              if (begin == 1) throw Error("part 1 failed");
                              finished.fetch_add(1);
                            }),
               Error);
  EXPECT_EQ(finished.load(), 1);
  // The pool still works, on both threads.
  EXPECT_EQ(parts_of(10, 1).size(), 2u);
}

TEST_F(ThreadPoolTest, TheThreadCountCannotChangeFromInsideAPart) {
  set_thread_count(2);
  std::atomic<int> refused{0};
  parallel_for(2, 1, [&](int64_t, int64_t) {
    try {
      set_thread_count(1);
    } catch (const Error&) {
      refused.fetch_add(1);
    }
  });
  EXPECT_EQ(refused.load(), 2);
  EXPECT_EQ(thread_count(), 2);
}

// Built without threads (SOMA_THREADS=OFF): whatever count is asked for, the pool keeps the
// caller alone and runs everything as one part on it; the count must still be positive and
// cannot change from inside a part.
TEST(ThreadPoolWithoutThreadsTest, RunsEverythingOnTheCaller) {
  const int initial = thread_count();
  set_thread_count(4);
  const int started = thread_count();
  set_thread_count(initial);
  if (started > 1) GTEST_SKIP() << "this build has pool threads";
  EXPECT_EQ(started, 1);
  EXPECT_EQ(parts_for(1000, 1), 1);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<std::pair<int64_t, int64_t>> parts;
  int refused = 0;
  parallel_for(10, 1, [&](int64_t begin, int64_t end) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    parts.emplace_back(begin, end);
    try {
      set_thread_count(1);
    } catch (const Error&) {
      ++refused;
    }
  });
  EXPECT_EQ(parts, (std::vector<std::pair<int64_t, int64_t>>{{0, 10}}));
  EXPECT_EQ(refused, 1);
  EXPECT_THROW(set_thread_count(0), Error);
}

}  // namespace
}  // namespace soma::kernels
