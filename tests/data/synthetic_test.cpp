// Tests the synthetic datasets: shapes and balanced labels, reproducibility from a seed, the
// geometry of each generator without noise, the 1-d regression functions, and errors.
#include "soma/data/synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::Shape;
using soma::data::Dataset;
using soma::data::Function1d;

constexpr double pi = std::numbers::pi;

using Planar = std::function<Dataset(int64_t samples, double noise, Generator& generator)>;

struct NamedGenerator {
  const char* name;  // as the generator's error messages name it
  Planar make;
};

const std::vector<NamedGenerator>& planar_generators() {
  static const std::vector<NamedGenerator> all = {
      {"gaussians",
       [](int64_t n, double noise, Generator& g) { return soma::data::gaussians(n, noise, g); }},
      {"circles", soma::data::circles},
      {"xor", soma::data::xor_quadrants},
      {"spiral", soma::data::spirals},
      {"moons", soma::data::moons},
  };
  return all;
}

std::vector<int64_t> label_counts(const Dataset& dataset) {
  std::vector<int64_t> counts(static_cast<size_t>(dataset.classes), 0);
  for (float label : dataset.targets.to_vector()) {
    EXPECT_EQ(label, std::floor(label));
    EXPECT_GE(label, 0.0f);
    EXPECT_LT(label, static_cast<float>(dataset.classes));
    ++counts.at(static_cast<size_t>(label));
  }
  return counts;
}

TEST(SyntheticTest, ShapesAndNames) {
  for (const auto& [name, make] : planar_generators()) {
    SCOPED_TRACE(name);
    Generator generator(1);
    const Dataset dataset = make(101, 0.1, generator);
    EXPECT_EQ(dataset.features.shape(), (Shape{101, 2}));
    EXPECT_EQ(dataset.targets.shape(), (Shape{101}));
    EXPECT_EQ(dataset.size(), 101);
    EXPECT_EQ(dataset.classes, 2);
    EXPECT_EQ(dataset.feature_names, (std::vector<std::string>{"x1", "x2"}));
  }
}

TEST(SyntheticTest, LabelsAreBalanced) {
  for (const auto& [name, make] : planar_generators()) {
    SCOPED_TRACE(name);
    Generator generator(2);
    const std::vector<int64_t> counts = label_counts(make(101, 0.1, generator));
    if (std::string(name) == "xor") {
      // Labels follow the random quadrant: about half each.
      EXPECT_NEAR(static_cast<double>(counts[0]), 50.5, 15.0);
      Generator big(2);
      const std::vector<int64_t> many = label_counts(soma::data::xor_quadrants(4000, 0.0, big));
      EXPECT_NEAR(static_cast<double>(many[1]) / 4000.0, 0.5, 0.03);
    } else {
      EXPECT_EQ(counts, (std::vector<int64_t>{51, 50}));  // alternating, the odd one to 0
    }
  }
  Generator generator(3);
  EXPECT_EQ(label_counts(soma::data::gaussians(100, 0.1, generator, 3)),
            (std::vector<int64_t>{34, 33, 33}));
  EXPECT_EQ(label_counts(soma::data::gaussians(101, 0.1, generator, 3)),
            (std::vector<int64_t>{34, 34, 33}));
  EXPECT_EQ(label_counts(soma::data::gaussians(8, 0.1, generator, 4)),
            (std::vector<int64_t>{2, 2, 2, 2}));
}

TEST(SyntheticTest, SameSeedSameDataDifferentSeedDifferentData) {
  for (const auto& [name, make] : planar_generators()) {
    SCOPED_TRACE(name);
    Generator a(7);
    Generator b(7);
    Generator c(8);
    const Dataset first = make(50, 0.2, a);
    const Dataset second = make(50, 0.2, b);
    const Dataset third = make(50, 0.2, c);
    EXPECT_EQ(first.features.to_vector(), second.features.to_vector());
    EXPECT_EQ(first.targets.to_vector(), second.targets.to_vector());
    EXPECT_NE(first.features.to_vector(), third.features.to_vector());
  }
  Generator a(7);
  Generator b(7);
  Generator c(8);
  const Dataset first = soma::data::regression_1d(Function1d::sine, 30, 0.1, a);
  const Dataset second = soma::data::regression_1d(Function1d::sine, 30, 0.1, b);
  const Dataset third = soma::data::regression_1d(Function1d::sine, 30, 0.1, c);
  EXPECT_EQ(first.features.to_vector(), second.features.to_vector());
  EXPECT_EQ(first.targets.to_vector(), second.targets.to_vector());
  EXPECT_NE(first.features.to_vector(), third.features.to_vector());
}

