// softmax and log_softmax at the edges of their input, along the last axis and along a
// strided one: a NaN in a slice makes that whole slice NaN and leaves the other slices
// alone; minus infinity gets probability 0; a slice of minus infinities is NaN, as in
// PyTorch.
#include "soma/ops/softmax.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "soma/tensor/tensor.hpp"

namespace soma {
namespace {

constexpr float nan_value = std::numeric_limits<float>::quiet_NaN();
constexpr float infinity = std::numeric_limits<float>::infinity();

TEST(Softmax, ANaNMakesItsRowNaNAndLeavesTheOtherRows) {
  // NaN first in one row and last in another.
  const Tensor x = from_values({3, 3}, {nan_value, 0, 1, 0, 1, nan_value, 0, 0, 0});
  for (const Tensor& result : {softmax(x, 1), log_softmax(x, 1)}) {
    for (int64_t i = 0; i < 6; ++i) EXPECT_TRUE(std::isnan(result.data()[i])) << i;
  }
  const Tensor p = softmax(x, 1);
  const Tensor log_p = log_softmax(x, 1);
  for (int64_t i = 6; i < 9; ++i) {
    EXPECT_NEAR(p.data()[i], 1.0f / 3.0f, 1e-7f) << i;
    EXPECT_NEAR(log_p.data()[i], -std::log(3.0f), 1e-6f) << i;
  }
}

TEST(Softmax, AlongAStridedAxisANaNMakesItsColumnNaN) {
  // Columns are the slices along axis 0: (NaN, 0), (0, -inf), (ln 3, 0).
  const Tensor x = from_values({2, 3}, {nan_value, 0, std::log(3.0f), 0, -infinity, 0});
  const Tensor p = softmax(x, 0);
  const Tensor log_p = log_softmax(x, 0);
  for (int64_t i : {0, 3}) {
    EXPECT_TRUE(std::isnan(p.data()[i])) << i;
    EXPECT_TRUE(std::isnan(log_p.data()[i])) << i;
  }
  EXPECT_EQ(p.data()[1], 1.0f);  // softmax(0, -inf) = (1, 0)
  EXPECT_EQ(p.data()[4], 0.0f);
  EXPECT_EQ(log_p.data()[4], -infinity);
  EXPECT_NEAR(p.data()[2], 0.75f, 1e-7f);  // softmax(ln 3, 0) = (3/4, 1/4)
  EXPECT_NEAR(p.data()[5], 0.25f, 1e-7f);
}

TEST(Softmax, MinusInfinityGetsProbabilityZero) {
  // softmax(-inf, 0, ln 3) = (0, 1/4, 3/4).
  const Tensor x = from_values({1, 3}, {-infinity, 0, std::log(3.0f)});
  const Tensor p = softmax(x, 1);
  EXPECT_EQ(p.data()[0], 0.0f);
  EXPECT_NEAR(p.data()[1], 0.25f, 1e-7f);
  EXPECT_NEAR(p.data()[2], 0.75f, 1e-7f);
  const Tensor log_p = log_softmax(x, 1);
  EXPECT_EQ(log_p.data()[0], -infinity);
  EXPECT_NEAR(log_p.data()[1], std::log(0.25f), 1e-6f);
}

TEST(Softmax, ARowOfMinusInfinitiesIsNaN) {
  const Tensor p = softmax(from_values({1, 2}, {-infinity, -infinity}), 1);
  EXPECT_TRUE(std::isnan(p.data()[0]));
  EXPECT_TRUE(std::isnan(p.data()[1]));
}

}  // namespace
}  // namespace soma
