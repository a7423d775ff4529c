// Vectorisable exp, tanh and sigmoid. exp follows Cephes' expf: reduce x = n ln2 + r with
// |r| <= ln2/2, a degree-6 polynomial for e^r, and 2^n built in the exponent bits. tanh
// uses 1 - 2 / (e^(2|x|) + 1), except near 0 where that cancels and Cephes' odd
// polynomial is used; both are computed and one is selected, so there is no branch.
#include "soma/kernels/elementwise.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

// One binary, the best code for the machine it runs on: GCC emits a clone per target and
// picks one when the program loads.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define SOMA_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SOMA_MULTIVERSION
#endif

namespace soma::kernels {

namespace {

inline float exp_approximation(float x) {
  // Beyond these bounds e^x overflows or underflows float; clamping keeps the bit tricks
  // valid and gives the limits (inf is produced by the final scaling for x > 88.72).
  constexpr float high = 88.7228391f;  // ln(FLT_MAX)
  constexpr float low = -87.3365478515625f;
  // Ternaries, not fmin/fmax: those are library calls without -ffast-math. Written so that
  // NaN, for which every comparison is false, is clamped too (to low): converting NaN to an
  // integer below is undefined behaviour. The result for NaN is chosen at the end.
  const float clamped = x > low ? (x < high ? x : high) : low;
  // n = round(x / ln 2): adding and subtracting 1.5 * 2^23 rounds to the nearest integer
  // in the float adder itself (|x log2 e| < 2^22). roundf or a copysign(0.5) trick would be
  // a rounding call that keeps GCC's AVX clones scalar.
  constexpr float round_shift = 12582912.0f;
  const float fn = (clamped * 1.44269504088896341f + round_shift) - round_shift;
  const auto n = static_cast<int32_t>(fn);
  // r = x - n ln 2, with ln 2 split in two so the subtraction is exact.
  float r = clamped - fn * 0.693359375f;
  r = r + fn * 2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e_r = p * r2 + r + 1.0f;
  // 2^n as 2^half * 2^(n - half), two normal floats built in the exponent bits: n itself
  // runs from -126 to 128 after the clamp, past what one float exponent can hold.
  const int32_t half = n / 2;
  const int32_t first_bits = (half + 127) << 23;
  const int32_t second_bits = (n - half + 127) << 23;
  float first = 0.0f;
  float second = 0.0f;
  std::memcpy(&first, &first_bits, sizeof first);
  std::memcpy(&second, &second_bits, sizeof second);
  const float result = e_r * first * second;
  // Past the clamps the true value overflows or is denormal: give inf or 0; NaN stays NaN.
  const float limited = x > high ? std::numeric_limits<float>::infinity() : result;
  const float in_range = x < low ? 0.0f : limited;
  return x == x ? in_range : x;
}

inline float tanh_approximation(float x) {
  const float magnitude = std::fabs(x);
  // Large |x|: 1 - 2 / (e^(2|x|) + 1), which saturates to 1 cleanly.
  const float e = exp_approximation(2.0f * (magnitude > 20.0f ? 20.0f : magnitude));
  const float large = 1.0f - 2.0f / (e + 1.0f);
  // Small |x| (< 0.625): Cephes' odd polynomial x + x^3 P(x^2).
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = magnitude + magnitude * z * p;
  const float value = magnitude < 0.625f ? small : large;
  return std::copysign(value, x);
}

}  // namespace

SOMA_MULTIVERSION
void exp(const float* in, float* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = exp_approximation(in[i]);
}

SOMA_MULTIVERSION
void tanh(const float* in, float* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = tanh_approximation(in[i]);
}

SOMA_MULTIVERSION
void sigmoid(const float* in, float* out, int64_t count) {
  // 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0: e^-|x| never overflows.
  for (int64_t i = 0; i < count; ++i) {
    const float x = in[i];
    const float e = exp_approximation(-std::fabs(x));
    const float positive = 1.0f / (1.0f + e);
    out[i] = x >= 0.0f ? positive : e * positive;
  }
}

}  // namespace soma::kernels
