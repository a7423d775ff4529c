// Tests of Scaler: standard and minmax values by hand, constant columns, statistics from
// the training rows only, the exact text round trip, and the error messages.
#include "soma/data/scaler.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/tensor/generator.hpp"
#include "support/error_message.hpp"

namespace soma::data {
namespace {

using soma::testing::error_message;

TEST(Scaler, StandardByHand) {
  // Column 0: mean 2, population std 1. Column 1: constant, so std 1 and it maps to 0.
  const Tensor training = tensor({{1, 4}, {3, 4}});
  const Scaler scaler = Scaler::fit(ScalingKind::standard, training);
  EXPECT_EQ(scaler.offset(), (std::vector<float>{2, 4}));
  EXPECT_EQ(scaler.scale(), (std::vector<float>{1, 1}));
  EXPECT_EQ(scaler.transform(training).to_vector(), (std::vector<float>{-1, 0, 1, 0}));

  // Column 0: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population std 2 (sample std ~2.14).
  const Tensor column = tensor({{2}, {4}, {4}, {4}, {5}, {5}, {7}, {9}});
  const Scaler other = Scaler::fit(ScalingKind::standard, column);
  EXPECT_EQ(other.offset(), (std::vector<float>{5}));
  EXPECT_EQ(other.scale(), (std::vector<float>{2}));
  EXPECT_EQ(other.transform(column).to_vector(),
            (std::vector<float>{-1.5f, -0.5f, -0.5f, -0.5f, 0, 0, 1, 2}));
}

TEST(Scaler, MinMaxByHand) {
  const Tensor training = tensor({{0, 5, -1}, {2, 5, 3}, {4, 5, 1}});
  const Scaler scaler = Scaler::fit(ScalingKind::minmax, training);
  EXPECT_EQ(scaler.offset(), (std::vector<float>{0, 5, -1}));
  EXPECT_EQ(scaler.scale(), (std::vector<float>{4, 1, 4}));
  EXPECT_EQ(scaler.transform(training).to_vector(),
            (std::vector<float>{0, 0, 0, 0.5f, 0, 1, 1, 0, 0.5f}));
}

TEST(Scaler, NoneCopiesButChecksTheFeatureCount) {
  Tensor training = tensor({{1, 2}, {3, 4}});
  const Scaler scaler = Scaler::fit(ScalingKind::none, training);
  Tensor out = scaler.transform(training);
  EXPECT_EQ(out.to_vector(), training.to_vector());
  out.data()[0] = 100;
  EXPECT_EQ(training.data()[0], 1);  // an independent copy
  EXPECT_EQ(error_message([&] {
              scaler.transform(tensor({{1, 2, 3}}));
            }),
            "scaler: fitted on 2 features, given 3");
  EXPECT_EQ(Scaler().transform(tensor({{1, 2, 3}})).to_vector(), (std::vector<float>{1, 2, 3}));
}

TEST(Scaler, TestDataUsesTheTrainingStatistics) {
  const Tensor training = tensor({{1}, {3}});  // mean 2, std 1
  const Tensor test = tensor({{5}, {2}});      // mean 3.5, std 1.5 of its own
  const Scaler scaler = Scaler::fit(ScalingKind::standard, training);
  EXPECT_EQ(scaler.transform(test).to_vector(), (std::vector<float>{3, 0}));
  // Fitting on the test rows would have given other values: the statistics did not leak.
  EXPECT_EQ(Scaler::fit(ScalingKind::standard, test).transform(test).to_vector(),
            (std::vector<float>{1, -1}));

  const Scaler minmax = Scaler::fit(ScalingKind::minmax, training);
  EXPECT_EQ(minmax.transform(test).to_vector(), (std::vector<float>{2, 0.5f}));  // outside [0, 1]
}

TEST(Scaler, TextForm) {
  const Scaler standard = Scaler::fit(ScalingKind::standard, tensor({{1, 2}, {2, 2.5f}}));
  EXPECT_EQ(standard.to_text(), "standard\nmean 1.5 2.25\nscale 0.5 0.25\n");
  const Scaler minmax = Scaler::fit(ScalingKind::minmax, tensor({{0, -1}, {2, 3}}));
  EXPECT_EQ(minmax.to_text(), "minmax\nmin 0 -1\nscale 2 4\n");
  EXPECT_EQ(Scaler::fit(ScalingKind::none, tensor({{0, -1}})).to_text(), "none\nfeatures 2\n");
  EXPECT_EQ(Scaler().to_text(), "none\n");
}

TEST(Scaler, TextRoundTripIsExact) {
  Generator generator(11);
  const Tensor features = normal(Shape{50, 7}, 3.0f, 2.5f, generator);
  for (const ScalingKind kind : {ScalingKind::standard, ScalingKind::minmax, ScalingKind::none}) {
    const Scaler scaler = Scaler::fit(kind, features);
    const Scaler again = Scaler::from_text(scaler.to_text());
    EXPECT_TRUE(again == scaler) << scaler.to_text();
    const Tensor a = scaler.transform(features);
    const Tensor b = again.transform(features);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)), 0);
  }
  EXPECT_TRUE(Scaler::from_text("none\n") == Scaler());
  // CRLF and a missing final newline are accepted.
  EXPECT_TRUE(Scaler::from_text("minmax\r\nmin 0 -1\r\nscale 2 4") ==
              Scaler::fit(ScalingKind::minmax, tensor({{0, -1}, {2, 3}})));
}

