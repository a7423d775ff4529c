// The shape of a tensor: its extent along each dimension, stored inline (no allocation),
// from 0-d scalars up to Shape::max_rank dimensions. Row-major: the last dimension varies
// fastest in memory.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

namespace soma {

class Shape {
 public:
  static constexpr int max_rank = 8;

  Shape() = default;  // a 0-d scalar
  Shape(std::initializer_list<int64_t> extents);
  explicit Shape(std::span<const int64_t> extents);

  int rank() const { return rank_; }
  int64_t operator[](int dim) const { return extents_[static_cast<size_t>(dim)]; }
  // Number of elements: the product of the extents (1 for a scalar).
  int64_t numel() const;
  const int64_t* begin() const { return extents_.data(); }
  const int64_t* end() const { return extents_.data() + rank_; }

  // Accepts negative dims counting from the end (-1 is the last); throws soma::Error
  // naming `operation` when dim is out of range.
  int normalize_dim(int dim, const char* operation) const;
  // The shape without dimension `dim` (or with it set to 1 when keep_dim).
  Shape without_dim(int dim, bool keep_dim) const;
  // Elements between consecutive entries along `dim`: the product of the later extents.
  int64_t stride(int dim) const;

  // "(3x4)", "(5)" for 1-d and "()" for a scalar: the form every error message uses.
  std::string to_string() const;

  friend bool operator==(const Shape& a, const Shape& b);

 private:
  void set_extents(std::span<const int64_t> extents);

  std::array<int64_t, max_rank> extents_{};
  int rank_ = 0;
};

// NumPy broadcasting: dimensions are matched from the right, and each pair must be equal
// or contain a 1. Throws soma::Error "add: cannot broadcast (3x4) with (5)".
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* operation);

}  // namespace soma
