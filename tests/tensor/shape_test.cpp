// Tests Shape: element counts, the "(3x4)" text every error message uses, dimension
// normalisation and NumPy broadcasting of two shapes.
#include "soma/tensor/shape.hpp"

#include <gtest/gtest.h>

#include <string>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Shape;

TEST(ShapeTest, NumelIsTheProductOfTheExtents) {
  EXPECT_EQ(Shape({3, 4}).numel(), 12);
  EXPECT_EQ(Shape({2, 3, 4}).numel(), 24);
  EXPECT_EQ(Shape({5}).numel(), 5);
  EXPECT_EQ(Shape({5, 0, 2}).numel(), 0);
}

TEST(ShapeTest, ScalarHasRankZeroAndOneElement) {
  const Shape scalar;
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_EQ(scalar.numel(), 1);
  EXPECT_EQ(scalar, Shape{});
}

TEST(ShapeTest, ToStringJoinsExtentsWithX) {
  EXPECT_EQ(Shape({3, 4}).to_string(), "(3x4)");
  EXPECT_EQ(Shape({5}).to_string(), "(5)");
  EXPECT_EQ(Shape{}.to_string(), "()");
  EXPECT_EQ(Shape({2, 1, 7}).to_string(), "(2x1x7)");
}

TEST(ShapeTest, ExtentsAndEquality) {
  const Shape shape{2, 3, 4};
  EXPECT_EQ(shape.rank(), 3);
  EXPECT_EQ(shape[0], 2);
  EXPECT_EQ(shape[2], 4);
  EXPECT_EQ(shape, Shape({2, 3, 4}));
  EXPECT_FALSE(shape == Shape({2, 4, 3}));
  EXPECT_FALSE(shape == Shape({2, 3}));
}

TEST(ShapeTest, StrideIsTheProductOfLaterExtents) {
  const Shape shape{2, 3, 4};
  EXPECT_EQ(shape.stride(0), 12);
  EXPECT_EQ(shape.stride(1), 4);
  EXPECT_EQ(shape.stride(2), 1);
}

TEST(ShapeTest, WithoutDimDropsOrKeepsTheDimension) {
  const Shape shape{2, 3, 4};
  EXPECT_EQ(shape.without_dim(1, false), Shape({2, 4}));
  EXPECT_EQ(shape.without_dim(1, true), Shape({2, 1, 4}));
  EXPECT_EQ(Shape({5}).without_dim(0, false), Shape{});
}

TEST(ShapeTest, NormalizeDimAcceptsNegativeDims) {
  const Shape shape{2, 3, 4};
  EXPECT_EQ(shape.normalize_dim(0, "sum"), 0);
  EXPECT_EQ(shape.normalize_dim(2, "sum"), 2);
  EXPECT_EQ(shape.normalize_dim(-1, "sum"), 2);
  EXPECT_EQ(shape.normalize_dim(-3, "sum"), 0);
}

TEST(ShapeTest, NormalizeDimOutOfRangeNamesOperationAxisAndShape) {
  const Shape shape{2, 3, 4};
  EXPECT_SOMA_ERROR(shape.normalize_dim(3, "sum"), "sum: axis 3 is out of range for shape (2x3x4)");
  EXPECT_SOMA_ERROR(shape.normalize_dim(-4, "softmax"),
                    "softmax: axis -4 is out of range for shape (2x3x4)");
  EXPECT_SOMA_ERROR(Shape{}.normalize_dim(0, "mean"), "mean: axis 0 is out of range for shape ()");
}

TEST(ShapeTest, RejectsNegativeExtentsAndTooManyDimensions) {
  EXPECT_SOMA_ERROR(Shape({2, -1}), "shape: extent -1 is negative");
  EXPECT_SOMA_ERROR(Shape({1, 1, 1, 1, 1, 1, 1, 1, 1}),
                    "shape: 9 dimensions given, at most 8 are supported");
  EXPECT_EQ(Shape({1, 1, 1, 1, 1, 1, 1, 1}).rank(), Shape::max_rank);
}

TEST(ShapeTest, BroadcastEqualShapesIsTheSameShape) {
  EXPECT_EQ(soma::broadcast_shapes(Shape{3, 4}, Shape{3, 4}, "add"), Shape({3, 4}));
}

TEST(ShapeTest, BroadcastScalarWithAnything) {
  EXPECT_EQ(soma::broadcast_shapes(Shape{}, Shape{3, 4}, "add"), Shape({3, 4}));
  EXPECT_EQ(soma::broadcast_shapes(Shape{3, 4}, Shape{}, "add"), Shape({3, 4}));
  EXPECT_EQ(soma::broadcast_shapes(Shape{}, Shape{}, "add"), Shape{});
}

TEST(ShapeTest, BroadcastRowVectorAcrossRows) {
  EXPECT_EQ(soma::broadcast_shapes(Shape{5, 3}, Shape{3}, "add"), Shape({5, 3}));
  EXPECT_EQ(soma::broadcast_shapes(Shape{1, 3}, Shape{5, 3}, "add"), Shape({5, 3}));
}

TEST(ShapeTest, BroadcastColumnVectorAcrossColumns) {
  EXPECT_EQ(soma::broadcast_shapes(Shape{4, 1}, Shape{4, 3}, "add"), Shape({4, 3}));
  // A column against a row gives the outer grid.
  EXPECT_EQ(soma::broadcast_shapes(Shape{4, 1}, Shape{3}, "add"), Shape({4, 3}));
}

TEST(ShapeTest, BroadcastHigherRanksMatchFromTheRight) {
  EXPECT_EQ(soma::broadcast_shapes(Shape{2, 1, 4}, Shape{3, 1}, "mul"), Shape({2, 3, 4}));
  EXPECT_EQ(soma::broadcast_shapes(Shape{2, 1, 3, 1}, Shape{1, 4, 1, 5}, "mul"),
            Shape({2, 4, 3, 5}));
}

TEST(ShapeTest, BroadcastIncompatibleShapesThrows) {
  EXPECT_SOMA_ERROR(soma::broadcast_shapes(Shape{3, 4}, Shape{5}, "add"),
                    "add: cannot broadcast (3x4) with (5)");
  EXPECT_SOMA_ERROR(soma::broadcast_shapes(Shape{2, 3}, Shape{3, 3}, "mul"),
                    "mul: cannot broadcast (2x3) with (3x3)");
}

}  // namespace
