// Tests soma::kernels::gemm's exact results: the same bits on every repeat and (for the
// workloads' products, and every shape on the portable backend) on one thread and two; the
// one-row kernel's in-order fused sums, with zeros in the row (skipped) and NaN; and the
// edge cases on each backend: beta 0, k = 0, an empty C, a bias with beta, huge strides.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/kernels/gemm.hpp"
#include "soma/kernels/threads.hpp"
#include "support/error_message.hpp"
#include "support/random_values.hpp"

namespace {

using soma::kernels::GemmBackend;
using soma::testing::random_values;

// C (m x n) = A (m x k) B (k x n) (+ the bias row, when given), all stored without
// padding, alpha 1 and beta 0.
void multiply_packed(int64_t m, int64_t n, int64_t k, const std::vector<float>& a,
                     const std::vector<float>& b, std::vector<float>& c,
                     const float* bias = nullptr, GemmBackend backend = GemmBackend::by_size) {
  soma::kernels::gemm({.m = m,
                       .n = n,
                       .k = k,
                       .a = a.data(),
                       .lda = k,
                       .b = b.data(),
                       .ldb = n,
                       .c = c.data(),
                       .ldc = n,
                       .bias = bias},
                      backend);
}

// The tests below run with soma's choice of backend by size and on the portable backend.
class GemmOnEachBackendTest : public ::testing::TestWithParam<GemmBackend> {};

std::string backend_name(const ::testing::TestParamInfo<GemmBackend>& info) {
  return info.param == GemmBackend::portable ? "portable" : "by_size";
}

INSTANTIATE_TEST_SUITE_P(BySizeAndPortable, GemmOnEachBackendTest,
                         ::testing::Values(GemmBackend::by_size, GemmBackend::portable),
                         backend_name);

// beta = 0 means C's old contents are not read: NaN there must not leak into the result.
TEST_P(GemmOnEachBackendTest, ZeroBetaIgnoresWhatCHeld) {
  for (const int64_t m : {int64_t{1}, int64_t{64}}) {
    const int64_t k = 784;
    const int64_t n = 300;
    const std::vector<float> a = random_values(static_cast<size_t>(m * k), 4);
    const std::vector<float> b = random_values(static_cast<size_t>(k * n), 5);
    std::vector<float> c(static_cast<size_t>(m * n), std::nanf(""));
    multiply_packed(m, n, k, a, b, c, nullptr, GetParam());
    for (const float value : c) ASSERT_TRUE(std::isfinite(value)) << "m = " << m;
  }
}

// The same product with the same thread count gives the same bits, every time: the training
// results' determinism rests on it. Shapes of every kind: the row kernel, OpenBLAS and
// oneDNN, split by columns and by rows, and odd sizes.
TEST_P(GemmOnEachBackendTest, RepeatedProductsGiveIdenticalBits) {
  const int previous = soma::kernels::thread_count();
  soma::kernels::set_thread_count(2);
  for (const auto& [m, n, k] : {std::tuple<int64_t, int64_t, int64_t>{1, 256, 784},
                                {128, 256, 784},
                                {164, 8, 134},
                                {85, 6, 765},
                                {107, 196, 807},
                                {2000, 24, 30}}) {
    const std::vector<float> a = random_values(static_cast<size_t>(m * k), 9);
    const std::vector<float> b = random_values(static_cast<size_t>(k * n), 10);
    std::vector<float> first(static_cast<size_t>(m * n));
    std::vector<float> again(static_cast<size_t>(m * n));
    multiply_packed(m, n, k, a, b, first, nullptr, GetParam());
    for (int repeat = 0; repeat < 3; ++repeat) {
      multiply_packed(m, n, k, a, b, again, nullptr, GetParam());
      ASSERT_EQ(first, again) << m << "x" << n << "x" << k << ", repeat " << repeat;
    }
  }
  soma::kernels::set_thread_count(previous);
}

// For the products of soma's workloads and a few others, one thread and two give the same
// bits as well. Not for every shape: a library may pick another kernel for a narrower block
// (with OpenBLAS, e.g. 164 x 8 x 134 with B transposed), so this is checked, not promised.
TEST(GemmTest, OneAndTwoThreadsGiveIdenticalBits) {
  const char* library = std::getenv("SOMA_GEMM");
  if (library != nullptr && std::string(library) != "auto") {
    GTEST_SKIP() << "checked for soma's own choice of library, not SOMA_GEMM=" << library;
  }
  const int previous = soma::kernels::thread_count();
  for (const auto& [m, n, k] : {std::tuple<int64_t, int64_t, int64_t>{1, 256, 784},
                                {128, 256, 784},
                                {600, 20, 40},
                                {3, 2, 20000},  // split by rows into blocks of 1 and 2 rows
                                {256, 100, 300}}) {
    const std::vector<float> a = random_values(static_cast<size_t>(m * k), 6);
    const std::vector<float> b = random_values(static_cast<size_t>(k * n), 7);
    const std::vector<float> bias = random_values(static_cast<size_t>(n), 8);
    for (const float* start : {static_cast<const float*>(nullptr), bias.data()}) {
      std::vector<std::vector<float>> results;
      for (const int threads : {1, 2}) {
        soma::kernels::set_thread_count(threads);
        std::vector<float> c(static_cast<size_t>(m * n));
        multiply_packed(m, n, k, a, b, c, start);
        results.push_back(std::move(c));
      }
      EXPECT_EQ(results[0], results[1])
          << m << "x" << n << "x" << k << (start != nullptr ? " with a bias" : "");
    }
  }
  soma::kernels::set_thread_count(previous);
}

// The portable backend sums every element in the same order whatever block of C it falls
// in, so one thread and two give the same bits on every shape: also where a library's may
// not (164 x 8 x 134 with B transposed), and whether it takes C's columns as rows or not.
TEST(GemmTest, PortableBackendGivesTheSameBitsOnOneThreadAndTwo) {
  const int previous = soma::kernels::thread_count();
  for (const auto& [m, n, k] : {std::tuple<int64_t, int64_t, int64_t>{128, 256, 784},
                                {164, 8, 134},
                                {600, 20, 40},
                                {3, 2, 20000},
                                {97, 10, 257},
                                {300, 700, 100}}) {
    const std::vector<float> a = random_values(static_cast<size_t>(m * k), 18);
    const std::vector<float> b = random_values(static_cast<size_t>(k * n), 19);
    const std::vector<float> bias = random_values(static_cast<size_t>(n), 20);
    for (const bool transpose_b : {false, true}) {
      std::vector<std::vector<float>> results;
      for (const int threads : {1, 2}) {
        soma::kernels::set_thread_count(threads);
        std::vector<float> c(static_cast<size_t>(m * n));
        soma::kernels::gemm({.transpose_b = transpose_b,
                             .m = m,
                             .n = n,
                             .k = k,
                             .a = a.data(),
                             .lda = k,
                             .b = b.data(),
                             .ldb = transpose_b ? k : n,
                             .c = c.data(),
                             .ldc = n,
                             .bias = bias.data()},
                            GemmBackend::portable);
        results.push_back(std::move(c));
      }
      EXPECT_EQ(results[0], results[1]) << m << "x" << n << "x" << k << (transpose_b ? " B^T" : "");
    }
  }
  soma::kernels::set_thread_count(previous);
}

// Whether gemm runs one-row products on soma's own row kernel here (x86-64 with AVX-512F,
// or AVX2 and FMA); elsewhere a library runs them, with its own order of sums.
bool row_kernel_runs() {
#if defined(__x86_64__) && defined(__GNUC__)
  return __builtin_cpu_supports("avx512f") != 0 ||
         (__builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0);
#else
  return false;
#endif
}

// c[j] = bias[j] + the sum over i of a[i] b[i][j] as one fused multiply-add chain in order
// of i, with every term included (a zero term adds nothing to it).
std::vector<float> in_order_fused_sums(int64_t n, int64_t k, const std::vector<float>& a,
                                       const std::vector<float>& b,
                                       const std::vector<float>& bias) {
  std::vector<float> c(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    float sum = 0.0f;
    for (int64_t i = 0; i < k; ++i) {
      sum = std::fma(a[static_cast<size_t>(i)], b[static_cast<size_t>(i * n + j)], sum);
    }
    c[static_cast<size_t>(j)] = sum + bias[static_cast<size_t>(j)];
  }
  return c;
}

// A row with zeros, as a ReLU leaves it: the row kernel skips their rows of B, and each
// element is still the in-order chain over all of k. Of the kernel's chunks of 256 entries,
// the first has no zeros (the plain loop); the second has zeros of both signs, scattered and
// in a run; the third, 88 entries, has them scattered up to its last entry. Every block width
// and a masked tail of the AVX-512 and the AVX2 kernel (511 columns), on one thread and split
// over two.
TEST(GemmTest, OneRowWithZerosGivesTheInOrderFusedSum) {
  const int64_t k = 600;
  const int64_t n = 511;
  std::vector<float> a = random_values(static_cast<size_t>(k), 11);
  for (int64_t i = 256; i < k; ++i) {
    if (i % 3 == 0 || (i >= 300 && i < 420)) a[static_cast<size_t>(i)] = 0.0f;
    if (i % 7 == 0 || i == k - 1) a[static_cast<size_t>(i)] = -0.0f;
  }
  const std::vector<float> b = random_values(static_cast<size_t>(k * n), 12);
  const std::vector<float> bias = random_values(static_cast<size_t>(n), 13);
  const std::vector<float> expected = in_order_fused_sums(n, k, a, b, bias);
  const int previous = soma::kernels::thread_count();
  for (const int threads : {1, 2}) {
    soma::kernels::set_thread_count(threads);
    std::vector<float> c(static_cast<size_t>(n));
    multiply_packed(1, n, k, a, b, c, bias.data());
    for (size_t j = 0; j < c.size(); ++j) {
      if (row_kernel_runs()) {
        ASSERT_EQ(c[j], expected[j]) << threads << " threads, column " << j;
      } else {
        ASSERT_NEAR(c[j], expected[j], 1e-6 * static_cast<double>(k))
            << threads << " threads, column " << j;
      }
    }
  }
  soma::kernels::set_thread_count(previous);
}

// A NaN in the row reaches every column: it is not taken for a zero and skipped.
TEST(GemmTest, OneRowWithANaNGivesNaNEverywhere) {
  const int64_t k = 300;
  const int64_t n = 40;
  std::vector<float> a = random_values(static_cast<size_t>(k), 14);
  for (int64_t i = 0; i < k; i += 2) a[static_cast<size_t>(i)] = 0.0f;
  a[277] = std::nanf("");
  const std::vector<float> b = random_values(static_cast<size_t>(k * n), 15);
  std::vector<float> c(static_cast<size_t>(n));
  multiply_packed(1, n, k, a, b, c);
  for (size_t j = 0; j < c.size(); ++j) EXPECT_TRUE(std::isnan(c[j])) << "column " << j;
}

// What the skipping means, as documented: a zero (of either sign) in the row leaves out
// its row of B entirely, so an infinite or NaN weight there gives no NaN. The sums are those
// of the other rows.
TEST(GemmTest, OneRowZeroLeavesOutItsRowOfB) {
  if (!row_kernel_runs()) GTEST_SKIP() << "one-row products run on a library on this CPU";
  const int64_t k = 40;
  const int64_t n = 20;  // a block of 16 columns and a masked tail of 4
  std::vector<float> a = random_values(static_cast<size_t>(k), 16);
  a[5] = 0.0f;
  a[17] = -0.0f;
  std::vector<float> b = random_values(static_cast<size_t>(k * n), 17);
  const std::vector<float> bias(static_cast<size_t>(n), 0.0f);
  const std::vector<float> expected = in_order_fused_sums(n, k, a, b, bias);
  const float infinity = std::numeric_limits<float>::infinity();
  b[5 * n + 3] = infinity;
  b[5 * n + 10] = std::nanf("");
  b[5 * n + 18] = -infinity;  // in the masked tail
  b[17 * n + 0] = -infinity;
  std::vector<float> c(static_cast<size_t>(n));
  multiply_packed(1, n, k, a, b, c);
  EXPECT_EQ(c, expected);
}

// Sizes the BLAS cannot take are refused before the product is split over threads.
TEST_P(GemmOnEachBackendTest, ATooLargeStrideIsAnErrorBeforeAnyWork) {
  float a = 1.0f;
  float b = 1.0f;
  float c = 0.0f;
  EXPECT_THROW(soma::kernels::gemm({.m = 1,
                                    .n = 1,
                                    .k = 1,
                                    .a = &a,
                                    .lda = int64_t{3} << 30,
                                    .b = &b,
                                    .ldb = 1,
                                    .c = &c,
                                    .ldc = 1},
                                   GetParam()),
               soma::Error);
  EXPECT_EQ(c, 0.0f);
}

// With k = 0 the product is empty: C = beta C (BLAS itself would leave C untouched).
TEST_P(GemmOnEachBackendTest, EmptyInnerDimensionScalesC) {
  std::vector<float> c = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
  const float unused = 99.0f;
  soma::kernels::gemm({.m = 2,
                       .n = 3,
                       .k = 0,
                       .alpha = 1.0f,
                       .a = &unused,
                       .lda = 1,
                       .b = &unused,
                       .ldb = 3,
                       .beta = 2.0f,
                       .c = c.data(),
                       .ldc = 3},
                      GetParam());
  EXPECT_EQ(c, (std::vector<float>{2.0f, 4.0f, 6.0f, 8.0f, 10.0f, 12.0f}));
}

TEST_P(GemmOnEachBackendTest, EmptyInnerDimensionWithZeroBetaGivesZeros) {
  std::vector<float> c = {1.0f, std::nanf(""), 3.0f, 4.0f};
  const float unused = 99.0f;
  soma::kernels::gemm({.m = 2,
                       .n = 2,
                       .k = 0,
                       .a = &unused,
                       .lda = 1,
                       .b = &unused,
                       .ldb = 2,
                       .beta = 0.0f,
                       .c = c.data(),
                       .ldc = 2},
                      GetParam());
  EXPECT_EQ(c, std::vector<float>(4, 0.0f));
}

// With k = 0 and a bias, every row of C is the bias.
TEST_P(GemmOnEachBackendTest, EmptyInnerDimensionWithABiasGivesTheBias) {
  std::vector<float> c = {1.0f, std::nanf(""), 3.0f, 4.0f, 5.0f, 6.0f};
  const std::vector<float> bias = {0.5f, -1.0f, 2.0f};
  const float unused = 99.0f;
  soma::kernels::gemm({.m = 2,
                       .n = 3,
                       .k = 0,
                       .a = &unused,
                       .lda = 1,
                       .b = &unused,
                       .ldb = 3,
                       .c = c.data(),
                       .ldc = 3,
                       .bias = bias.data()},
                      GetParam());
  EXPECT_EQ(c, (std::vector<float>{0.5f, -1.0f, 2.0f, 0.5f, -1.0f, 2.0f}));
}

// A bias replaces beta C: asking for both is an error, and C is left as it was.
TEST_P(GemmOnEachBackendTest, BiasWithNonZeroBetaIsRefused) {
  std::vector<float> c = {7.0f};
  const float one = 1.0f;
  EXPECT_SOMA_ERROR(soma::kernels::gemm({.m = 1,
                                         .n = 1,
                                         .k = 1,
                                         .a = &one,
                                         .lda = 1,
                                         .b = &one,
                                         .ldb = 1,
                                         .beta = 1.0f,
                                         .c = c.data(),
                                         .ldc = 1,
                                         .bias = &one},
                                        GetParam()),
                    "gemm: beta must be 0 when a bias is given (the bias replaces beta C)");
  EXPECT_EQ(c[0], 7.0f);
}

TEST_P(GemmOnEachBackendTest, EmptyOutputTouchesNothing) {
  std::vector<float> c = {7.0f};
  const float unused = 99.0f;
  soma::kernels::gemm({.m = 0,
                       .n = 1,
                       .k = 3,
                       .a = &unused,
                       .lda = 3,
                       .b = &unused,
                       .ldb = 1,
                       .c = c.data(),
                       .ldc = 1},
                      GetParam());
  EXPECT_EQ(c[0], 7.0f);
}

// [[1, 2], [3, 4]] [[5, 6], [7, 8]] = [[19, 22], [43, 50]], exactly.
TEST_P(GemmOnEachBackendTest, SmallProductIsExact) {
  const std::vector<float> a = {1, 2, 3, 4};
  const std::vector<float> b = {5, 6, 7, 8};
  std::vector<float> c(4, -1.0f);
  soma::kernels::gemm({.m = 2,
                       .n = 2,
                       .k = 2,
                       .a = a.data(),
                       .lda = 2,
                       .b = b.data(),
                       .ldb = 2,
                       .c = c.data(),
                       .ldc = 2},
                      GetParam());
  EXPECT_EQ(c, (std::vector<float>{19, 22, 43, 50}));
}

}  // namespace
