// kernels::gather_rows: every requested row copied in order (repeats included), rows longer
// than the part that is prefetched, gathers split over the threads giving the same result
// as one thread, and empty gathers touching nothing.
#include "soma/kernels/gather_rows.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "soma/kernels/threads.hpp"

namespace soma::kernels {
namespace {

// rows x row_size values, element (i, j) = 1000 i + j: each value names its row and column.
std::vector<float> numbered(int64_t rows, int64_t row_size) {
  std::vector<float> values(static_cast<size_t>(rows * row_size));
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < row_size; ++j) {
      values[static_cast<size_t>(i * row_size + j)] = static_cast<float>(1000 * i + j);
    }
  }
  return values;
}

void expect_gathered(const std::vector<float>& out, const std::vector<int64_t>& rows,
                     int64_t row_size) {
  ASSERT_EQ(out.size(), rows.size() * static_cast<size_t>(row_size));
  for (size_t i = 0; i < rows.size(); ++i) {
    for (int64_t j = 0; j < row_size; ++j) {
      ASSERT_EQ(out[i * static_cast<size_t>(row_size) + static_cast<size_t>(j)],
                static_cast<float>(1000 * rows[i] + j))
          << "output row " << i << ", column " << j;
    }
  }
}

TEST(GatherRows, CopiesTheRequestedRowsInOrder) {
  const std::vector<float> in = numbered(5, 3);
  const std::vector<int64_t> rows = {4, 0, 2, 0, 4};
  std::vector<float> out(rows.size() * 3, -1.0f);
  gather_rows(in.data(), 3, rows.data(), static_cast<int64_t>(rows.size()), out.data());
  expect_gathered(out, rows, 3);
}

// 1500 columns: more than the 1024 floats of a row that are prefetched ahead.
TEST(GatherRows, CopiesRowsLongerThanThePrefetchedPart) {
  const std::vector<float> in = numbered(7, 1500);
  const std::vector<int64_t> rows = {6, 1, 3, 3, 0, 5, 2};
  std::vector<float> out(rows.size() * 1500);
  gather_rows(in.data(), 1500, rows.data(), static_cast<int64_t>(rows.size()), out.data());
  expect_gathered(out, rows, 1500);
}

// A W2 batch: 128 rows of 784 floats, enough to be split over two threads.
TEST(GatherRows, OneAndTwoThreadsGatherTheSameRows) {
  const int previous = thread_count();
  const int64_t row_size = 784;
  const std::vector<float> in = numbered(300, row_size);
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < 128; ++i) rows.push_back((i * 37 + 11) % 300);
  for (const int threads : {1, 2}) {
    set_thread_count(threads);
    std::vector<float> out(rows.size() * static_cast<size_t>(row_size));
    gather_rows(in.data(), row_size, rows.data(), static_cast<int64_t>(rows.size()), out.data());
    expect_gathered(out, rows, row_size);
  }
  set_thread_count(previous);
}

TEST(GatherRows, EmptyGathersTouchNothing) {
  const std::vector<float> in = numbered(2, 4);
  std::vector<float> out = {7.0f};
  gather_rows(in.data(), 4, nullptr, 0, out.data());
  const std::vector<int64_t> rows = {1};
  gather_rows(in.data(), 0, rows.data(), 1, out.data());
  EXPECT_EQ(out[0], 7.0f);
}

}  // namespace
}  // namespace soma::kernels
