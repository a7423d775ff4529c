// Row gathering for batches and splits.
#include "soma/data/dataset.hpp"

#include "soma/core/error.hpp"
#include "soma/kernels/gather_rows.hpp"

namespace soma::data {

Tensor gather_rows(const Tensor& x, std::span<const int64_t> rows) {
  if (x.rank() < 1) throw Error("gather_rows: needs a tensor of rank >= 1, got a scalar");
  const int64_t count = x.shape()[0];
  const int64_t row_size = count == 0 ? 0 : x.numel() / count;
  std::vector<int64_t> extents(x.shape().begin(), x.shape().end());
  extents[0] = static_cast<int64_t>(rows.size());
  Tensor out = Tensor::empty(Shape(std::span<const int64_t>(extents)));
  for (const int64_t row : rows) {
    if (row < 0 || row >= count) {
      throw Error("gather_rows: row " + std::to_string(row) + " is out of range for shape " +
                  x.shape().to_string());
    }
  }
  kernels::gather_rows(x.data(), row_size, rows.data(), static_cast<int64_t>(rows.size()),
                       out.data());
  return out;
}

Dataset subset(const Dataset& dataset, std::span<const int64_t> rows) {
  return Dataset{gather_rows(dataset.features, rows), gather_rows(dataset.targets, rows),
                 dataset.classes, dataset.feature_names};
}

}  // namespace soma::data
