// Shared by the optimiser tests: parameters with chosen values, gradients set exactly, and
// element-by-element checks against hand-computed updates.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::testing {

// A 1-d leaf tensor that requires gradients.
inline Tensor parameter(std::initializer_list<float> values) {
  Tensor t = soma::tensor(values);
  t.set_requires_grad();
  return t;
}

// Leaves `gradient` in p.grad() by zeroing it and running backward on sum(p * gradient),
// whose derivative with respect to p is exactly `gradient`.
inline void set_gradient(Tensor p, const std::vector<float>& gradient) {
  p.zero_grad();
  soma::backward(soma::sum(p * soma::from_values(p.shape(), gradient)));
}

inline void expect_values(const Tensor& t, const std::vector<double>& expected,
                          double tolerance = 1e-6) {
  ASSERT_TRUE(t.defined());
  ASSERT_EQ(t.numel(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(t.data()[i], expected[i], tolerance) << "element " << i;
  }
}

}  // namespace soma::testing
