// Tests map_features and with_features: each named feature on a few points, column order,
// and the errors for unknown names and data without exactly two features.
#include "soma/data/features.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/data/synthetic.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Shape;
using soma::Tensor;
using soma::data::Dataset;

// Three points: (3, 4), (-1, 0), (0.5, -2).
Tensor points() {
  return soma::tensor({{3.0f, 4.0f}, {-1.0f, 0.0f}, {0.5f, -2.0f}});
}

std::vector<float> column(const std::string& name) {
  const Tensor out = soma::data::map_features(points(), {name});
  EXPECT_EQ(out.shape(), (Shape{3, 1})) << name;
  return out.to_vector();
}

TEST(FeaturesTest, EachFeatureOnAFewPoints) {
  EXPECT_EQ(column("x1"), (std::vector<float>{3.0f, -1.0f, 0.5f}));
  EXPECT_EQ(column("x2"), (std::vector<float>{4.0f, 0.0f, -2.0f}));
  EXPECT_EQ(column("x1^2"), (std::vector<float>{9.0f, 1.0f, 0.25f}));
  EXPECT_EQ(column("x2^2"), (std::vector<float>{16.0f, 0.0f, 4.0f}));
  EXPECT_EQ(column("x1*x2"), (std::vector<float>{12.0f, -0.0f, -1.0f}));
  EXPECT_EQ(column("r"), (std::vector<float>{5.0f, 1.0f, static_cast<float>(std::sqrt(4.25))}));

  const std::vector<float> sin1 = column("sin(x1)");
  EXPECT_FLOAT_EQ(sin1[0], 0.14112000805986722f);  // sin(3)
  EXPECT_FLOAT_EQ(sin1[1], -0.8414709848078965f);  // sin(-1)
  EXPECT_FLOAT_EQ(sin1[2], 0.479425538604203f);    // sin(0.5)
  const std::vector<float> sin2 = column("sin(x2)");
  EXPECT_FLOAT_EQ(sin2[0], -0.7568024953079282f);  // sin(4)
  EXPECT_EQ(sin2[1], 0.0f);
  EXPECT_FLOAT_EQ(sin2[2], -0.9092974268256817f);  // sin(-2)

  // theta = atan2(x2, x1): the angle from the positive x1 axis, in (-pi, pi].
  const std::vector<float> theta = column("theta");
  EXPECT_FLOAT_EQ(theta[0], 0.9272952180016122f);  // atan(4 / 3)
  EXPECT_FLOAT_EQ(theta[1], static_cast<float>(std::numbers::pi));
  EXPECT_FLOAT_EQ(theta[2], -1.3258176636680326f);  // -atan(4), in the fourth quadrant
}

TEST(FeaturesTest, ColumnsFollowTheOrderOfTheNames) {
  const Tensor out = soma::data::map_features(points(), {"r", "x1", "x1*x2", "x1"});
  ASSERT_EQ(out.shape(), (Shape{3, 4}));
  EXPECT_EQ(out.to_vector(),
            (std::vector<float>{5.0f, 3.0f, 12.0f, 3.0f,    //
                                1.0f, -1.0f, -0.0f, -1.0f,  //
                                static_cast<float>(std::sqrt(4.25)), 0.5f, -1.0f, 0.5f}));
  const Tensor swapped = soma::data::map_features(points(), {"x2", "x1"});
  EXPECT_EQ(swapped.to_vector(), (std::vector<float>{4.0f, 3.0f, 0.0f, -1.0f, -2.0f, 0.5f}));
}

TEST(FeaturesTest, NamesListsEveryFeature) {
  EXPECT_EQ(soma::data::feature_map_names(),
            (std::vector<std::string>{"x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)",
                                      "r", "theta"}));
  // Every listed name is accepted.
  const Tensor all = soma::data::map_features(points(), soma::data::feature_map_names());
  EXPECT_EQ(all.shape(), (Shape{3, 9}));
}

TEST(FeaturesTest, UnknownNamesListTheValidOnes) {
  EXPECT_EQ(error_message([] {
              soma::data::map_features(points(), {"x1", "x3"});
            }),
            "unknown feature 'x3' (valid: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2), r, theta)");
  EXPECT_EQ(error_message([] { soma::data::map_features(points(), {"X1"}); }),
            "unknown feature 'X1' (valid: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2), r, theta)");
  EXPECT_EQ(error_message([] { soma::data::map_features(points(), {}); }),
            "feature maps: no feature named");
}

TEST(FeaturesTest, NeedsExactlyTwoFeatures) {
  EXPECT_EQ(error_message([] {
              soma::data::map_features(soma::zeros(Shape{4, 3}), {"x1"});
            }),
            "feature maps need data with two features (x1, x2), got shape (4x3)");
  EXPECT_EQ(error_message([] {
              soma::data::map_features(soma::zeros(Shape{4, 1}), {"x1"});
            }),
            "feature maps need data with two features (x1, x2), got shape (4x1)");
  EXPECT_EQ(error_message([] { soma::data::map_features(soma::zeros(Shape{2}), {"x1"}); }),
            "feature maps need data with two features (x1, x2), got shape (2)");
  EXPECT_EQ(error_message([] {
              soma::data::map_features(soma::zeros(Shape{2, 2, 2}), {"x1"});
            }),
            "feature maps need data with two features (x1, x2), got shape (2x2x2)");
}

// With x1^2 and x2^2 the circles become linearly separable: x1^2 + x2^2 is 1 or 0.25.
TEST(FeaturesTest, WithFeaturesReplacesFeaturesAndNames) {
  soma::Generator generator(1);
  const Dataset circles = soma::data::circles(40, 0.0, generator);
  const Dataset mapped = soma::data::with_features(circles, {"x1^2", "x2^2"});
  EXPECT_EQ(mapped.features.shape(), (Shape{40, 2}));
  EXPECT_EQ(mapped.feature_names, (std::vector<std::string>{"x1^2", "x2^2"}));
  EXPECT_EQ(mapped.classes, 2);
  EXPECT_EQ(mapped.targets.to_vector(), circles.targets.to_vector());
  for (int64_t i = 0; i < 40; ++i) {
    const float x1 = circles.features.at({i, 0});
    EXPECT_FLOAT_EQ(mapped.features.at({i, 0}), x1 * x1);
    const double radius_squared = mapped.features.at({i, 0}) + mapped.features.at({i, 1});
    EXPECT_NEAR(radius_squared, mapped.targets.at({i}) == 0.0f ? 1.0 : 0.25, 1e-6);
  }
  EXPECT_EQ(error_message([&] { soma::data::with_features(circles, {"z"}); }).substr(0, 21),
            "unknown feature 'z' (");
}

}  // namespace
