// Private helper: a tensor seen as (outer x length x inner) around one axis, so that
// reductions and softmax along any axis are three plain loops.
#pragma once

#include "soma/tensor/shape.hpp"

namespace soma::detail {

struct AxisView {
  int64_t outer = 1;   // product of the extents before the axis
  int64_t length = 1;  // extent of the axis
  int64_t inner = 1;   // product of the extents after it (the stride along the axis)

  AxisView(const Shape& shape, int axis) {
    for (int i = 0; i < axis; ++i) outer *= shape[i];
    length = shape[axis];
    inner = shape.stride(axis);
  }
};

}  // namespace soma::detail
