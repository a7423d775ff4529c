// Tests Generator (xoshiro256** seeded through splitmix64) and the uniform() and normal()
// tensor factories: reproducible, correctly distributed, and in range.
#include "soma/tensor/generator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/tensor/tensor.hpp"

namespace {

using soma::Generator;

// Mean and standard deviation of `count` draws from `draw`, in double.
template <class Draw>
std::pair<double, double> mean_and_stddev(int count, Draw draw) {
  double total = 0.0;
  double total_squares = 0.0;
  for (int i = 0; i < count; ++i) {
    const double value = draw();
    total += value;
    total_squares += value * value;
  }
  const double mean = total / count;
  return {mean, std::sqrt(total_squares / count - mean * mean)};
}

// The reference outputs of xoshiro256** whose state is filled by splitmix64 from the seed,
// computed independently (Python, from the published algorithms): the same seed must give
// these numbers on every platform.
TEST(GeneratorTest, MatchesTheReferenceAlgorithm) {
  Generator zero(0);
  EXPECT_EQ(zero.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.next_u64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(zero.next_u64(), 0x1a5f849d4933e6e0ULL);
  Generator forty_two(42);
  EXPECT_EQ(forty_two.next_u64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(forty_two.next_u64(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(forty_two.next_u64(), 0xae17533239e499a1ULL);
}

TEST(GeneratorTest, UniformUsesTheTop24Bits) {
  // The top 24 bits of the outputs above, times 2^-24.
  Generator generator(42);
  EXPECT_EQ(generator.uniform(), 0x1.5780b0p-4f);
  EXPECT_EQ(generator.uniform(), 0x1.841364p-2f);
  EXPECT_EQ(generator.uniform(), 0x1.5c2ea6p-1f);
}

TEST(GeneratorTest, SameSeedGivesTheSameNumbers) {
  Generator a(1234);
  Generator b(1234);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(a.next_u64(), b.next_u64()) << "draw " << i;
    ASSERT_EQ(a.uniform(), b.uniform()) << "draw " << i;
    ASSERT_EQ(a.normal(), b.normal()) << "draw " << i;
  }
}

TEST(GeneratorTest, DifferentSeedsGiveDifferentNumbers) {
  Generator a(1);
  Generator b(2);
  int equal = 0;
  for (int i = 0; i < 1000; ++i) equal += a.next_u64() == b.next_u64() ? 1 : 0;
  EXPECT_EQ(equal, 0);
}

TEST(GeneratorTest, UniformIsInTheHalfOpenUnitInterval) {
  Generator generator(7);
  const auto [mean, stddev] = mean_and_stddev(100000, [&] {
    const float value = generator.uniform();
    EXPECT_GE(value, 0.0f);
    EXPECT_LT(value, 1.0f);
    // A multiple of 2^-24, so exactly representable.
    EXPECT_EQ(std::ldexp(value, 24), std::floor(std::ldexp(value, 24)));
    return value;
  });
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(stddev, std::sqrt(1.0 / 12.0), 0.005);  // of U(0, 1)
}

TEST(GeneratorTest, NormalHasMeanZeroAndStandardDeviationOne) {
  Generator generator(11);
  int beyond_three_sigma = 0;
  const auto [mean, stddev] = mean_and_stddev(100000, [&] {
    const float value = generator.normal();
    EXPECT_TRUE(std::isfinite(value));
    beyond_three_sigma += std::fabs(value) > 3.0f ? 1 : 0;
    return value;
  });
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(stddev, 1.0, 0.02);
  // P(|z| > 3) = 0.27%: about 270 of 100,000.
  EXPECT_GT(beyond_three_sigma, 150);
  EXPECT_LT(beyond_three_sigma, 400);
}

TEST(GeneratorTest, BelowStaysInRangeAndHitsEveryValue) {
  Generator generator(3);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const uint64_t value = generator.below(7);
    ASSERT_LT(value, 7u);
    ++counts[value];
  }
  for (int count : counts) EXPECT_NEAR(count, 10000, 500);
}

TEST(GeneratorTest, BelowOneIsAlwaysZeroAndHugeBoundsWork) {
  Generator generator(5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(generator.below(1), 0u);
  const uint64_t huge = (uint64_t{1} << 63) + 12345;
  for (int i = 0; i < 100; ++i) EXPECT_LT(generator.below(huge), huge);
}

TEST(GeneratorTest, BelowZeroThrows) {
  Generator generator(5);
  EXPECT_THROW(generator.below(0), soma::Error);
}

TEST(GeneratorTest, UniformTensorHasShapeRangeAndRowMajorOrder) {
  Generator generator(21);
  const soma::Tensor t = soma::uniform(soma::Shape{3, 4}, -2.0f, 3.0f, generator);
  EXPECT_EQ(t.shape(), soma::Shape({3, 4}));
  Generator replay(21);
  for (int64_t i = 0; i < t.numel(); ++i) {
    EXPECT_GE(t.data()[i], -2.0f);
    EXPECT_LT(t.data()[i], 3.0f);
    EXPECT_EQ(t.data()[i], -2.0f + 5.0f * replay.uniform()) << "element " << i;
  }
}

TEST(GeneratorTest, NormalTensorHasTheRequestedMeanAndStandardDeviation) {
  Generator generator(8);
  const soma::Tensor t = soma::normal(soma::Shape{100, 100}, 5.0f, 2.0f, generator);
  EXPECT_EQ(t.shape(), soma::Shape({100, 100}));
  int64_t i = 0;
  const auto [mean, stddev] = mean_and_stddev(10000, [&] { return t.data()[i++]; });
  EXPECT_NEAR(mean, 5.0, 0.06);
  EXPECT_NEAR(stddev, 2.0, 0.06);
}

TEST(GeneratorTest, SameSeedGivesBitIdenticalTensors) {
  Generator a(99);
  Generator b(99);
  const soma::Tensor ua = soma::uniform(soma::Shape{17, 5}, 0.0f, 1.0f, a);
  const soma::Tensor na = soma::normal(soma::Shape{33}, 0.0f, 1.0f, a);
  const soma::Tensor ub = soma::uniform(soma::Shape{17, 5}, 0.0f, 1.0f, b);
  const soma::Tensor nb = soma::normal(soma::Shape{33}, 0.0f, 1.0f, b);
  EXPECT_EQ(std::memcmp(ua.data(), ub.data(), sizeof(float) * 85), 0);
  EXPECT_EQ(std::memcmp(na.data(), nb.data(), sizeof(float) * 33), 0);
  Generator c(100);
  const soma::Tensor uc = soma::uniform(soma::Shape{17, 5}, 0.0f, 1.0f, c);
  EXPECT_NE(std::memcmp(ua.data(), uc.data(), sizeof(float) * 85), 0);
}

TEST(GeneratorTest, FactoriesRejectInvalidParameters) {
  Generator generator(1);
  EXPECT_THROW(soma::uniform(soma::Shape{2}, 1.0f, 0.0f, generator), soma::Error);
  EXPECT_THROW(soma::normal(soma::Shape{2}, 0.0f, -1.0f, generator), soma::Error);
}

}  // namespace
