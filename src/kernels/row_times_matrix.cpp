// The row-times-matrix kernel: columns of y in blocks of up to 256 (16 AVX-512
// accumulators), each y element one in-order fused multiply-add chain over the rows of B.
#include "row_times_matrix.hpp"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SOMA_HAVE_AVX512_KERNEL 1
#endif

namespace soma::kernels {

#if defined(SOMA_HAVE_AVX512_KERNEL)

namespace {

// x is read in chunks of this many entries: each chunk with a zero has its nonzero
// entries gathered on the stack first, and the chunk bounds that buffer to 2 KiB.
constexpr int64_t chunk_size = 256;

__attribute__((target("avx512f"))) __mmask16 lanes_below(int64_t count) {
  return static_cast<__mmask16>(count >= 16 ? 0xffffu : (1u << count) - 1u);
}

// Whether x[begin, end) holds a zero (of either sign). Much cheaper than gathering the
// nonzero entries, which is only worth it when there are zeros to skip.
__attribute__((target("avx512f"))) bool has_zero(const float* x, int64_t begin, int64_t end) {
  __mmask16 zeros = 0;
  for (int64_t i = begin; i < end; i += 16) {
    const __mmask16 in_range = lanes_below(end - i);
    zeros |= _mm512_mask_cmp_ps_mask(in_range, _mm512_maskz_loadu_ps(in_range, x + i),
                                     _mm512_setzero_ps(), _CMP_EQ_OQ);
  }
  return zeros != 0;
}

// The entries of x[begin, end) that are not zero, in order: value and position from begin.
// NaN counts as nonzero. Each group of 16 entries is stored as a whole register at
// `count`, which is at most the group's own position, so the store ends inside the chunk.
struct NonZeroEntries {
  int64_t count = 0;
  float value[chunk_size];
  int32_t offset[chunk_size];
};

__attribute__((target("avx512f"))) void gather_nonzero(const float* x, int64_t begin, int64_t end,
                                                       NonZeroEntries& entries) {
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  entries.count = 0;
  for (int64_t i = begin; i < end; i += 16) {
    const __mmask16 in_range = lanes_below(end - i);
    const __m512 values = _mm512_maskz_loadu_ps(in_range, x + i);
    // Unordered not-equal: NaN is kept, so that it still reaches y.
    const __mmask16 keep =
        _mm512_mask_cmp_ps_mask(in_range, values, _mm512_setzero_ps(), _CMP_NEQ_UQ);
    const __m512i offsets =
        _mm512_add_epi32(lanes, _mm512_set1_epi32(static_cast<int32_t>(i - begin)));
    // Compressed in registers and stored whole: a compressing store to memory is slow on
    // some CPUs.
    _mm512_storeu_ps(entries.value + entries.count, _mm512_maskz_compress_ps(keep, values));
    _mm512_storeu_si512(entries.offset + entries.count, _mm512_maskz_compress_epi32(keep, offsets));
    entries.count += __builtin_popcount(keep);
  }
}

// The lanes of register r of a block: all, but for the last register of a masked block.
template <int Registers, bool Masked>
__attribute__((target("avx512f"), always_inline)) inline __mmask16 lanes_of(int r,
                                                                            __mmask16 last_lanes) {
  return Masked && r == Registers - 1 ? last_lanes : static_cast<__mmask16>(0xffff);
}

// sum += xi * the block's part of one row of B. Unmasked loads fold into the multiply-adds.
template <int Registers, bool Masked>
__attribute__((target("avx512f"), always_inline)) inline void add_row(__m512* sum, __m512 xi,
                                                                      const float* row,
                                                                      __mmask16 last_lanes) {
  for (int r = 0; r < Registers; ++r) {
    const __m512 part = Masked && r == Registers - 1
                            ? _mm512_maskz_loadu_ps(last_lanes, row + 16 * r)
                            : _mm512_loadu_ps(row + 16 * r);
    sum[r] = _mm512_fmadd_ps(xi, part, sum[r]);
  }
}

// y[0, 16 Registers), or with Masked only the lanes last_lanes of the last register. Each
// element is the sum over i of x[i] B[i][j] in order of i, whatever the block it falls in.
// The rows of B whose x[i] is zero are not read: x is often a ReLU's output (the input of
// every layer but the first), about half zeros. Leaving out a zero term changes no
// nonzero sum; a zero sum may differ in sign. Each block scans x again, which costs little
// next to reading its part of B.
template <int Registers, bool Masked>
__attribute__((target("avx512f"))) void column_block(int64_t k, float alpha, const float* x,
                                                     const float* b, int64_t ldb, float beta,
                                                     float* y, const float* bias,
                                                     __mmask16 last_lanes) {
  __m512 sum[Registers];
  for (int r = 0; r < Registers; ++r) sum[r] = _mm512_setzero_ps();
  NonZeroEntries entries;
  for (int64_t begin = 0; begin < k; begin += chunk_size) {
    const int64_t end = std::min(k, begin + chunk_size);
    if (!has_zero(x, begin, end)) {
      const float* row = b + begin * ldb;
      for (int64_t i = begin; i < end; ++i, row += ldb) {
        add_row<Registers, Masked>(sum, _mm512_set1_ps(x[i]), row, last_lanes);
      }
      continue;
    }
    gather_nonzero(x, begin, end, entries);
    for (int64_t t = 0; t < entries.count; ++t) {
      add_row<Registers, Masked>(sum, _mm512_set1_ps(entries.value[t]),
                                 b + (begin + entries.offset[t]) * ldb, last_lanes);
    }
  }
  const __m512 scale = _mm512_set1_ps(alpha);
  for (int r = 0; r < Registers; ++r) {
    const __mmask16 lanes = lanes_of<Registers, Masked>(r, last_lanes);
    __m512 result = _mm512_mul_ps(scale, sum[r]);
    if (bias != nullptr) {
      result = _mm512_add_ps(result, _mm512_maskz_loadu_ps(lanes, bias + 16 * r));
    } else if (beta != 0.0f) {
      result =
          _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(lanes, y + 16 * r), result);
    }
    _mm512_mask_storeu_ps(y + 16 * r, lanes, result);
  }
}

// bias + j, or null without a bias.
const float* at(const float* bias, int64_t j) {
  return bias == nullptr ? nullptr : bias + j;
}

}  // namespace

