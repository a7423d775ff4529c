// The row-times-matrix kernel: columns of y in blocks of up to 16 vector registers, each y
// element one in-order fused multiply-add chain over the rows of B. One body, compiled for
// AVX-512 (16 floats a register) and for AVX2 with FMA (8), chosen when the program runs.
#include "row_times_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SOMA_HAVE_VECTOR_ROW_KERNEL 1
// The code between SOMA_TARGET_BEGIN(isa) and SOMA_TARGET_END is compiled for `isa`: by a
// pragma in GCC, by an attribute on every function in clang.
#define SOMA_PRAGMA(text) _Pragma(#text)
#if defined(__clang__)
#define SOMA_TARGET_BEGIN(isa) \
  SOMA_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#define SOMA_TARGET_END SOMA_PRAGMA(clang attribute pop)
#else
#define SOMA_TARGET_BEGIN(isa) SOMA_PRAGMA(GCC push_options) SOMA_PRAGMA(GCC target(isa))
#define SOMA_TARGET_END SOMA_PRAGMA(GCC pop_options)
#endif
#endif

namespace soma::kernels {

namespace {

// The same sums in the same order, zeros of x skipped alike, one element at a time: for
// CPUs and builds without the vector paths (gemm uses the BLAS there, faster than this).
void in_order_loop(int64_t k, int64_t n, float alpha, const float* x, const float* b, int64_t ldb,
                   float beta, float* y, const float* bias) {
  for (int64_t j = 0; j < n; ++j) {
    float sum = 0.0f;
    for (int64_t i = 0; i < k; ++i) {
      if (x[i] != 0.0f) sum = std::fma(x[i], b[i * ldb + j], sum);
    }
    if (bias != nullptr) {
      y[j] = std::fma(alpha, sum, bias[j]);
    } else {
      const float scaled = alpha * sum;
      y[j] = beta != 0.0f ? std::fma(beta, y[j], scaled) : scaled;
    }
  }
}

// The widest instruction set this CPU has, decided once; none: the loop above runs.
std::optional<RowKernelIsa> widest() {
  static const std::optional<RowKernelIsa> chosen = []() -> std::optional<RowKernelIsa> {
    for (const RowKernelIsa isa : {RowKernelIsa::avx512, RowKernelIsa::avx2}) {
      if (row_times_matrix_supported(isa)) return isa;
    }
    return std::nullopt;
  }();
  return chosen;
}

#if defined(SOMA_HAVE_VECTOR_ROW_KERNEL)

// x is read in chunks of this many entries: each chunk with a zero has its nonzero
// entries gathered on the stack first, and the chunk bounds that buffer to 2 KiB.
constexpr int64_t chunk_size = 256;

// The entries of a chunk of x that are not zero, in order: value and position from the
// chunk's start. NaN counts as nonzero.
struct NonZeroEntries {
  int64_t count = 0;
  float value[chunk_size];
  int32_t offset[chunk_size];
};

// bias + j, or null without a bias.
const float* at(const float* bias, int64_t j) {
  return bias == nullptr ? nullptr : bias + j;
}

SOMA_TARGET_BEGIN("avx512f")
namespace avx512 {
// AVX-512F: 16 floats a register, masks in mask registers, 32 registers (16 accumulators).
// avx2::Lanes has the same members, one intrinsic each: the interface the body is written to.
struct Lanes {
  using Vector = __m512;
  using Mask = __mmask16;
  static constexpr int width = 16;
  static constexpr int most_registers = 16;

  static Mask first_lanes(int64_t count) {
    return static_cast<Mask>(count >= 16 ? 0xffffu : (1u << count) - 1u);
  }
  static Vector zero() { return _mm512_setzero_ps(); }
  static Vector broadcast(float value) { return _mm512_set1_ps(value); }
  static Vector load(const float* p) { return _mm512_loadu_ps(p); }
  static Vector load(Mask lanes, const float* p) { return _mm512_maskz_loadu_ps(lanes, p); }
  static void store(float* p, Vector v) { _mm512_storeu_ps(p, v); }
  static void store(Mask lanes, float* p, Vector v) { _mm512_mask_storeu_ps(p, lanes, v); }
  static Vector fmadd(Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); }
  static Vector mul(Vector a, Vector b) { return _mm512_mul_ps(a, b); }

  // Whether x[begin, end) holds a zero (of either sign). Much cheaper than gathering the
  // nonzero entries, which is only worth it when there are zeros to skip.
  static bool has_zero(const float* x, int64_t begin, int64_t end) {
    Mask zeros = 0;
    for (int64_t i = begin; i < end; i += 16) {
      const Mask in_range = first_lanes(end - i);
      zeros |= _mm512_mask_cmp_ps_mask(in_range, _mm512_maskz_loadu_ps(in_range, x + i),
                                       _mm512_setzero_ps(), _CMP_EQ_OQ);
    }
    return zeros != 0;
  }