TEST(SyntheticTest, NoiseMovesPointsOffTheCleanShape) {
  Generator a(9);
  Generator b(9);
  const Dataset clean = soma::data::circles(200, 0.0, a);
  const Dataset noisy = soma::data::circles(200, 0.1, b);
  double squared_radius_error = 0.0;
  for (int64_t i = 0; i < 200; ++i) {
    const double radius = std::hypot(noisy.features.at({i, 0}), noisy.features.at({i, 1}));
    const double expected = i % 2 == 0 ? 1.0 : 0.5;
    squared_radius_error += (radius - expected) * (radius - expected);
  }
  // The radial part of 2-d noise of deviation 0.1 has deviation about 0.1.
  EXPECT_NEAR(std::sqrt(squared_radius_error / 200.0), 0.1, 0.03);
  EXPECT_NE(clean.features.to_vector(), noisy.features.to_vector());
}

TEST(SyntheticTest, CirclesHaveRadiusOneAndOneHalf) {
  Generator generator(10);
  const Dataset dataset = soma::data::circles(400, 0.0, generator);
  double angle_spread = 0.0;
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const double x1 = dataset.features.at({i, 0});
    const double x2 = dataset.features.at({i, 1});
    const float label = dataset.targets.at({i});
    ASSERT_TRUE(label == 0.0f || label == 1.0f);
    EXPECT_NEAR(std::hypot(x1, x2), label == 0.0f ? 1.0 : 0.5, 1e-6) << "sample " << i;
    angle_spread += std::cos(std::atan2(x2, x1));
  }
  // Angles spread around the whole circle: the mean cosine is near 0.
  EXPECT_NEAR(angle_spread / 400.0, 0.0, 0.15);
}

TEST(SyntheticTest, XorLabelsFollowTheQuadrants) {
  Generator generator(11);
  const Dataset dataset = soma::data::xor_quadrants(500, 0.0, generator);
  int quadrants[4] = {0, 0, 0, 0};
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const float x1 = dataset.features.at({i, 0});
    const float x2 = dataset.features.at({i, 1});
    EXPECT_GE(x1, -1.0f);
    EXPECT_LT(x1, 1.0f);
    EXPECT_GE(x2, -1.0f);
    EXPECT_LT(x2, 1.0f);
    const bool different_signs = (x1 < 0.0f) != (x2 < 0.0f);
    EXPECT_EQ(dataset.targets.at({i}), different_signs ? 1.0f : 0.0f) << x1 << ", " << x2;
    ++quadrants[(x1 < 0.0f ? 1 : 0) + (x2 < 0.0f ? 2 : 0)];
  }
  for (int count : quadrants) EXPECT_GT(count, 80);  // every quadrant is populated
}

TEST(SyntheticTest, GaussiansAreCentredOnACircleOfRadiusTwo) {
  for (const int64_t classes : {2, 3, 5}) {
    SCOPED_TRACE("classes " + std::to_string(classes));
    Generator generator(12);
    const int64_t samples = 600 * classes;
    const Dataset dataset = soma::data::gaussians(samples, 0.3, generator, classes);
    EXPECT_EQ(dataset.classes, classes);
    std::vector<double> sum1(static_cast<size_t>(classes), 0.0);
    std::vector<double> sum2(static_cast<size_t>(classes), 0.0);
    std::vector<int64_t> count(static_cast<size_t>(classes), 0);
    for (int64_t i = 0; i < samples; ++i) {
      const auto label = static_cast<size_t>(dataset.targets.at({i}));
      sum1[label] += dataset.features.at({i, 0});
      sum2[label] += dataset.features.at({i, 1});
      ++count[label];
    }
    for (int64_t k = 0; k < classes; ++k) {
      const auto kk = static_cast<size_t>(k);
      const double angle = 2.0 * pi * static_cast<double>(k) / static_cast<double>(classes);
      // Standard error of the mean: 0.3 / sqrt(600) = 0.012.
      EXPECT_NEAR(sum1[kk] / static_cast<double>(count[kk]), 2.0 * std::cos(angle), 0.05);
      EXPECT_NEAR(sum2[kk] / static_cast<double>(count[kk]), 2.0 * std::sin(angle), 0.05);
    }
  }
  // Without noise every point sits exactly on its centre: class 1 of 4 at (0, 2).
  Generator generator(13);
  const Dataset exact = soma::data::gaussians(8, 0.0, generator, 4);
  EXPECT_NEAR(exact.features.at({1, 0}), 0.0, 1e-6);
  EXPECT_NEAR(exact.features.at({1, 1}), 2.0, 1e-6);
  EXPECT_NEAR(exact.features.at({2, 0}), -2.0, 1e-6);
  EXPECT_NEAR(exact.features.at({0, 0}), 2.0, 1e-6);
}

