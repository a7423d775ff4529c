// The row-times-matrix kernel: columns of y in blocks of 256 (16 AVX-512 accumulators,
// each fed one B row segment per row of B), then 16 at a time with a mask for the tail.
// Each y element is the sum over i of x[i] B[i][j] in order of i, as one fused
// multiply-add chain, whatever the block it falls in.
#include "row_times_matrix.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SOMA_HAVE_AVX512_KERNEL 1
#endif

namespace soma::kernels {

#if defined(SOMA_HAVE_AVX512_KERNEL)

namespace {

template <int Registers>
__attribute__((target("avx512f"))) void column_block(int64_t k, float alpha, const float* x,
                                                     const float* b, int64_t ldb, float beta,
                                                     float* y, const float* bias) {
  __m512 sum[Registers];
  for (int r = 0; r < Registers; ++r) sum[r] = _mm512_setzero_ps();
  const float* row = b;
  for (int64_t i = 0; i < k; ++i, row += ldb) {
    const __m512 xi = _mm512_set1_ps(x[i]);
    for (int r = 0; r < Registers; ++r) {
      sum[r] = _mm512_fmadd_ps(xi, _mm512_loadu_ps(row + 16 * r), sum[r]);
    }
  }
  const __m512 scale = _mm512_set1_ps(alpha);
  for (int r = 0; r < Registers; ++r) {
    __m512 result = _mm512_mul_ps(scale, sum[r]);
    if (bias != nullptr) {
      result = _mm512_add_ps(result, _mm512_loadu_ps(bias + 16 * r));
    } else if (beta != 0.0f) {
      result = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(y + 16 * r), result);
    }
    _mm512_storeu_ps(y + 16 * r, result);
  }
}

__attribute__((target("avx512f"))) void masked_block(int64_t k, int64_t columns, float alpha,
                                                     const float* x, const float* b, int64_t ldb,
                                                     float beta, float* y, const float* bias) {
  const auto mask = static_cast<__mmask16>((1u << columns) - 1u);
  __m512 sum = _mm512_setzero_ps();
  const float* row = b;
  for (int64_t i = 0; i < k; ++i, row += ldb) {
    sum = _mm512_fmadd_ps(_mm512_set1_ps(x[i]), _mm512_maskz_loadu_ps(mask, row), sum);
  }
  __m512 result = _mm512_mul_ps(_mm512_set1_ps(alpha), sum);
  if (bias != nullptr) {
    result = _mm512_add_ps(result, _mm512_maskz_loadu_ps(mask, bias));
  } else if (beta != 0.0f) {
    result = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mask, y), result);
  }
  _mm512_mask_storeu_ps(y, mask, result);
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
  int64_t j = 0;
  for (; j + 256 <= n; j += 256) {
    column_block<16>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j));
  }
  if (j + 128 <= n) {
    column_block<8>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j));
    j += 128;
  }
  if (j + 64 <= n) {
    column_block<4>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j));
    j += 64;
  }
  if (j + 32 <= n) {
    column_block<2>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j));
    j += 32;
  }
  if (j + 16 <= n) {
    column_block<1>(k, alpha, x, b + j, ldb, beta, y + j, at(bias, j));
    j += 16;
  }
  if (j < n) masked_block(k, n - j, alpha, x, b + j, ldb, beta, y + j, at(bias, j));
}

#else

bool row_times_matrix_available() {
  return false;  // the BLAS is faster than the loop below on such machines
}

// Portable version, the same sums in the same order, for builds without the AVX-512 path.
void row_times_matrix(int64_t k, int64_t n, float alpha, const float* x, const float* b,
                      int64_t ldb, float beta, float* y, const float* bias) {
  for (int64_t j = 0; j < n; ++j) {
    float sum = 0.0f;
    for (int64_t i = 0; i < k; ++i) sum += x[i] * b[i * ldb + j];
    if (bias != nullptr) {
      y[j] = alpha * sum + bias[j];
    } else {
      y[j] = beta != 0.0f ? alpha * sum + beta * y[j] : alpha * sum;
    }
  }
}

#endif

}  // namespace soma::kernels
