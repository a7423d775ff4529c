// Tests to_string and operator<< on tensors: the NumPy/PyTorch layout with nested brackets,
// aligned columns, one format for all elements, and "..." for the middle of large tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "soma/ops/shape_ops.hpp"
#include "soma/tensor/tensor.hpp"

namespace {

using soma::Shape;
using soma::Tensor;

TEST(PrintTest, Scalar) {
  EXPECT_EQ(soma::to_string(soma::scalar(3.5f)), "tensor(3.5000)");
  EXPECT_EQ(soma::to_string(soma::scalar(-2.0f)), "tensor(-2)");
}

TEST(PrintTest, IntegerValuedVectorIsRightAligned) {
  EXPECT_EQ(soma::to_string(soma::tensor({1.0f, 2.0f, 3.0f})), "tensor([1, 2, 3])");
  EXPECT_EQ(soma::to_string(soma::tensor({1.0f, -20.0f, 300.0f})), "tensor([  1, -20, 300])");
}

TEST(PrintTest, FloatMatrixHasAlignedColumns) {
  const Tensor t = soma::tensor({{1.5f, -2.25f}, {10.0f, 0.125f}});
  EXPECT_EQ(soma::to_string(t),
            "tensor([[ 1.5000, -2.2500],\n"
            "        [10.0000,  0.1250]])");
}

TEST(PrintTest, ThreeDimensionalBlocksAreSeparatedByABlankLine) {
  const Tensor t = soma::reshape(soma::arange(0.0f, 12.0f), {2, 3, 2});
  EXPECT_EQ(soma::to_string(t),
            "tensor([[[ 0,  1],\n"
            "         [ 2,  3],\n"
            "         [ 4,  5]],\n"
            "\n"
            "        [[ 6,  7],\n"
            "         [ 8,  9],\n"
            "         [10, 11]]])");
}

TEST(PrintTest, SmallAndLargeMagnitudesUseScientificNotation) {
  EXPECT_EQ(soma::to_string(soma::tensor({1e-5f, 1.0f})), "tensor([1.0000e-05, 1.0000e+00])");
  EXPECT_EQ(soma::to_string(soma::tensor({1e6f, 1.5f})), "tensor([1.0000e+06, 1.5000e+00])");
}

TEST(PrintTest, NonFiniteValuesAreSpelledOut) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(soma::to_string(soma::tensor({nan, 1.5f, inf, -inf})),
            "tensor([   nan, 1.5000,    inf,   -inf])");
}

TEST(PrintTest, GradientTrackingIsShown) {
  Tensor t = soma::tensor({1.0f, 2.0f});
  t.set_requires_grad();
  EXPECT_EQ(soma::to_string(t), "tensor([1, 2], requires_grad)");
}

TEST(PrintTest, EmptyTensorShowsItsShape) {
  EXPECT_EQ(soma::to_string(soma::zeros(Shape{0})), "tensor([], shape=(0))");
  EXPECT_EQ(soma::to_string(Tensor()), "tensor(undefined)");
}

TEST(PrintTest, StreamOperatorPrintsTheSameText) {
  const Tensor t = soma::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}});
  std::ostringstream out;
  out << t;
  EXPECT_EQ(out.str(), "tensor([[1, 2],\n        [3, 4]])");
  EXPECT_EQ(out.str(), soma::to_string(t));
}

TEST(PrintTest, LargeVectorIsAbbreviated) {
  EXPECT_EQ(soma::to_string(soma::arange(0.0f, 2000.0f)),
            "tensor([   0,    1,    2, ..., 1997, 1998, 1999])");
}

TEST(PrintTest, LargeMatrixIsAbbreviatedInBothDimensions) {
  const Tensor t = soma::reshape(soma::arange(0.0f, 2000.0f), {40, 50});
  EXPECT_EQ(soma::to_string(t),
            "tensor([[   0,    1,    2, ...,   47,   48,   49],\n"
            "        [  50,   51,   52, ...,   97,   98,   99],\n"
            "        [ 100,  101,  102, ...,  147,  148,  149],\n"
            "        ...,\n"
            "        [1850, 1851, 1852, ..., 1897, 1898, 1899],\n"
            "        [1900, 1901, 1902, ..., 1947, 1948, 1949],\n"
            "        [1950, 1951, 1952, ..., 1997, 1998, 1999]])");
}

// As in NumPy, the "..." standing for hidden 2-d blocks has a blank line on both sides.
TEST(PrintTest, LargeThreeDimensionalTensorIsAbbreviatedBetweenBlocks) {
  const Tensor t = soma::reshape(soma::arange(0.0f, 1400.0f), {7, 2, 100});
  EXPECT_EQ(soma::to_string(t),
            "tensor([[[   0,    1,    2, ...,   97,   98,   99],\n"
            "         [ 100,  101,  102, ...,  197,  198,  199]],\n"
            "\n"
            "        [[ 200,  201,  202, ...,  297,  298,  299],\n"
            "         [ 300,  301,  302, ...,  397,  398,  399]],\n"
            "\n"
            "        [[ 400,  401,  402, ...,  497,  498,  499],\n"
            "         [ 500,  501,  502, ...,  597,  598,  599]],\n"
            "\n"
            "        ...,\n"
            "\n"
            "        [[ 800,  801,  802, ...,  897,  898,  899],\n"
            "         [ 900,  901,  902, ...,  997,  998,  999]],\n"
            "\n"
            "        [[1000, 1001, 1002, ..., 1097, 1098, 1099],\n"
            "         [1100, 1101, 1102, ..., 1197, 1198, 1199]],\n"
            "\n"
            "        [[1200, 1201, 1202, ..., 1297, 1298, 1299],\n"
            "         [1300, 1301, 1302, ..., 1397, 1398, 1399]]])");
}

// As in NumPy and PyTorch, the format and the column width come from the shown entries
// only: a hidden fraction or a hidden wide number changes nothing.
TEST(PrintTest, HiddenEntriesDoNotChangeTheFormat) {
  Tensor t = soma::arange(0.0f, 2000.0f);
  t.at({1000}) = 0.5f;
  t.at({1001}) = -123456789.0f;
  EXPECT_EQ(soma::to_string(t), "tensor([   0,    1,    2, ..., 1997, 1998, 1999])");
}

TEST(PrintTest, ThousandElementsAreStillPrintedInFull) {
  const std::string text = soma::to_string(soma::zeros(Shape{1000}));
  EXPECT_EQ(text.find("..."), std::string::npos);
  const std::string abbreviated = soma::to_string(soma::zeros(Shape{1001}));
  EXPECT_EQ(abbreviated, "tensor([0, 0, 0, ..., 0, 0, 0])");
}

}  // namespace
