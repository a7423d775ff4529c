// matmul and transpose. The backward of C = A B is dA = dC B^T and dB = A^T dC, both
// computed by gemm with transpose flags, so no transposed copy is ever made.
#include "soma/ops/linear_algebra.hpp"

#include <numeric>

#include "product_into.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/gemm.hpp"

namespace soma {

namespace {

// C (m x n) = op(A) op(B), with A stored (rows_a x cols_a) and B (rows_b x cols_b).
Tensor gemm_product(const Tensor& a, bool transpose_a, const Tensor& b, bool transpose_b) {
  const int64_t m = transpose_a ? a.shape()[1] : a.shape()[0];
  const int64_t n = transpose_b ? b.shape()[0] : b.shape()[1];
  Tensor c = Tensor::empty(Shape{m, n});
  detail::product_into(c.data(), n, a, transpose_a, b, transpose_b, 0.0f);
  return c;
}

}  // namespace

namespace detail {

// C (m x n, row stride ldc) = alpha op(A) op(B) + beta C, with A stored (rows_a x cols_a)
// and B (rows_b x cols_b); m and n are those of op(A) op(B). With a bias, + the bias in
// every row.
void product_into(float* c, int64_t ldc, const Tensor& a, bool transpose_a, const Tensor& b,
                  bool transpose_b, float beta, const float* bias, float alpha) {
  kernels::gemm({.transpose_a = transpose_a,
                 .transpose_b = transpose_b,
                 .m = transpose_a ? a.shape()[1] : a.shape()[0],
                 .n = transpose_b ? b.shape()[0] : b.shape()[1],
                 .k = transpose_a ? a.shape()[0] : a.shape()[1],
                 .alpha = alpha,
                 .a = a.data(),
                 .lda = a.shape()[1],
                 .b = b.data(),
                 .ldb = b.shape()[1],
                 .beta = beta,
                 .c = c,
                 .ldc = ldc,
                 .bias = bias});
}

}  // namespace detail

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.rank() != 2 || b.rank() != 2) {
    throw Error("matmul: expects two 2-d tensors, got " + a.shape().to_string() + " and " +
                b.shape().to_string());
  }
  if (a.shape()[1] != b.shape()[0]) {
    throw Error("matmul: cannot multiply " + a.shape().to_string() + " by " +
                b.shape().to_string());
  }
  Tensor out = gemm_product(a, false, b, false);
  if (!should_record(a, b)) return out;
  return record(out, "matmul", {a, b},
                [a = a.detach(), b = b.detach()](const Tensor& g, Node::Wanted wanted) {
                  // g is (m x n); dA = g B^T is (m x k), dB = A^T g is (k x n).
                  return std::vector<Tensor>{
                      wanted[0] ? gemm_product(g, false, b, true) : Tensor(),
                      wanted[1] ? gemm_product(a, true, g, false) : Tensor()};
                });
}

Tensor transpose(const Tensor& x) {
  if (x.rank() != 2) {
    throw Error("transpose: expects a 2-d tensor, got " + x.shape().to_string() +
                " (use transpose(x, dim0, dim1) for other ranks)");
  }
  return transpose(x, 0, 1);
}

Tensor transpose(const Tensor& x, int dim0, int dim1) {
  const Shape& shape = x.shape();
  const int d0 = shape.normalize_dim(dim0, "transpose");
  const int d1 = shape.normalize_dim(dim1, "transpose");
  std::array<int64_t, Shape::max_rank> extents{};
  std::copy(shape.begin(), shape.end(), extents.begin());
  std::swap(extents[static_cast<size_t>(d0)], extents[static_cast<size_t>(d1)]);
  const Shape out_shape(std::span<const int64_t>(extents.data(), static_cast<size_t>(x.rank())));
  Tensor out = Tensor::empty(out_shape);
  // Walk the output in order; the input offset follows with the two strides swapped.
  std::array<int64_t, Shape::max_rank> in_strides{};
  for (int i = 0; i < x.rank(); ++i) in_strides[static_cast<size_t>(i)] = shape.stride(i);
  std::swap(in_strides[static_cast<size_t>(d0)], in_strides[static_cast<size_t>(d1)]);
  std::array<int64_t, Shape::max_rank> index{};
  const float* in = x.data();
  float* result = out.data();
  int64_t in_offset = 0;
  for (int64_t i = 0; i < out.numel(); ++i) {
    result[i] = in[in_offset];
    for (int dim = x.rank() - 1; dim >= 0; --dim) {
      const auto d = static_cast<size_t>(dim);
      ++index[d];
      in_offset += in_strides[d];
      if (index[d] < out_shape[dim]) break;
      in_offset -= in_strides[d] * index[d];
      index[d] = 0;
    }
  }
  if (!should_record(x)) return out;
  return record(out, "transpose", {x}, [d0, d1](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{transpose(g, d0, d1)};
  });
}

}  // namespace soma
