// Tensor creation: from values, constant fills, ranges and seeded random draws.
#include <algorithm>
#include <cmath>

#include "soma/core/error.hpp"
#include "soma/tensor/generator.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma {

Tensor scalar(float value) {
  return full(Shape{}, value);
}

Tensor tensor(const std::vector<float>& values) {
  Tensor result = Tensor::empty(Shape{static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), result.data());
  return result;
}

Tensor tensor(std::initializer_list<std::initializer_list<float>> rows) {
  const int64_t columns = rows.size() == 0 ? 0 : static_cast<int64_t>(rows.begin()->size());
  Tensor result = Tensor::empty(Shape{static_cast<int64_t>(rows.size()), columns});
  float* out = result.data();
  int64_t row_index = 0;
  for (const auto& row : rows) {
    if (static_cast<int64_t>(row.size()) != columns) {
      throw Error("tensor: row " + std::to_string(row_index) + " has " +
                  std::to_string(row.size()) + " values, row 0 has " + std::to_string(columns));
    }
    out = std::copy(row.begin(), row.end(), out);
    ++row_index;
  }
  return result;
}

Tensor from_values(const Shape& shape, const std::vector<float>& values) {
  if (static_cast<int64_t>(values.size()) != shape.numel()) {
    throw Error("from_values: " + std::to_string(values.size()) + " values given for shape " +
                shape.to_string() + ", which holds " + std::to_string(shape.numel()));
  }
  Tensor result = Tensor::empty(shape);
  std::copy(values.begin(), values.end(), result.data());
  return result;
}

Tensor full(const Shape& shape, float value) {
  Tensor result = Tensor::empty(shape);
  std::fill_n(result.data(), result.numel(), value);
  return result;
}

Tensor zeros(const Shape& shape) {
  return full(shape, 0.0f);
}
Tensor ones(const Shape& shape) {
  return full(shape, 1.0f);
}
Tensor zeros_like(const Tensor& like) {
  return zeros(like.shape());
}
Tensor ones_like(const Tensor& like) {
  return ones(like.shape());
}

Tensor arange(float start, float stop, float step) {
  if (step == 0.0f || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop)) {
    throw Error("arange: step must be non-zero and all bounds finite");
  }
  // Counted in double so that e.g. arange(0, 1, 0.1) has exactly 10 elements.
  const double count_estimate = std::ceil((static_cast<double>(stop) - start) / step);
  auto count = static_cast<int64_t>(std::max(0.0, count_estimate));
  auto value = [&](int64_t i) { return static_cast<float>(start + static_cast<double>(i) * step); };
  // The last element can still round to `stop` in float (3 * 0.1f gives 0.3f): drop it, so
  // that every element is < stop (> stop for a negative step).
  while (count > 0 && !(step > 0.0f ? value(count - 1) < stop : value(count - 1) > stop)) --count;
  Tensor result = Tensor::empty(Shape{count});
  float* out = result.data();
  for (int64_t i = 0; i < count; ++i) out[i] = value(i);
  return result;
}

Tensor uniform(const Shape& shape, float low, float high, Generator& generator) {
  if (!(low <= high)) {
    throw Error("uniform: low (" + std::to_string(low) + ") must not exceed high (" +
                std::to_string(high) + ")");
  }
  Tensor result = Tensor::empty(shape);
  float* out = result.data();
  const float width = high - low;
  for (int64_t i = 0; i < result.numel(); ++i) out[i] = low + width * generator.uniform();
  return result;
}

Tensor normal(const Shape& shape, float mean, float stddev, Generator& generator) {
  if (!(stddev >= 0.0f)) {
    throw Error("normal: stddev must be non-negative, got " + std::to_string(stddev));
  }
  Tensor result = Tensor::empty(shape);
  float* out = result.data();
  for (int64_t i = 0; i < result.numel(); ++i) out[i] = mean + stddev * generator.normal();
  return result;
}

}  // namespace soma
