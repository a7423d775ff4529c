// gather_rows: memcpy per row, with the rows ahead prefetched, split over the threads.
#include "soma/kernels/gather_rows.hpp"

#include <algorithm>
#include <cstring>

#include "soma/kernels/thread_pool.hpp"

namespace soma::kernels {

namespace {

// Floats per part below which one thread gathers everything (128 KiB).
constexpr int64_t minimum_floats_per_part = 32 * 1024;
// How far ahead rows are requested, and how much of each: the hardware's prefetcher
// follows a row once its first lines have arrived.
constexpr int64_t rows_ahead = 2;
constexpr int64_t cache_line_floats = 16;
constexpr int64_t most_prefetched_floats = 1024;

void prefetch_row(const float* row, int64_t row_size) {
  const int64_t floats = std::min(row_size, most_prefetched_floats);
  for (int64_t offset = 0; offset < floats; offset += cache_line_floats) {
    __builtin_prefetch(row + offset, 0, 3);
  }
}

void gather_range(const float* in, int64_t row_size, const int64_t* rows, float* out, int64_t begin,
                  int64_t end) {
  const auto bytes = static_cast<size_t>(row_size) * sizeof(float);
  for (int64_t i = begin; i < std::min(end, begin + rows_ahead); ++i) {
    prefetch_row(in + rows[i] * row_size, row_size);
  }
  for (int64_t i = begin; i < end; ++i) {
    if (i + rows_ahead < end) prefetch_row(in + rows[i + rows_ahead] * row_size, row_size);
    std::memcpy(out + i * row_size, in + rows[i] * row_size, bytes);
  }
}

}  // namespace

void gather_rows(const float* in, int64_t row_size, const int64_t* rows, int64_t count,
                 float* out) {
  if (row_size == 0 || count == 0) return;
  const int64_t minimum_rows = std::max<int64_t>(1, minimum_floats_per_part / row_size);
  parallel_for(count, minimum_rows, [&](int64_t begin, int64_t end) {
    gather_range(in, row_size, rows, out, begin, end);
  });
}

}  // namespace soma::kernels
