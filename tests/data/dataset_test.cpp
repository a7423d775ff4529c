// Tests gather_rows (order, repeats, other ranks, range errors) and subset (features,
// targets, classes and feature names carried over, independent copies).
#include "soma/data/dataset.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Shape;
using soma::Tensor;
using soma::data::Dataset;

// (4x3): row i holds 10 i, 10 i + 1, 10 i + 2.
Tensor numbered_rows() {
  return soma::tensor({{0, 1, 2}, {10, 11, 12}, {20, 21, 22}, {30, 31, 32}});
}

TEST(DatasetTest, GatherRowsKeepsTheRequestedOrder) {
  const std::vector<int64_t> rows = {2, 0, 3, 0};
  const Tensor out = soma::data::gather_rows(numbered_rows(), rows);
  ASSERT_EQ(out.shape(), (Shape{4, 3}));
  EXPECT_EQ(out.to_vector(), (std::vector<float>{20, 21, 22, 0, 1, 2, 30, 31, 32, 0, 1, 2}));
}

TEST(DatasetTest, GatherRowsOfOtherRanks) {
  const std::vector<int64_t> rows = {3, 1};
  const Tensor labels = soma::tensor({5, 6, 7, 8});
  const Tensor picked = soma::data::gather_rows(labels, rows);
  EXPECT_EQ(picked.shape(), (Shape{2}));
  EXPECT_EQ(picked.to_vector(), (std::vector<float>{8, 6}));

  // (4x2x2): each row is a 2x2 block.
  std::vector<float> values(16);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  const Tensor blocks = soma::from_values(Shape{4, 2, 2}, values);
  const Tensor out = soma::data::gather_rows(blocks, rows);
  EXPECT_EQ(out.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(out.to_vector(), (std::vector<float>{12, 13, 14, 15, 4, 5, 6, 7}));

  const Tensor none = soma::data::gather_rows(numbered_rows(), std::vector<int64_t>{});
  EXPECT_EQ(none.shape(), (Shape{0, 3}));
}

TEST(DatasetTest, GatherRowsCopies) {
  Tensor source = numbered_rows();
  const std::vector<int64_t> rows = {1};
  const Tensor out = soma::data::gather_rows(source, rows);
  source.data()[3] = -1.0f;
  EXPECT_EQ(out.to_vector(), (std::vector<float>{10, 11, 12}));
}

TEST(DatasetTest, GatherRowsRejectsRowsOutOfRange) {
  EXPECT_EQ(error_message([] {
              soma::data::gather_rows(numbered_rows(), std::vector<int64_t>{0, 4});
            }),
            "gather_rows: row 4 is out of range for shape (4x3)");
  EXPECT_EQ(
      error_message([] { soma::data::gather_rows(numbered_rows(), std::vector<int64_t>{-1}); }),
      "gather_rows: row -1 is out of range for shape (4x3)");
  EXPECT_EQ(error_message([] {
              soma::data::gather_rows(soma::zeros(Shape{0, 2}), std::vector<int64_t>{0});
            }),
            "gather_rows: row 0 is out of range for shape (0x2)");
  EXPECT_EQ(
      error_message([] { soma::data::gather_rows(soma::scalar(1.0f), std::vector<int64_t>{0}); }),
      "gather_rows: needs a tensor of rank >= 1, got a scalar");
}

TEST(DatasetTest, SubsetKeepsClassesAndFeatureNames) {
  Dataset dataset{numbered_rows(), soma::tensor({0, 2, 1, 2}), 3, {"a", "b", "c"}};
  EXPECT_EQ(dataset.size(), 4);
  EXPECT_TRUE(dataset.is_classification());
  const std::vector<int64_t> rows = {3, 1};
  const Dataset part = soma::data::subset(dataset, rows);
  EXPECT_EQ(part.size(), 2);
  EXPECT_EQ(part.classes, 3);
  EXPECT_EQ(part.feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(part.features.to_vector(), (std::vector<float>{30, 31, 32, 10, 11, 12}));
  EXPECT_EQ(part.targets.shape(), (Shape{2}));
  EXPECT_EQ(part.targets.to_vector(), (std::vector<float>{2, 2}));
  EXPECT_FALSE(part.features.same_as(dataset.features));
}

TEST(DatasetTest, SubsetOfRegressionData) {
  Dataset dataset{soma::from_values(Shape{3, 1}, {1, 2, 3}),
                  soma::tensor({{0.5f, -1}, {1.5f, -2}, {2.5f, -3}}),
                  0,
                  {"x"}};
  EXPECT_FALSE(dataset.is_classification());
  const std::vector<int64_t> rows = {2, 2, 0};
  const Dataset part = soma::data::subset(dataset, rows);
  EXPECT_EQ(part.classes, 0);
  EXPECT_EQ(part.feature_names, (std::vector<std::string>{"x"}));
  EXPECT_EQ(part.features.to_vector(), (std::vector<float>{3, 3, 1}));
  EXPECT_EQ(part.targets.shape(), (Shape{3, 2}));
  EXPECT_EQ(part.targets.to_vector(), (std::vector<float>{2.5f, -3, 2.5f, -3, 0.5f, -1}));
  EXPECT_EQ(error_message([&] { soma::data::subset(dataset, std::vector<int64_t>{3}); }),
            "gather_rows: row 3 is out of range for shape (3x1)");
}

TEST(DatasetTest, AnEmptyDatasetHasSizeZero) {
  const Dataset empty;
  EXPECT_EQ(empty.size(), 0);
  EXPECT_FALSE(empty.is_classification());
}

}  // namespace
