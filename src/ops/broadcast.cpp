// broadcast_to and sum_to: each is the other's derivative.
#include "soma/ops/broadcast.hpp"

#include "ops/elementwise.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"

namespace soma {

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  if (!(broadcast_shapes(x.shape(), shape, "broadcast_to") == shape)) {
    throw Error("broadcast_to: cannot broadcast " + x.shape().to_string() + " to " +
                shape.to_string());
  }
  Tensor out = Tensor::empty(shape);
  const float* in = x.data();
  float* result = out.data();
  detail::for_each_broadcast_row(
      shape, x.shape(), shape,
      [&](int64_t count, int64_t out_offset, int64_t x_offset, int64_t x_step, int64_t, int64_t) {
        for (int64_t i = 0; i < count; ++i) result[out_offset + i] = in[x_offset + i * x_step];
      });
  if (!should_record(x)) return out;
  return record(out, "broadcast_to", {x}, [x_shape = x.shape()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{sum_to(g, x_shape)};
  });
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (!(broadcast_shapes(shape, x.shape(), "sum_to") == x.shape())) {
    throw Error("sum_to: cannot sum " + x.shape().to_string() + " down to " + shape.to_string());
  }
  Tensor out = zeros(shape);
  const float* in = x.data();
  float* result = out.data();
  detail::for_each_broadcast_row(x.shape(), shape, x.shape(),
                                 [&](int64_t count, int64_t in_offset, int64_t out_offset,
                                     int64_t out_step, int64_t, int64_t) {
                                   if (out_step == 1) {
                                     for (int64_t i = 0; i < count; ++i)
                                       result[out_offset + i] += in[in_offset + i];
                                   } else {
                                     // The innermost dimension is summed away: accumulate the row
                                     // in one register.
                                     float total = 0.0f;
                                     for (int64_t i = 0; i < count; ++i) total += in[in_offset + i];
                                     result[out_offset] += total;
                                   }
                                 });
  if (!should_record(x)) return out;
  return record(out, "sum_to", {x}, [x_shape = x.shape()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{broadcast_to(g, x_shape)};
  });
}

}  // namespace soma