TEST(Scaler, TextErrors) {
  const auto error = [](std::string_view text) {
    return error_message([&] { Scaler::from_text(text); });
  };
  EXPECT_EQ(error(""), "scaler text: empty");
  EXPECT_EQ(error("robust\n"),
            "scaler text: line 1: unknown scaling 'robust' (valid: none, standard, minmax)");
  EXPECT_EQ(error("standard\n"), "scaler text: line 2: missing the 'mean' line");
  EXPECT_EQ(error("standard\nmean 1 2\n"), "scaler text: line 3: missing the 'scale' line");
  EXPECT_EQ(error("minmax\nmean 1 2\nscale 1 1\n"),
            "scaler text: line 2: expected 'min' followed by numbers, got 'mean 1 2'");
  EXPECT_EQ(error("standard\nmean\nscale 1\n"), "scaler text: line 2: no values after 'mean'");
  EXPECT_EQ(error("standard\nmean 1 x\nscale 1 1\n"),
            "scaler text: line 2: 'x' is not a finite number");
  EXPECT_EQ(error("standard\nmean 1 nan\nscale 1 1\n"),
            "scaler text: line 2: 'nan' is not a finite number");
  EXPECT_EQ(error("standard\nmean 1 2\nscale 1\n"),
            "scaler text: line 3: 1 scale values for 2 mean values");
  EXPECT_EQ(error("standard\nmean 1 2\nscale 1 0\n"),
            "scaler text: line 3: scale 0 is not positive");
  EXPECT_EQ(error("standard\nmean 1 2\nscale 1 -2.5\n"),
            "scaler text: line 3: scale -2.5 is not positive");
  EXPECT_EQ(error("standard\nmean 1\nscale 1\nextra\n"), "scaler text: line 4: unexpected 'extra'");
  EXPECT_EQ(error("none\nfeatures 0\n"),
            "scaler text: line 2: expected 'features' and a positive count, got 'features 0'");
  EXPECT_EQ(error("none\nfeatures 2\nmean 1\n"), "scaler text: line 3: unexpected 'mean 1'");
}

TEST(Scaler, Errors) {
  EXPECT_EQ(error_message([] { parse_scaling("robust"); }),
            "unknown scaling 'robust' (valid: none, standard, minmax)");
  EXPECT_EQ(parse_scaling("minmax"), ScalingKind::minmax);
  EXPECT_EQ(scaling_name(ScalingKind::standard), "standard");
  EXPECT_EQ(error_message([] {
              Scaler::fit(ScalingKind::standard, zeros(Shape{0, 3}));
            }),
            "scaler: needs (samples x features) with at least one sample, got (0x3)");
  EXPECT_EQ(error_message([] { Scaler::fit(ScalingKind::standard, zeros(Shape{4})); }),
            "scaler: needs (samples x features) with at least one sample, got (4)");
  Tensor bad = zeros(Shape{2, 3});
  bad.data()[5] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(error_message([&] { Scaler::fit(ScalingKind::minmax, bad); }),
            "scaler: the features hold a non-finite value at (1, 2)");
  const Scaler scaler = Scaler::fit(ScalingKind::standard, zeros(Shape{2, 4}));
  EXPECT_EQ(error_message([&] {
              scaler.transform(zeros(Shape{2, 3}));
            }),
            "scaler: fitted on 4 features, given 3");
  EXPECT_EQ(error_message([&] { scaler.transform(zeros(Shape{4})); }),
            "scaler: needs (samples x features), got (4)");
}

}  // namespace
}  // namespace soma::data
