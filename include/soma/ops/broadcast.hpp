// Explicit broadcasting and its adjoint: broadcast_to repeats a tensor along broadcast
// dimensions, sum_to adds a broadcast gradient back up to the original shape.
#pragma once

#include "soma/tensor/tensor.hpp"

namespace soma {

// Throws when `shape` is not reachable from x's shape by broadcasting.
Tensor broadcast_to(const Tensor& x, const Shape& shape);
// Sums x over the dimensions along which `shape` would be broadcast to x's shape; returns
// x itself (shared) when the shapes are already equal.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace soma
