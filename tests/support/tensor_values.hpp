// Shared by the engine's and the optimisers' tests: a leaf tensor with chosen values that
// requires gradients, and an element-by-element check of a tensor's values.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::testing {

// A 1-d leaf tensor that requires gradients.
inline Tensor parameter(std::initializer_list<float> values) {
  Tensor t = soma::tensor(values);
  t.set_requires_grad();
  return t;
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
