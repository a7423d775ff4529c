// kernels::fill on short and long buffers (split over the threads), and only inside the
// range it is given.
#include "soma/kernels/fill.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "soma/kernels/threads.hpp"

namespace soma::kernels {
namespace {

TEST(Fill, SetsEveryElementOfTheRangeAndNothingElse) {
  const int previous = thread_count();
  for (const int threads : {1, 2, 3}) {
    set_thread_count(threads);
    for (const int64_t count :
         {int64_t{0}, int64_t{5}, int64_t{131071}, int64_t{131072}, int64_t{1'000'001}}) {
      std::vector<float> buffer(static_cast<size_t>(count + 2), 7.0f);
      fill(count, -1.5f, buffer.data() + 1);
      EXPECT_EQ(buffer.front(), 7.0f);
      EXPECT_EQ(buffer.back(), 7.0f);
      for (int64_t i = 1; i <= count; ++i) {
        ASSERT_EQ(buffer[static_cast<size_t>(i)], -1.5f)
            << count << " elements, " << threads << " threads";
      }
    }
  }
  set_thread_count(previous);
}

}  // namespace
}  // namespace soma::kernels
