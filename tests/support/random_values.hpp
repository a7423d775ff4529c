// Shared by the kernel tests: reproducible values uniform in [-1, 1) from soma's generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "soma/tensor/generator.hpp"

namespace soma::testing {

inline std::vector<float> random_values(size_t count, uint64_t seed) {
  Generator generator(seed);
  std::vector<float> values(count);
  for (float& v : values) v = 2.0f * generator.uniform() - 1.0f;
  return values;
}

}  // namespace soma::testing
