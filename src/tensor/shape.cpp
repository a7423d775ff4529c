// Shape: inline extents, element counts, and NumPy broadcasting of two shapes.
#include "soma/tensor/shape.hpp"

#include <algorithm>
#include <cstdint>

#include "soma/core/error.hpp"

namespace soma {

Shape::Shape(std::initializer_list<int64_t> extents) {
  set_extents(std::span<const int64_t>(extents.begin(), extents.size()));
}

Shape::Shape(std::span<const int64_t> extents) {
  set_extents(extents);
}

void Shape::set_extents(std::span<const int64_t> extents) {
  if (extents.size() > static_cast<size_t>(max_rank)) {
    throw Error("shape: " + std::to_string(extents.size()) + " dimensions given, at most " +
                std::to_string(max_rank) + " are supported");
  }
  // The element count must fit in int64 (and in bytes, in size_t), even when some extent
  // is 0, because strides are products of the later extents.
  constexpr int64_t max_elements = INT64_MAX / static_cast<int64_t>(sizeof(float));
  int64_t product = 1;
  for (int64_t extent : extents) {
    if (extent < 0) throw Error("shape: extent " + std::to_string(extent) + " is negative");
    if (extent > 0 && product > max_elements / extent) {
      throw Error("shape: too many elements (the extents multiply past " +
                  std::to_string(max_elements) + ")");
    }
    product *= extent > 0 ? extent : 1;
  }
  rank_ = static_cast<int>(extents.size());
  std::copy(extents.begin(), extents.end(), extents_.begin());
}

int64_t Shape::numel() const {
  int64_t count = 1;
  for (int i = 0; i < rank_; ++i) count *= extents_[static_cast<size_t>(i)];
  return count;
}

int Shape::normalize_dim(int dim, const char* operation) const {
  const int normalized = dim < 0 ? dim + rank_ : dim;
  if (normalized < 0 || normalized >= rank_) {
    throw Error(std::string(operation) + ": axis " + std::to_string(dim) +
                " is out of range for shape " + to_string());
  }
  return normalized;
}

Shape Shape::without_dim(int dim, bool keep_dim) const {
  Shape result;
  for (int i = 0; i < rank_; ++i) {
    if (i != dim) {
      result.extents_[static_cast<size_t>(result.rank_++)] = (*this)[i];
    } else if (keep_dim) {
      result.extents_[static_cast<size_t>(result.rank_++)] = 1;
    }
  }
  return result;
}

int64_t Shape::stride(int dim) const {
  int64_t stride = 1;
  for (int i = dim + 1; i < rank_; ++i) stride *= (*this)[i];
  return stride;
}

std::string Shape::to_string() const {
  std::string text = "(";
  for (int i = 0; i < rank_; ++i) {
    if (i > 0) text += "x";
    text += std::to_string((*this)[i]);
  }
  return text + ")";
}

bool operator==(const Shape& a, const Shape& b) {
  return a.rank_ == b.rank_ && std::equal(a.begin(), a.end(), b.begin());
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* operation) {
  const int rank = std::max(a.rank(), b.rank());
  std::array<int64_t, Shape::max_rank> extents{};
  for (int i = 0; i < rank; ++i) {
    // Align from the right; a missing dimension behaves like extent 1.
    const int ia = a.rank() - rank + i;
    const int ib = b.rank() - rank + i;
    const int64_t ea = ia >= 0 ? a[ia] : 1;
    const int64_t eb = ib >= 0 ? b[ib] : 1;
    if (ea != eb && ea != 1 && eb != 1) {
      throw Error(std::string(operation) + ": cannot broadcast " + a.to_string() + " with " +
                  b.to_string());
    }
    extents[static_cast<size_t>(i)] = ea == 1 ? eb : ea;
  }
  return Shape(std::span<const int64_t>(extents.data(), static_cast<size_t>(rank)));
}

}  // namespace soma
