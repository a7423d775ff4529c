// exp, log, sqrt, abs and powers by a constant, each forward beside its derivative.
#include "soma/ops/math.hpp"

#include <cmath>
#include <cstdio>

#include "ops/elementwise.hpp"
#include "soma/autograd/node.hpp"
#include "soma/kernels/elementwise.hpp"
#include "soma/ops/arithmetic.hpp"

namespace soma {

using detail::map_same_shape;
using detail::map_unary;

Tensor exp(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape());
  kernels::exp(x.data(), out.data(), x.numel());
  if (!should_record(x)) return out;
  // d(e^x)/dx = e^x: reuse the output.
  return record(out, "exp", {x}, [y = out.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{mul(g, y)};
  });
}

Tensor log(const Tensor& x) {
  Tensor out = map_unary(x, [](float v) { return std::log(v); });
  if (!should_record(x)) return out;
  return record(out, "log", {x}, [x = x.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{div(g, x)};
  });
}

Tensor sqrt(const Tensor& x) {
  Tensor out = map_unary(x, [](float v) { return std::sqrt(v); });
  if (!should_record(x)) return out;
  // d(sqrt x)/dx = 1 / (2 sqrt x).
  return record(out, "sqrt", {x}, [y = out.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{
        map_same_shape(g, y, [](float gi, float yi) { return gi * 0.5f / yi; })};
  });
}

Tensor abs(const Tensor& x) {
  Tensor out = map_unary(x, [](float v) { return std::fabs(v); });
  if (!should_record(x)) return out;
  // d|x|/dx = sign(x), 0 at 0.
  return record(out, "abs", {x}, [x = x.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{map_same_shape(
        g, x, [](float gi, float xi) { return xi > 0.0f ? gi : (xi < 0.0f ? -gi : 0.0f); })};
  });
}

Tensor pow(const Tensor& x, float exponent) {
  Tensor out = map_unary(x, [exponent](float v) { return std::pow(v, exponent); });
  if (!should_record(x)) return out;
  // d(x^c)/dx = c x^(c-1); 0 for c = 0 (even at x = 0, where 0 * inf would give nan).
  Tensor result =
      record(out, "pow", {x}, [x = x.detach(), exponent](const Tensor& g, Node::Wanted) {
        return std::vector<Tensor>{map_same_shape(g, x, [exponent](float gi, float xi) {
          return exponent == 0.0f ? 0.0f : gi * exponent * std::pow(xi, exponent - 1.0f);
        })};
      });
  char detail[32];
  std::snprintf(detail, sizeof detail, "^%g", static_cast<double>(exponent));
  result.grad_fn()->set_detail(detail);
  return result;
}

Tensor square(const Tensor& x) {
  Tensor out = map_unary(x, [](float v) { return v * v; });
  if (!should_record(x)) return out;
  return record(out, "square", {x}, [x = x.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{
        map_same_shape(g, x, [](float gi, float xi) { return 2.0f * gi * xi; })};
  });
}

}  // namespace soma
