// Changing the shape of a tensor without changing its elements.
#pragma once

#include <cstdint>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

// The same elements, in the same row-major order, with new extents; one extent may be -1
// and is then inferred. Shares x's storage (no copy).
Tensor reshape(const Tensor& x, const std::vector<int64_t>& extents);

}  // namespace soma
