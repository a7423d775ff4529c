// Private helpers for element-wise operations: contiguous loops the compiler can
// vectorise (long ones split over soma's threads; an element's value does not depend on the
// split), and NumPy broadcasting walked one innermost row at a time.
#pragma once

#include <array>

#include "soma/kernels/thread_pool.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::detail {

// Elements per part below which one thread runs the whole loop. Measured: splitting W2's
// 128 x 256 activations (32,768 elements) gained nothing, W3's 256 x 4096 ones gain.
inline constexpr int64_t elements_per_part = 128 * 1024;

// out[i] = f(x[i]).
template <class F>
Tensor map_unary(const Tensor& x, F f) {
  Tensor out = Tensor::empty(x.shape());
  const float* in = x.data();
  float* result = out.data();
  kernels::parallel_for(x.numel(), elements_per_part, [&](int64_t begin, int64_t end) {
    const float* __restrict source = in;
    float* __restrict target = result;
    for (int64_t i = begin; i < end; ++i) target[i] = f(source[i]);
  });
  return out;
}

// out[i] = f(x[i], y[i]) for two tensors of the same shape.
template <class F>
Tensor map_same_shape(const Tensor& x, const Tensor& y, F f) {
  Tensor out = Tensor::empty(x.shape());
  const float* a = x.data();
  const float* b = y.data();
  float* result = out.data();
  kernels::parallel_for(x.numel(), elements_per_part, [&](int64_t begin, int64_t end) {
    const float* __restrict first = a;
    const float* __restrict second = b;
    float* __restrict target = result;
    for (int64_t i = begin; i < end; ++i) target[i] = f(first[i], second[i]);
  });
  return out;
}

// Strides of `input` in the coordinates of the broadcast shape `output`: 0 along the
// dimensions where `input` is broadcast (extent 1 or missing).
inline std::array<int64_t, Shape::max_rank> broadcast_strides(const Shape& input,
                                                              const Shape& output) {
  std::array<int64_t, Shape::max_rank> strides{};
  int64_t stride = 1;
  for (int i = output.rank() - 1; i >= 0; --i) {
    const int input_dim = input.rank() - output.rank() + i;
    const int64_t extent = input_dim >= 0 ? input[input_dim] : 1;
    strides[static_cast<size_t>(i)] = extent == 1 ? 0 : stride;
    stride *= extent;
  }
  return strides;
}

// Calls row(count, out_offset, a_offset, a_step, b_offset, b_step) once per innermost row
// of `out`, where a and b are broadcast to `out`.
template <class Row>
void for_each_broadcast_row(const Shape& out, const Shape& a, const Shape& b, Row row) {
  const int rank = out.rank();
  if (rank == 0) {
    row(int64_t{1}, int64_t{0}, int64_t{0}, int64_t{0}, int64_t{0}, int64_t{0});
    return;
  }
  const auto a_strides = broadcast_strides(a, out);
  const auto b_strides = broadcast_strides(b, out);
  const int inner = rank - 1;
  const int64_t row_length = out[inner];
  const int64_t rows = row_length == 0 ? 0 : out.numel() / row_length;
  std::array<int64_t, Shape::max_rank> index{};
  int64_t a_offset = 0;
  int64_t b_offset = 0;
  for (int64_t r = 0; r < rows; ++r) {
    row(row_length, r * row_length, a_offset, a_strides[static_cast<size_t>(inner)], b_offset,
        b_strides[static_cast<size_t>(inner)]);
    // Advance the outer index like an odometer, keeping the input offsets in step.
    for (int dim = inner - 1; dim >= 0; --dim) {
      const auto d = static_cast<size_t>(dim);
      ++index[d];
      a_offset += a_strides[d];
      b_offset += b_strides[d];
      if (index[d] < out[dim]) break;
      a_offset -= a_strides[d] * index[d];
      b_offset -= b_strides[d] * index[d];
      index[d] = 0;
    }
  }
}

// out = f(a, b) with broadcasting; the same-shape case is one contiguous loop.
template <class F>
Tensor map_binary(const Tensor& a, const Tensor& b, const char* operation, F f) {
  if (a.shape() == b.shape()) return map_same_shape(a, b, f);
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), operation);
  Tensor out = Tensor::empty(shape);
  const float* __restrict x = a.data();
  const float* __restrict y = b.data();
  float* __restrict result = out.data();
  for_each_broadcast_row(shape, a.shape(), b.shape(),
                         [&](int64_t count, int64_t out_offset, int64_t a_offset, int64_t a_step,
                             int64_t b_offset, int64_t b_step) {
                           float* o = result + out_offset;
                           const float* p = x + a_offset;
                           const float* q = y + b_offset;
                           // Separate loops per stride pattern keep each one vectorisable.
                           if (a_step == 1 && b_step == 1) {
                             for (int64_t i = 0; i < count; ++i) o[i] = f(p[i], q[i]);
                           } else if (a_step == 1) {
                             const float constant = q[0];
                             for (int64_t i = 0; i < count; ++i) o[i] = f(p[i], constant);
                           } else if (b_step == 1) {
                             const float constant = p[0];
                             for (int64_t i = 0; i < count; ++i) o[i] = f(constant, q[i]);
                           } else {
                             const float value = f(p[0], q[0]);
                             for (int64_t i = 0; i < count; ++i) o[i] = value;
                           }
                         });
  return out;
}

}  // namespace soma::detail
