// Readable printing of tensors in the NumPy/PyTorch layout: nested brackets, one row per
// line, columns aligned, and only the first and last few entries of large dimensions.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

namespace {

constexpr int64_t summarize_above = 1000;  // elements; larger tensors are abbreviated
constexpr int64_t edge_items = 3;          // entries kept at each end when abbreviating

// One format for every element, chosen from all of them, so columns line up.
struct NumberFormat {
  bool integers = true;
  bool scientific = false;

  std::string format(float value) const {
    char text[64];
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (integers) {
      std::snprintf(text, sizeof text, "%.0f", static_cast<double>(value));
    } else if (scientific) {
      std::snprintf(text, sizeof text, "%.4e", static_cast<double>(value));
    } else {
      std::snprintf(text, sizeof text, "%.4f", static_cast<double>(value));
    }
    return text;
  }
};

NumberFormat choose_format(const float* values, int64_t count) {
  NumberFormat format;
  float largest = 0.0f;
  float smallest = INFINITY;
  for (int64_t i = 0; i < count; ++i) {
    const float value = values[i];
    if (!std::isfinite(value)) continue;
    if (value != std::nearbyint(value) || std::fabs(value) >= 1e8f) format.integers = false;
    const float magnitude = std::fabs(value);
    largest = std::max(largest, magnitude);
    if (magnitude > 0.0f) smallest = std::min(smallest, magnitude);
  }
  if (!format.integers) format.scientific = largest >= 1e5f || smallest < 1e-4f;
  return format;
}

// Whether entry `i` of a dimension of `extent` is hidden behind "...".
bool hidden(bool summarize, int64_t extent, int64_t i) {
  return summarize && extent > 2 * edge_items && i >= edge_items && i < extent - edge_items;
}

// The entries that will be printed, in order: the format and the column width come from
// these alone, as in NumPy and PyTorch (and a huge tensor is not formatted in full).
void collect_shown(const Shape& shape, const float* values, bool summarize, int dim, int64_t offset,
                   std::vector<float>& shown) {
  if (dim == shape.rank()) {
    shown.push_back(values[offset]);
    return;
  }
  for (int64_t i = 0; i < shape[dim]; ++i) {
    if (hidden(summarize, shape[dim], i)) continue;
    collect_shown(shape, values, summarize, dim + 1, offset + i * shape.stride(dim), shown);
  }
}

class Printer {
 public:
  Printer(const Tensor& tensor, std::string& out)
      : shape_(tensor.shape()), values_(tensor.data()), out_(out) {
    summarize_ = tensor.numel() > summarize_above;
    std::vector<float> shown;
    collect_shown(shape_, values_, summarize_, 0, 0, shown);
    format_ = choose_format(shown.data(), static_cast<int64_t>(shown.size()));
    for (float value : shown) width_ = std::max(width_, format_.format(value).size());
  }

  // Prints the sub-array at `dim` starting at flat `offset`; `indent` is the column where
  // this bracket opens, so nested rows line up under it.
  void print(int dim, int64_t offset, size_t indent) {
    if (dim == shape_.rank()) {
      append_number(values_[offset]);
      return;
    }
    const int64_t extent = shape_[dim];
    const int64_t stride = shape_.stride(dim);
    const bool last_dim = dim == shape_.rank() - 1;
    // Between entries: ", " in the last dimension, else line breaks (blank lines between
    // blocks of 3-d and deeper arrays, as NumPy does, "..." included).
    std::string separator = last_dim ? ", " : ",";
    if (!last_dim) {
      separator.append(static_cast<size_t>(shape_.rank() - dim - 1), '\n');
      separator.append(indent + 1, ' ');
    }
    out_ += '[';
    for (int64_t i = 0; i < extent; ++i) {
      if (hidden(summarize_, extent, i)) {
        out_ += "...";
        out_ += separator;
        i = extent - edge_items;
      }
      print(dim + 1, offset + i * stride, indent + 1);
      if (i + 1 < extent) out_ += separator;
    }
    out_ += ']';
  }

 private:
  void append_number(float value) {
    const std::string text = format_.format(value);
    out_ += std::string(width_ - text.size(), ' ') + text;
  }

  const Shape& shape_;
  const float* values_;
  std::string& out_;
  bool summarize_ = false;
  NumberFormat format_;
  size_t width_ = 0;
};

}  // namespace

std::string to_string(const Tensor& tensor) {
  if (!tensor.defined()) return "tensor(undefined)";
  std::string out = "tensor(";
  Printer(tensor, out).print(0, 0, out.size());
  if (tensor.numel() == 0) out += ", shape=" + tensor.shape().to_string();
  if (tensor.requires_grad()) out += ", requires_grad";
  return out + ")";
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) {
  return out << to_string(tensor);
}

}  // namespace soma