TEST(SyntheticTest, SpiralsFollowTheirCurves) {
  Generator generator(14);
  const Dataset dataset = soma::data::spirals(300, 0.0, generator);
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const double x1 = dataset.features.at({i, 0});
    const double x2 = dataset.features.at({i, 1});
    const double label = dataset.targets.at({i});
    // Radius t in [0, 1), angle 3 pi t, plus pi for the second spiral.
    const double t = std::hypot(x1, x2);
    EXPECT_LT(t, 1.0);
    const double angle = 3.0 * pi * t + pi * label;
    EXPECT_NEAR(x1, t * std::cos(angle), 1e-5) << "sample " << i;
    EXPECT_NEAR(x2, t * std::sin(angle), 1e-5) << "sample " << i;
  }
}

TEST(SyntheticTest, MoonsAreTwoInterleavedHalfCircles) {
  Generator generator(15);
  const Dataset dataset = soma::data::moons(300, 0.0, generator);
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const double x1 = dataset.features.at({i, 0});
    const double x2 = dataset.features.at({i, 1});
    if (dataset.targets.at({i}) == 0.0f) {
      // The upper half of the unit circle.
      EXPECT_NEAR(std::hypot(x1, x2), 1.0, 1e-6);
      EXPECT_GE(x2, 0.0);
    } else {
      // The lower half of the unit circle centred at (1, 0.5).
      EXPECT_NEAR(std::hypot(x1 - 1.0, x2 - 0.5), 1.0, 1e-6);
      EXPECT_LE(x2, 0.5);
    }
  }
}

// The four functions written out independently.
double expected_function(Function1d function, double x) {
  switch (function) {
    case Function1d::sine:
      return std::sin(2.0 * pi * x);
    case Function1d::abs:
      return std::fabs(2.0 * x - 1.0);
    case Function1d::step:
      return x >= 0.5 ? 1.0 : 0.0;
    case Function1d::polynomial:
      return 8.0 * x * x * x - 12.0 * x * x + 4.0 * x + 0.5;
  }
  return std::nan("");
}

