// sum and mean, over everything or along one axis; their derivatives broadcast back.
#include "soma/ops/reduction.hpp"

#include "ops/axis_view.hpp"
#include "soma/autograd/node.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/broadcast.hpp"
#include "soma/ops/shape_ops.hpp"

namespace soma {

namespace {

// Sum along `axis`, result with the axis kept as extent 1 (then reshaped by the caller).
Tensor sum_along(const Tensor& x, int axis) {
  const detail::AxisView view(x.shape(), axis);
  Tensor out = zeros(x.shape().without_dim(axis, /*keep_dim=*/true));
  const float* in = x.data();
  float* result = out.data();
  for (int64_t o = 0; o < view.outer; ++o) {
    float* row = result + o * view.inner;
    for (int64_t k = 0; k < view.length; ++k) {
      const float* source = in + (o * view.length + k) * view.inner;
      for (int64_t i = 0; i < view.inner; ++i) row[i] += source[i];
    }
  }
  return out;
}

// The gradient of a reduction: g (reduced shape) reshaped to keep the reduced axis and
// broadcast over it, times `scale` (1 for sum, 1/count for mean).
Tensor spread_back(const Tensor& g, const Shape& kept_shape, const Shape& input_shape,
                   float scale) {
  Tensor spread = broadcast_to(reshape(g, {kept_shape.begin(), kept_shape.end()}), input_shape);
  return scale == 1.0f ? spread : mul(spread, scalar(scale));
}

Tensor reduce_all(const Tensor& x, const char* name, bool average) {
  // Accumulated in double: float sums of many elements lose the small ones.
  double total = 0.0;
  const float* in = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) total += in[i];
  const float scale = average ? 1.0f / static_cast<float>(x.numel()) : 1.0f;
  Tensor out = scalar(static_cast<float>(average ? total / static_cast<double>(x.numel()) : total));
  if (!should_record(x)) return out;
  return record(out, name, {x}, [shape = x.shape(), scale](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{full(shape, g.item() * scale)};
  });
}

Tensor reduce_axis(const Tensor& x, int axis, bool keep_dim, const char* name, bool average) {
  const int dim = x.shape().normalize_dim(axis, name);
  Tensor kept = sum_along(x, dim);
  const float scale = average ? 1.0f / static_cast<float>(x.shape()[dim]) : 1.0f;
  if (average) {
    float* values = kept.data();
    for (int64_t i = 0; i < kept.numel(); ++i) values[i] *= scale;
  }
  const Shape kept_shape = kept.shape();
  kept.impl()->shape = x.shape().without_dim(dim, keep_dim);  // same elements
  if (!should_record(x)) return kept;
  return record(kept, name, {x},
                [kept_shape, shape = x.shape(), scale](const Tensor& g, Node::Wanted) {
                  return std::vector<Tensor>{spread_back(g, kept_shape, shape, scale)};
                });
}

}  // namespace

Tensor sum(const Tensor& x) {
  return reduce_all(x, "sum", /*average=*/false);
}
Tensor mean(const Tensor& x) {
  return reduce_all(x, "mean", /*average=*/true);
}
Tensor sum(const Tensor& x, int axis, bool keep_dim) {
  return reduce_axis(x, axis, keep_dim, "sum", /*average=*/false);
}
Tensor mean(const Tensor& x, int axis, bool keep_dim) {
  return reduce_axis(x, axis, keep_dim, "mean", /*average=*/true);
}

}  // namespace soma
