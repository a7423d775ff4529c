// Row i of `out` = row rows[i] of `in` (row_size floats each): the gather of a shuffled
// batch. The rows of such a batch lie scattered over the whole dataset, each a cache miss,
// so the next rows are fetched while one is copied, and long gathers are split over
// soma's threads. The caller checks that every row index is in range.
#pragma once

#include <cstdint>

namespace soma::kernels {

void gather_rows(const float* in, int64_t row_size, const int64_t* rows, int64_t count, float* out);

}  // namespace soma::kernels
