// kernels::axpy, y += alpha x, on short buffers (one loop) and long ones (split over the
// threads): every element right, and one thread and two give the same bits.
#include "soma/kernels/axpy.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "soma/kernels/threads.hpp"

namespace soma::kernels {
namespace {

std::vector<float> ramp(int64_t count, float scale) {
  std::vector<float> values(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    values[static_cast<size_t>(i)] = scale * static_cast<float>(i % 1000);
  return values;
}

TEST(Axpy, AddsAlphaTimesXToEveryElement) {
  for (const int64_t count :
       {int64_t{0}, int64_t{1}, int64_t{17}, int64_t{32767}, int64_t{32768}, int64_t{1'000'003}}) {
    const std::vector<float> x = ramp(count, 0.5f);
    std::vector<float> y = ramp(count, 0.25f);
    axpy(count, -2.0f, x.data(), y.data());
    for (int64_t i = 0; i < count; ++i) {
      const float expected =
          0.25f * static_cast<float>(i % 1000) - 2.0f * 0.5f * static_cast<float>(i % 1000);
      ASSERT_EQ(y[static_cast<size_t>(i)], expected) << "count " << count << ", element " << i;
    }
  }
}

TEST(Axpy, OneAndTwoThreadsGiveTheSameBits) {
  const int previous = thread_count();
  const int64_t count = 300'001;
  std::vector<float> x(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) x[static_cast<size_t>(i)] = 1.0f / static_cast<float>(i + 3);
  std::vector<std::vector<float>> results;
  for (const int threads : {1, 2}) {
    set_thread_count(threads);
    std::vector<float> y(static_cast<size_t>(count), 0.1f);
    axpy(count, 0.3f, x.data(), y.data());
    results.push_back(std::move(y));
  }
  set_thread_count(previous);
  EXPECT_EQ(results[0], results[1]);
}

}  // namespace
}  // namespace soma::kernels