bool row_times_matrix_available() {
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return available;
}

void row_times_matrix(int64_t k, int64_t n, float alpha, const float* x, const float* b,
                      int64_t ldb, float beta, float* y, const float* bias) {
  // Wide blocks first: more independent accumulators hide the multiply-add latency.
  constexpr auto all = static_cast<__mmask16>(0xffff);
  int64_t j = 0;
  for (; j + 256 <= n; j += 256) {
    column_block<16, false>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j), all);
  }
  if (j + 128 <= n) {
    column_block<8, false>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j), all);
    j += 128;
  }
  if (j + 64 <= n) {
    column_block<4, false>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j), all);
    j += 64;
  }
  if (j + 32 <= n) {
    column_block<2, false>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j), all);
    j += 32;
  }
  if (j + 16 <= n) {
    column_block<1, false>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j), all);
    j += 16;
  }
  if (j < n) {  // the last 1 to 15 columns, masked
    column_block<1, true>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j), lanes_below(n - j));
  }
}

#else

bool row_times_matrix_available() {
  return false;  // the BLAS is faster than the loop below on such machines
}

// Builds without the AVX-512 path: gemm never calls this (row_times_matrix_available() is
// false), but it is defined, with the same sums in the same order, zeros of x skipped alike.
void row_times_matrix(int64_t k, int64_t n, float alpha, const float* x, const float* b,
                      int64_t ldb, float beta, float* y, const float* bias) {
  for (int64_t j = 0; j < n; ++j) {
    float sum = 0.0f;
    for (int64_t i = 0; i < k; ++i) {
      if (x[i] != 0.0f) sum = std::fma(x[i], b[i * ldb + j], sum);
    }
    if (bias != nullptr) {
      y[j] = alpha * sum + bias[j];
    } else {
      y[j] = beta != 0.0f ? std::fma(beta, y[j], alpha * sum) : alpha * sum;
    }
  }
}

#endif

}  // namespace soma::kernels
