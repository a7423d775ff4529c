// Tests the row-times-matrix kernel on each instruction set it is compiled for that this
// CPU has (AVX-512 and AVX2 on most x86-64 servers), not only the one gemm picks: every
// element must be the in-order fused multiply-add chain, bit for bit, with zeros of x
// skipped, NaN kept, a bias or beta, and padded rows of B.
#include "kernels/row_times_matrix.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "support/random_values.hpp"

namespace {

std::string name_of(soma::kernels::RowKernelIsa isa) {
  return isa == soma::kernels::RowKernelIsa::avx512 ? "avx512" : "avx2";
}

}  // namespace

namespace soma::kernels {

// How GoogleTest prints the parameter in a failure message.
void PrintTo(RowKernelIsa isa, std::ostream* out) {
  *out << name_of(isa);
}

}  // namespace soma::kernels

namespace {

using soma::kernels::RowKernelIsa;
using soma::testing::random_values;

// A one-row product to compute: x (1 x k), B (k x n, row stride ldb), y's starting values.
struct Product {
  int64_t k = 0;
  int64_t n = 0;
  int64_t ldb = 0;
  std::vector<float> x;
  std::vector<float> b;
  std::vector<float> y;
  std::vector<float> bias;  // empty: none
  float alpha = 1.0f;
  float beta = 0.0f;
};

Product random_product(int64_t k, int64_t n, int64_t padding, uint64_t seed) {
  Product product;
  product.k = k;
  product.n = n;
  product.ldb = n + padding;
  product.x = random_values(static_cast<size_t>(k), seed);
  product.b = random_values(static_cast<size_t>(k * product.ldb), seed + 1);
  product.y = random_values(static_cast<size_t>(n), seed + 2);
  return product;
}

// y[j] = alpha (sum over i of x[i] B[i][j], one fused multiply-add chain in order of i) plus
// bias[j] in one more fused multiply-add, or plus beta y[j] in one, with alpha sum rounded
// first. A zero term adds nothing to the chain, so the kernel may skip it.
std::vector<float> in_order(const Product& p) {
  std::vector<float> y(static_cast<size_t>(p.n));
  for (int64_t j = 0; j < p.n; ++j) {
    float sum = 0.0f;
    for (int64_t i = 0; i < p.k; ++i) {
      sum = std::fma(p.x[static_cast<size_t>(i)], p.b[static_cast<size_t>(i * p.ldb + j)], sum);
    }
    const auto at = static_cast<size_t>(j);
    if (!p.bias.empty()) {
      y[at] = std::fma(p.alpha, sum, p.bias[at]);
    } else {
      const float scaled = p.alpha * sum;
      y[at] = p.beta != 0.0f ? std::fma(p.beta, p.y[at], scaled) : scaled;
    }
  }
  return y;
}

std::vector<float> run(RowKernelIsa isa, const Product& p) {
  std::vector<float> y = p.y;
  soma::kernels::row_times_matrix_on(isa, p.k, p.n, p.alpha, p.x.data(), p.b.data(), p.ldb, p.beta,
                                     y.data(), p.bias.empty() ? nullptr : p.bias.data());
  return y;
}

class RowTimesMatrixTest : public testing::TestWithParam<RowKernelIsa> {
 protected:
  void SetUp() override {
    if (!soma::kernels::row_times_matrix_supported(GetParam())) {
      GTEST_SKIP() << name_of(GetParam()) << " is not available on this CPU";
    }
  }
};

// Every block width of both sets and a masked tail: 511 columns are 256 + 128 + 64 + 32 + 16
// + 15 for AVX-512 and 7 x 64 + 32 + 16 + 8 + 7 for AVX2. x has zeros of both signs in its
// second chunk of 256 entries (scattered and in a run) and up to the last entry of its third,
// partial one; the first chunk has none. With a bias, with beta, and with padded rows of B.
TEST_P(RowTimesMatrixTest, GivesTheInOrderFusedSumWithZerosSkipped) {
  for (const int mode : {0, 1, 2}) {
    Product p = random_product(600, 511, mode == 2 ? 5 : 0, 21);
    for (int64_t i = 256; i < p.k; ++i) {
      if (i % 3 == 0 || (i >= 300 && i < 420)) p.x[static_cast<size_t>(i)] = 0.0f;
      if (i % 7 == 0 || i == p.k - 1) p.x[static_cast<size_t>(i)] = -0.0f;
    }
    if (mode == 0) {
      p.bias = random_values(static_cast<size_t>(p.n), 24);
      p.alpha = 1.625f;
    }
    if (mode == 1) {
      p.alpha = -0.375f;
      p.beta = 1.0f;
    }
    EXPECT_EQ(run(GetParam(), p), in_order(p)) << "mode " << mode;
  }
}

// Every width from 1 to 70 columns (each narrow block alone, and with a masked tail), k
// below one chunk, without zeros: with alpha, and with alpha and a bias.
TEST_P(RowTimesMatrixTest, NarrowProductsAreExact) {
  for (int64_t n = 1; n <= 70; ++n) {
    Product p = random_product(37, n, 3, 30 + static_cast<uint64_t>(n));
    p.alpha = 0.375f;
    ASSERT_EQ(run(GetParam(), p), in_order(p)) << n << " columns";
    p.bias = random_values(static_cast<size_t>(n), 100 + static_cast<uint64_t>(n));
    ASSERT_EQ(run(GetParam(), p), in_order(p)) << n << " columns, with a bias";
  }
}

// A NaN in x reaches every column; a zero in x leaves out its row of B, infinite and NaN
// weights included (the documented difference from the BLAS, where 0 x inf gives NaN).
TEST_P(RowTimesMatrixTest, NaNInXReachesEveryColumnAndZeroLeavesOutItsRow) {
  Product with_nan = random_product(300, 40, 0, 40);
  for (int64_t i = 0; i < with_nan.k; i += 2) with_nan.x[static_cast<size_t>(i)] = 0.0f;
  with_nan.x[277] = std::nanf("");
  for (const float value : run(GetParam(), with_nan)) EXPECT_TRUE(std::isnan(value));

  Product with_zero = random_product(40, 20, 0, 41);
  with_zero.x[5] = 0.0f;
  with_zero.x[17] = -0.0f;
  const std::vector<float> expected = in_order(with_zero);
  const float infinity = std::numeric_limits<float>::infinity();
  with_zero.b[5 * 20 + 3] = infinity;
  with_zero.b[5 * 20 + 10] = std::nanf("");
  with_zero.b[5 * 20 + 18] = -infinity;  // in the masked tail of both sets
  with_zero.b[17 * 20 + 0] = -infinity;
  EXPECT_EQ(run(GetParam(), with_zero), expected);

  // The only zero in the last of 45 entries, past the last whole register of 8 or 16.
  Product zero_at_end = random_product(45, 20, 0, 42);
  zero_at_end.x[44] = 0.0f;
  const std::vector<float> expected_at_end = in_order(zero_at_end);
  for (int64_t j = 0; j < 20; ++j) zero_at_end.b[static_cast<size_t>(44 * 20 + j)] = infinity;
  EXPECT_EQ(run(GetParam(), zero_at_end), expected_at_end);
}

INSTANTIATE_TEST_SUITE_P(InstructionSets, RowTimesMatrixTest,
                         testing::Values(RowKernelIsa::avx512, RowKernelIsa::avx2),
                         [](const testing::TestParamInfo<RowKernelIsa>& param_info) {
                           return name_of(param_info.param);
                         });

}  // namespace
