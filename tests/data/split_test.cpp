// Tests of train_test_split and split_three_ways: per-class counts, original row order,
// disjoint parts covering everything, determinism per seed, regression, and errors.
#include "soma/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"

namespace soma::data {
namespace {

using soma::testing::error_message;

// Feature i is i, so each part shows which rows it took. Classes come in the given counts,
// interleaved (0, 1, 2, 0, 1, 2, ... while each lasts).
Dataset numbered(const std::vector<int>& class_counts) {
  std::vector<float> labels;
  std::vector<int> left = class_counts;
  while (std::any_of(left.begin(), left.end(), [](int n) { return n > 0; })) {
    for (size_t c = 0; c < left.size(); ++c) {
      if (left[c]-- > 0) labels.push_back(static_cast<float>(c));
    }
  }
  const auto samples = static_cast<int64_t>(labels.size());
  Dataset dataset{Tensor::empty(Shape{samples, 1}),
                  tensor(labels),
                  static_cast<int64_t>(class_counts.size()),
                  {"index"}};
  for (int64_t i = 0; i < samples; ++i) dataset.features.data()[i] = static_cast<float>(i);
  return dataset;
}

std::vector<int> class_counts(const Dataset& dataset) {
  std::vector<int> counts(static_cast<size_t>(dataset.classes));
  for (const float label : dataset.targets.to_vector()) ++counts[static_cast<size_t>(label)];
  return counts;
}

// The parts are sorted, disjoint, cover every row, and carry each row's own label.
void expect_partition(const Dataset& whole, const std::vector<const Dataset*>& parts) {
  std::vector<float> all;
  for (const Dataset* part : parts) {
    const std::vector<float> rows = part->features.to_vector();
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
    for (int64_t i = 0; i < part->size(); ++i) {
      const auto row = static_cast<int64_t>(rows[static_cast<size_t>(i)]);
      EXPECT_EQ(part->targets.data()[i], whole.targets.data()[row]);
    }
    all.insert(all.end(), rows.begin(), rows.end());
    EXPECT_EQ(part->classes, whole.classes);
    EXPECT_EQ(part->feature_names, whole.feature_names);
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, whole.features.to_vector());
}

TEST(TrainTestSplit, StratifiedCounts) {
  const Dataset dataset = numbered({40, 20, 10});
  const auto [train, test] = train_test_split(dataset, 0.25, 5);
  EXPECT_EQ(class_counts(test), (std::vector<int>{10, 5, 3}));  // round(2.5) = 3
  EXPECT_EQ(class_counts(train), (std::vector<int>{30, 15, 7}));
  expect_partition(dataset, {&train, &test});
}

TEST(TrainTestSplit, DeterministicPerSeed) {
  const Dataset dataset = numbered({30, 30});
  const auto first = train_test_split(dataset, 0.3, 42);
  const auto again = train_test_split(dataset, 0.3, 42);
  const auto other = train_test_split(dataset, 0.3, 43);
  EXPECT_EQ(first.second.features.to_vector(), again.second.features.to_vector());
  EXPECT_EQ(first.first.features.to_vector(), again.first.features.to_vector());
  EXPECT_NE(first.second.features.to_vector(), other.second.features.to_vector());
  EXPECT_EQ(class_counts(other.second), (std::vector<int>{9, 9}));
}

TEST(TrainTestSplit, Regression) {
  Dataset dataset{Tensor::empty(Shape{10, 1}), Tensor::empty(Shape{10, 2}), 0, {"x"}};
  for (int64_t i = 0; i < 10; ++i) {
    dataset.features.data()[i] = static_cast<float>(i);
    dataset.targets.data()[2 * i] = static_cast<float>(10 * i);
    dataset.targets.data()[2 * i + 1] = static_cast<float>(-i);
  }
  const auto [train, test] = train_test_split(dataset, 0.3, 1);
  EXPECT_EQ(test.size(), 3);
  EXPECT_EQ(train.size(), 7);
  EXPECT_EQ(test.targets.shape(), (Shape{3, 2}));
  for (const Dataset* part : {&train, &test}) {
    for (int64_t i = 0; i < part->size(); ++i) {
      const float row = part->features.data()[i];
      EXPECT_EQ(part->targets.data()[2 * i], 10 * row);
      EXPECT_EQ(part->targets.data()[2 * i + 1], -row);
    }
  }
  std::vector<float> rows = train.features.to_vector();
  const std::vector<float> test_rows = test.features.to_vector();
  rows.insert(rows.end(), test_rows.begin(), test_rows.end());
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, dataset.features.to_vector());
}

TEST(SplitThreeWays, CountsAndTheSameTestPartAsTrainTestSplit) {
  const Dataset dataset = numbered({40, 20, 10});
  const Splits splits = split_three_ways(dataset, 0.2, 0.25, 9);
  EXPECT_EQ(class_counts(splits.test), (std::vector<int>{10, 5, 3}));
  EXPECT_EQ(class_counts(splits.validation), (std::vector<int>{8, 4, 2}));
  EXPECT_EQ(class_counts(splits.train), (std::vector<int>{22, 11, 5}));
  expect_partition(dataset, {&splits.train, &splits.validation, &splits.test});
  EXPECT_EQ(splits.test.features.to_vector(),
            train_test_split(dataset, 0.25, 9).second.features.to_vector());
}

TEST(Split, Errors) {
  const Dataset dataset = numbered({1, 1});
  for (const double fraction : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    EXPECT_NE(error_message([&] {
                train_test_split(dataset, fraction, 0);
              }).find("train_test_split: the test fraction must be in (0, 1), got "),
              std::string::npos);
  }
  EXPECT_EQ(
      error_message([&] { train_test_split(dataset, 0.1, 0); }),
      "train_test_split: 2 samples in 2 classes, the largest with 1 sample, are too few for a test "
      "fraction of 0.1: the test part would be empty (each class gives each part "
      "round(fraction x its samples))");
  EXPECT_EQ(
      error_message([&] { train_test_split(dataset, 0.9, 0); }),
      "train_test_split: 2 samples in 2 classes, the largest with 1 sample, are too few for a test "
      "fraction of 0.9: the training part would be empty (each class gives each part "
      "round(fraction x its samples))");
  EXPECT_EQ(error_message([&] { split_three_ways(numbered({20}), 0.5, 0.5, 0); }),
            "split_three_ways: the validation and test fractions must add up to less than 1, "
            "got 0.5 + 0.5");
  EXPECT_EQ(
      error_message([&] { split_three_ways(numbered({20}), 0.01, 0.5, 0); }),
      "split_three_ways: 20 samples in 1 class, the largest with 20 samples, are too few for a "
      "validation fraction of 0.01 and a test fraction of 0.5: the validation part would be "
      "empty (each class gives each part round(fraction x its samples))");
  EXPECT_EQ(error_message([&] { split_three_ways(numbered({20}), 0, 0.5, 0); }),
            "split_three_ways: the validation fraction must be in (0, 1), got 0");
  // Many samples, but as many classes: the classes are what is too small.
  EXPECT_EQ(error_message([&] { train_test_split(numbered(std::vector<int>(10000, 1)), 0.2, 0); }),
            "train_test_split: 10000 samples in 10000 classes, the largest with 1 sample, are too "
            "few for "
            "a test fraction of 0.2: the test part would be empty (each class gives each part "
            "round(fraction x its samples))");
  const Dataset regression{zeros(Shape{2, 1}), zeros(Shape{2, 1}), 0, {"x"}};
  EXPECT_EQ(error_message([&] { train_test_split(regression, 0.1, 0); }),
            "train_test_split: 2 samples are too few for a test fraction of 0.1: the test part "
            "would be empty");
  EXPECT_EQ(error_message([] { train_test_split(Dataset{}, 0.5, 0); }),
            "train_test_split: the dataset is empty");
  Dataset bad = numbered({2, 2});
  bad.targets.data()[3] = 2;
  EXPECT_EQ(error_message([&] { train_test_split(bad, 0.5, 0); }),
            "train_test_split: sample 3 has label 2, not a class index in [0, 2)");
  bad.targets.data()[3] = 0.5f;
  EXPECT_EQ(error_message([&] { train_test_split(bad, 0.5, 0); }),
            "train_test_split: sample 3 has label 0.5, not a class index in [0, 2)");
}

}  // namespace
}  // namespace soma::data
