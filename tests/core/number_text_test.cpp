// number_text: the text error messages and `soma predict` write for a float.
#include "soma/core/number_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace soma {
namespace {

TEST(NumberTextTest, WritesSixSignificantDigitsAsPrintfDoes) {
  EXPECT_EQ(number_text(0.1f), "0.1");
  EXPECT_EQ(number_text(-2.5f), "-2.5");
  EXPECT_EQ(number_text(1e-8f), "1e-08");
  EXPECT_EQ(number_text(123456.789f), "123457");
  EXPECT_EQ(number_text(1234567.0f), "1.23457e+06");
  EXPECT_EQ(number_text(0.0f), "0");
}

TEST(NumberTextTest, WritesNegativeZeroAsZero) {
  EXPECT_EQ(number_text(-0.0f), "0");
  EXPECT_EQ(number_text(-0.0f, 3), "0");
  EXPECT_EQ(number_text(-1e-30f), "-1e-30");  // a negative number keeps its sign
}

TEST(NumberTextTest, WritesTheInfinitiesAndNaN) {
  EXPECT_EQ(number_text(std::numeric_limits<float>::infinity()), "inf");
  EXPECT_EQ(number_text(-std::numeric_limits<float>::infinity()), "-inf");
  EXPECT_EQ(number_text(std::numeric_limits<float>::quiet_NaN()), "nan");
}

}  // namespace
}  // namespace soma
