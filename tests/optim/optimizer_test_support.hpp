// Shared by the optimiser tests: parameters with chosen values, gradients set exactly, and
// element-by-element checks against hand-computed updates (the first and the last from
// support/tensor_values.hpp).
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/tensor.hpp"
#include "support/tensor_values.hpp"

namespace soma::testing {

// Leaves `gradient` in p.grad() by zeroing it and running backward on sum(p * gradient),
// whose derivative with respect to p is exactly `gradient`.
inline void set_gradient(Tensor p, const std::vector<float>& gradient) {
  p.zero_grad();
  soma::backward(soma::sum(p * soma::from_values(p.shape(), gradient)));
}

}  // namespace soma::testing