  // Each group of 16 entries is compressed in registers and stored whole at `count` (a
  // compressing store to memory is slow on some CPUs); `count` is at most the group's own
  // position, so the store ends inside the chunk.
  static void gather_nonzero(const float* x, int64_t begin, int64_t end, NonZeroEntries& entries) {
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    entries.count = 0;
    for (int64_t i = begin; i < end; i += 16) {
      const Mask in_range = first_lanes(end - i);
      const __m512 values = _mm512_maskz_loadu_ps(in_range, x + i);
      // Unordered not-equal: NaN is kept, so that it still reaches y.
      const Mask keep = _mm512_mask_cmp_ps_mask(in_range, values, _mm512_setzero_ps(), _CMP_NEQ_UQ);
      const __m512i offsets =
          _mm512_add_epi32(lanes, _mm512_set1_epi32(static_cast<int32_t>(i - begin)));
      _mm512_storeu_ps(entries.value + entries.count, _mm512_maskz_compress_ps(keep, values));
      _mm512_storeu_si512(entries.offset + entries.count,
                          _mm512_maskz_compress_epi32(keep, offsets));
      entries.count += __builtin_popcount(keep);
    }
  }
};

#include "row_times_matrix_body.inc"
}  // namespace avx512
SOMA_TARGET_END

SOMA_TARGET_BEGIN("avx2,fma")
namespace avx2 {
// AVX2 with FMA: 8 floats a register, masks as vectors of all-ones lanes, 16 registers (8
// accumulators, which already keep both FMA units busy through their 4-cycle latency).
struct Lanes {
  using Vector = __m256;
  using Mask = __m256i;
  static constexpr int width = 8;
  static constexpr int most_registers = 8;

  static Mask first_lanes(int64_t count) {
    const auto limit = static_cast<int32_t>(std::min<int64_t>(count, 8));
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(limit), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static Vector zero() { return _mm256_setzero_ps(); }
  static Vector broadcast(float value) { return _mm256_set1_ps(value); }
  static Vector load(const float* p) { return _mm256_loadu_ps(p); }
  static Vector load(Mask lanes, const float* p) { return _mm256_maskload_ps(p, lanes); }
  static void store(float* p, Vector v) { _mm256_storeu_ps(p, v); }
  static void store(Mask lanes, float* p, Vector v) { _mm256_maskstore_ps(p, lanes, v); }
  static Vector fmadd(Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); }
  static Vector mul(Vector a, Vector b) { return _mm256_mul_ps(a, b); }

  static bool has_zero(const float* x, int64_t begin, int64_t end) {
    int zeros = 0;
    int64_t i = begin;
    for (; i + 8 <= end; i += 8) {
      zeros |= _mm256_movemask_ps(
          _mm256_cmp_ps(_mm256_loadu_ps(x + i), _mm256_setzero_ps(), _CMP_EQ_OQ));
    }
    for (; i < end; ++i) zeros |= x[i] == 0.0f ? 1 : 0;
    return zeros != 0;
  }

  // Without a compress instruction: every entry is written at `count`, which moves on only
  // past a nonzero one (no branch to mispredict on the zeros' pattern).
  static void gather_nonzero(const float* x, int64_t begin, int64_t end, NonZeroEntries& entries) {
    int64_t count = 0;
    for (int64_t i = begin; i < end; ++i) {
      entries.value[count] = x[i];
      entries.offset[count] = static_cast<int32_t>(i - begin);
      count += x[i] != 0.0f ? 1 : 0;  // true for NaN, which must still reach y
    }
    entries.count = count;
  }
};

#include "row_times_matrix_body.inc"
}  // namespace avx2
SOMA_TARGET_END

#endif

}  // namespace

bool row_times_matrix_supported([[maybe_unused]] RowKernelIsa isa) {
#if defined(SOMA_HAVE_VECTOR_ROW_KERNEL)
  __builtin_cpu_init();
  switch (isa) {
    case RowKernelIsa::avx512:
      return __builtin_cpu_supports("avx512f") != 0;
    case RowKernelIsa::avx2:
      return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
  }
#endif
  return false;
}

void row_times_matrix_on([[maybe_unused]] RowKernelIsa isa, int64_t k, int64_t n, float alpha,
                         const float* x, const float* b, int64_t ldb, float beta, float* y,
                         const float* bias) {
#if defined(SOMA_HAVE_VECTOR_ROW_KERNEL)
  if (isa == RowKernelIsa::avx512) {
    avx512::row_times_matrix(k, n, alpha, x, b, ldb, beta, y, bias);
  } else {
    avx2::row_times_matrix(k, n, alpha, x, b, ldb, beta, y, bias);
  }
#else
  in_order_loop(k, n, alpha, x, b, ldb, beta, y, bias);
#endif
}

bool row_times_matrix_available() {
  return widest().has_value();
}

void row_times_matrix(int64_t k, int64_t n, float alpha, const float* x, const float* b,
                      int64_t ldb, float beta, float* y, const float* bias) {
  if (const std::optional<RowKernelIsa> isa = widest()) {
    row_times_matrix_on(*isa, k, n, alpha, x, b, ldb, beta, y, bias);
  } else {
    in_order_loop(k, n, alpha, x, b, ldb, beta, y, bias);
  }
}

}  // namespace soma::kernels
