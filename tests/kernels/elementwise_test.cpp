// Tests of the vectorised exp, tanh and sigmoid kernels against the C library, computed in
// double: within a few units in the last place over the whole float range, with the right
// limits at the ends.
#include "soma/kernels/elementwise.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace soma::kernels {
namespace {

std::vector<float> sweep() {
  std::vector<float> x;
  for (float v = -100.0f; v <= 100.0f; v += 0.00137f) x.push_back(v);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-6f, 88.72f, -87.3f, 0.624f, 0.626f}) {
    x.push_back(v);
  }
  return x;
}

// The largest relative error against `reference` rounded to float, ignoring results that
// are denormal (flushed to 0 by the kernel).
double worst_relative_error(void (*kernel)(const float*, float*, int64_t),
                            double (*reference)(double)) {
  const std::vector<float> x = sweep();
  std::vector<float> y(x.size());
  kernel(x.data(), y.data(), static_cast<int64_t>(x.size()));
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const auto expected = static_cast<double>(static_cast<float>(reference(x[i])));
    if (std::isinf(expected)) {
      EXPECT_EQ(y[i], static_cast<float>(expected)) << "at " << x[i];
      continue;
    }
    if (std::fabs(expected) < std::numeric_limits<float>::min()) continue;
    worst = std::fmax(worst, std::fabs(y[i] - expected) / std::fabs(expected));
  }
  return worst;
}

constexpr double a_few_ulp = 3e-7;  // float's unit in the last place is 6e-8 to 1.2e-7

TEST(ElementwiseKernels, ExpIsAccurateAndSaturates) {
  EXPECT_LT(worst_relative_error(exp, [](double v) { return std::exp(v); }), a_few_ulp);
  const float in[] = {0.0f, 1.0f, 100.0f, -100.0f, INFINITY, -INFINITY};
  float out[6];
  exp(in, out, 6);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_NEAR(out[1], 2.7182817f, 3e-7f);
  EXPECT_EQ(out[2], INFINITY);
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_EQ(out[4], INFINITY);
  EXPECT_EQ(out[5], 0.0f);
}

TEST(ElementwiseKernels, TanhIsAccurateAndOdd) {
  EXPECT_LT(worst_relative_error(tanh, [](double v) { return std::tanh(v); }), a_few_ulp);
  const float in[] = {0.3f, -0.3f, 50.0f, -50.0f, INFINITY, -INFINITY};
  float out[6];
  tanh(in, out, 6);
  EXPECT_EQ(out[0], -out[1]);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[3], -1.0f);
  EXPECT_EQ(out[4], 1.0f);
  EXPECT_EQ(out[5], -1.0f);
}

TEST(ElementwiseKernels, SigmoidIsAccurateAndStable) {
  EXPECT_LT(worst_relative_error(sigmoid, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }),
            a_few_ulp);
  const float in[] = {0.0f, 100.0f, -100.0f, INFINITY, -INFINITY};
  float out[5];
  sigmoid(in, out, 5);
  EXPECT_EQ(out[0], 0.5f);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_GE(out[2], 0.0f);  // e^-100 is denormal in float: flushed to 0
  EXPECT_LT(out[2], 1e-37f);
  EXPECT_EQ(out[3], 1.0f);
  EXPECT_EQ(out[4], 0.0f);
}

// NaN, infinities and the largest floats, alone and among ordinary values in arrays long
// enough for every vector width: the limits are exact, NaN stays NaN, and a NaN in one lane
// leaves its neighbours' values as they are without it. The sanitizer build checks that no
// input is converted to an integer out of range (a NaN's exponent once was).
TEST(ElementwiseKernels, NonFiniteAndHugeInputsGiveTheirLimits) {
  constexpr float nan_value = std::numeric_limits<float>::quiet_NaN();
  constexpr float largest = std::numeric_limits<float>::max();
  const std::vector<float> in = {nan_value, -nan_value, INFINITY, -INFINITY,
                                 largest,   -largest,   1e30f,    -1e30f};
  // exp, tanh, sigmoid of each input above; NaN for NaN.
  const std::vector<std::vector<float>> limits = {
      {nan_value, nan_value, INFINITY, 0.0f, INFINITY, 0.0f, INFINITY, 0.0f},
      {nan_value, nan_value, 1.0f, -1.0f, 1.0f, -1.0f, 1.0f, -1.0f},
      {nan_value, nan_value, 1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f}};
  void (*const kernel_of[])(const float*, float*, int64_t) = {exp, tanh, sigmoid};
  for (size_t k = 0; k < 3; ++k) {
    std::vector<float> out(in.size());
    kernel_of[k](in.data(), out.data(), static_cast<int64_t>(in.size()));
    for (size_t i = 0; i < in.size(); ++i) {
      if (std::isnan(limits[k][i])) {
        EXPECT_TRUE(std::isnan(out[i])) << "kernel " << k << " at " << in[i] << ": " << out[i];
      } else {
        EXPECT_EQ(out[i], limits[k][i]) << "kernel " << k << " at " << in[i];
      }
    }
    // 37 ordinary values with a NaN or an infinity every fifth place.
    std::vector<float> ordinary(37);
    for (size_t i = 0; i < ordinary.size(); ++i) ordinary[i] = 0.37f * static_cast<float>(i) - 5.0f;
    std::vector<float> mixed = ordinary;
    for (size_t i = 0; i < mixed.size(); i += 5) mixed[i] = in[i % in.size()];
    std::vector<float> expected(ordinary.size());
    std::vector<float> got(mixed.size());
    kernel_of[k](ordinary.data(), expected.data(), static_cast<int64_t>(ordinary.size()));
    kernel_of[k](mixed.data(), got.data(), static_cast<int64_t>(mixed.size()));
    for (size_t i = 0; i < mixed.size(); ++i) {
      if (i % 5 == 0) {
        const float limit = limits[k][i % in.size()];
        EXPECT_TRUE(std::isnan(limit) ? std::isnan(got[i]) : got[i] == limit) << k << " " << i;
      } else {
        EXPECT_EQ(got[i], expected[i]) << "kernel " << k << " at " << mixed[i];
      }
    }
  }
}

TEST(ElementwiseKernels, InPlaceAndEveryLength) {
  // Lengths around vector widths exercise the remainder loops of each clone.
  for (int64_t count = 0; count < 40; ++count) {
    std::vector<float> values(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
      values[static_cast<size_t>(i)] = 0.1f * static_cast<float>(i) - 2.0f;
    std::vector<float> expected = values;
    for (float& v : expected) v = std::tanh(v);
    tanh(values.data(), values.data(), count);
    for (int64_t i = 0; i < count; ++i) {
      EXPECT_NEAR(values[static_cast<size_t>(i)], expected[static_cast<size_t>(i)], 2e-7f);
    }
  }
}

}  // namespace
}  // namespace soma::kernels
