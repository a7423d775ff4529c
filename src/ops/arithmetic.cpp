// add, sub, mul, div, neg and pow with broadcasting: each forward beside its derivative.
#include "soma/ops/arithmetic.hpp"

#include <cmath>

#include "ops/elementwise.hpp"
#include "soma/autograd/node.hpp"
#include "soma/ops/broadcast.hpp"
#include "soma/ops/math.hpp"

namespace soma {

using detail::map_binary;
using detail::map_unary;

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = map_binary(a, b, "add", [](float x, float y) { return x + y; });
  if (!should_record(a, b)) return out;
  // d(a+b)/da = d(a+b)/db = 1: the gradient passes through, summed over broadcast dims.
  return record(out, "add", {a, b},
                [a_shape = a.shape(), b_shape = b.shape()](const Tensor& g, Node::Wanted wanted) {
                  return std::vector<Tensor>{wanted[0] ? sum_to(g, a_shape) : Tensor(),
                                             wanted[1] ? sum_to(g, b_shape) : Tensor()};
                });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = map_binary(a, b, "sub", [](float x, float y) { return x - y; });
  if (!should_record(a, b)) return out;
  return record(out, "sub", {a, b},
                [a_shape = a.shape(), b_shape = b.shape()](const Tensor& g, Node::Wanted wanted) {
                  return std::vector<Tensor>{wanted[0] ? sum_to(g, a_shape) : Tensor(),
                                             wanted[1] ? sum_to(neg(g), b_shape) : Tensor()};
                });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = map_binary(a, b, "mul", [](float x, float y) { return x * y; });
  if (!should_record(a, b)) return out;
  // d(ab)/da = b, d(ab)/db = a.
  return record(out, "mul", {a, b},
                [a = a.detach(), b = b.detach()](const Tensor& g, Node::Wanted wanted) {
                  return std::vector<Tensor>{wanted[0] ? sum_to(mul(g, b), a.shape()) : Tensor(),
                                             wanted[1] ? sum_to(mul(g, a), b.shape()) : Tensor()};
                });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = map_binary(a, b, "div", [](float x, float y) { return x / y; });
  if (!should_record(a, b)) return out;
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b.
  return record(out, "div", {a, b},
                [b = b.detach(), a_shape = a.shape(), quotient = out.detach()](
                    const Tensor& g, Node::Wanted wanted) {
                  Tensor g_over_b = div(g, b);
                  return std::vector<Tensor>{
                      wanted[0] ? sum_to(g_over_b, a_shape) : Tensor(),
                      wanted[1] ? sum_to(neg(mul(g_over_b, quotient)), b.shape()) : Tensor()};
                });
}

Tensor neg(const Tensor& x) {
  Tensor out = map_unary(x, [](float v) { return -v; });
  if (!should_record(x)) return out;
  return record(out, "neg", {x},
                [](const Tensor& g, Node::Wanted) { return std::vector<Tensor>{neg(g)}; });
}

Tensor pow(const Tensor& base, const Tensor& exponent) {
  Tensor out = map_binary(base, exponent, "pow", [](float x, float y) { return std::pow(x, y); });
  if (!should_record(base, exponent)) return out;
  // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a, taken as 0 where a = 0 and b >= 0
  // (the limit from above), as PyTorch does.
  return record(out, "pow", {base, exponent},
                [a = base.detach(), b = exponent.detach(), result = out.detach()](
                    const Tensor& g, Node::Wanted wanted) {
                  Tensor grad_base;
                  Tensor grad_exponent;
                  if (wanted[0]) {
                    Tensor local = map_binary(a, b, "pow", [](float x, float y) {
                      return y == 0.0f ? 0.0f : y * std::pow(x, y - 1.0f);
                    });
                    grad_base = sum_to(mul(g, local), a.shape());
                  }
                  if (wanted[1]) {
                    Tensor log_base = map_binary(a, b, "pow", [](float x, float y) {
                      return x == 0.0f && y >= 0.0f ? 0.0f : std::log(x);
                    });
                    grad_exponent = sum_to(mul(g, mul(result, log_base)), b.shape());
                  }
                  return std::vector<Tensor>{grad_base, grad_exponent};
                });
}

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator-(const Tensor& x) {
  return neg(x);
}
Tensor operator+(const Tensor& a, float b) {
  return add(a, scalar(b));
}
Tensor operator-(const Tensor& a, float b) {
  return sub(a, scalar(b));
}
Tensor operator*(const Tensor& a, float b) {
  return mul(a, scalar(b));
}
Tensor operator/(const Tensor& a, float b) {
  return div(a, scalar(b));
}
Tensor operator+(float a, const Tensor& b) {
  return add(scalar(a), b);
}
Tensor operator-(float a, const Tensor& b) {
  return sub(scalar(a), b);
}
Tensor operator*(float a, const Tensor& b) {
  return mul(scalar(a), b);
}
Tensor operator/(float a, const Tensor& b) {
  return div(scalar(a), b);
}

}  // namespace soma