TEST(SyntheticTest, RegressionTargetsAreTheFunctionWithoutNoise) {
  for (const Function1d function :
       {Function1d::sine, Function1d::abs, Function1d::step, Function1d::polynomial}) {
    SCOPED_TRACE(static_cast<int>(function));
    Generator generator(16);
    const Dataset dataset = soma::data::regression_1d(function, 200, 0.0, generator);
    EXPECT_EQ(dataset.features.shape(), (Shape{200, 1}));
    EXPECT_EQ(dataset.targets.shape(), (Shape{200, 1}));
    EXPECT_EQ(dataset.classes, 0);
    EXPECT_FALSE(dataset.is_classification());
    EXPECT_EQ(dataset.feature_names, (std::vector<std::string>{"x"}));
    double low = 1.0;
    double high = 0.0;
    for (int64_t i = 0; i < 200; ++i) {
      const double x = dataset.features.at({i, 0});
      low = std::min(low, x);
      high = std::max(high, x);
      EXPECT_NEAR(dataset.targets.at({i, 0}), expected_function(function, x), 1e-5) << x;
      EXPECT_NEAR(soma::data::evaluate_function_1d(function, x), expected_function(function, x),
                  1e-12);
    }
    EXPECT_GE(low, 0.0);
    EXPECT_LE(high, 1.0);
    EXPECT_LT(low, 0.05);  // the draws cover the interval
    EXPECT_GT(high, 0.95);
  }
  // Hand values: sin(2 pi 0.25) = 1, |2 0.25 - 1| = 0.5, step(0.5) = 1, p(0.5) = 0.5.
  EXPECT_NEAR(soma::data::evaluate_function_1d(Function1d::sine, 0.25), 1.0, 1e-12);
  EXPECT_NEAR(soma::data::evaluate_function_1d(Function1d::abs, 0.25), 0.5, 1e-12);
  EXPECT_EQ(soma::data::evaluate_function_1d(Function1d::step, 0.5), 1.0);
  EXPECT_EQ(soma::data::evaluate_function_1d(Function1d::step, 0.4999), 0.0);
  EXPECT_NEAR(soma::data::evaluate_function_1d(Function1d::polynomial, 0.5), 0.5, 1e-12);
  EXPECT_NEAR(soma::data::evaluate_function_1d(Function1d::polynomial, 1.0), 0.5, 1e-12);
}

TEST(SyntheticTest, RegressionOnAnotherIntervalWithNoise) {
  Generator generator(17);
  const Dataset dataset =
      soma::data::regression_1d(Function1d::abs, 4000, 0.2, generator, -1.0, 2.0);
  double squares = 0.0;
  for (int64_t i = 0; i < 4000; ++i) {
    const double x = dataset.features.at({i, 0});
    EXPECT_GE(x, -1.0);
    EXPECT_LE(x, 2.0);
    const double residual = dataset.targets.at({i, 0}) - expected_function(Function1d::abs, x);
    squares += residual * residual;
  }
  EXPECT_NEAR(std::sqrt(squares / 4000.0), 0.2, 0.01);
}

TEST(SyntheticTest, ParsesFunctionNames) {
  EXPECT_EQ(soma::data::parse_function_1d("sine"), Function1d::sine);
  EXPECT_EQ(soma::data::parse_function_1d("sin"), Function1d::sine);
  EXPECT_EQ(soma::data::parse_function_1d("abs"), Function1d::abs);
  EXPECT_EQ(soma::data::parse_function_1d("step"), Function1d::step);
  EXPECT_EQ(soma::data::parse_function_1d("polynomial"), Function1d::polynomial);
  EXPECT_EQ(error_message([] { soma::data::parse_function_1d("cosine"); }),
            "unknown 1-d function 'cosine' (valid: sine, abs, step, polynomial)");
}

TEST(SyntheticTest, Errors) {
  Generator generator(18);
  for (const auto& [name, make] : planar_generators()) {
    SCOPED_TRACE(name);
    const std::string zero = error_message([&] { make(0, 0.1, generator); });
    EXPECT_EQ(zero, std::string(name) + ": the number of samples must be positive, got 0");
    const std::string negative = error_message([&] { make(-3, 0.1, generator); });
    EXPECT_EQ(negative, std::string(name) + ": the number of samples must be positive, got -3");
    EXPECT_EQ(error_message([&] { make(10, -0.1, generator); }),
              std::string(name) + ": the noise must be a non-negative number");
    EXPECT_EQ(error_message([&] { make(10, std::nan(""), generator); }),
              std::string(name) + ": the noise must be a non-negative number");
  }
  EXPECT_EQ(error_message([&] { soma::data::gaussians(10, 0.1, generator, 1); }),
            "gaussians: at least 2 classes are needed");
  EXPECT_EQ(error_message([&] { soma::data::regression_1d(Function1d::sine, 0, 0.1, generator); }),
            "regression: the number of samples must be positive, got 0");
  EXPECT_EQ(
      error_message([&] { soma::data::regression_1d(Function1d::sine, 10, -1.0, generator); }),
      "regression: the noise must be a non-negative number");
  EXPECT_EQ(error_message(
                [&] { soma::data::regression_1d(Function1d::sine, 10, 0.1, generator, 1.0, 1.0); }),
            "regression: the interval must have low < high");
}

}  // namespace
