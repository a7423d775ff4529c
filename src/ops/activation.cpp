// Activation functions g and their derivatives g', element-wise.
#include "soma/ops/activation.hpp"

#include <cmath>

#include "ops/elementwise.hpp"
#include "soma/autograd/node.hpp"
#include "soma/kernels/elementwise.hpp"

namespace soma {

using detail::map_same_shape;
using detail::map_unary;

namespace {

// Stable for every x: e^-x is only computed for x >= 0, e^x only for x < 0.
float stable_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

}  // namespace

Tensor step(const Tensor& x) {
  Tensor out = map_unary(x, [](float v) { return v >= 0.0f ? 1.0f : 0.0f; });
  if (!should_record(x)) return out;
  // The derivative of a step is 0 wherever it exists: nothing flows back.
  return record(out, "step", {x}, [](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{zeros(g.shape())};
  });
}

Tensor sigmoid(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape());
  kernels::sigmoid(x.data(), out.data(), x.numel());
  if (!should_record(x)) return out;
  // s'(x) = s(x) (1 - s(x)), from the output alone.
  return record(out, "sigmoid", {x}, [y = out.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{
        map_same_shape(g, y, [](float gi, float yi) { return gi * yi * (1.0f - yi); })};
  });
}

Tensor tanh(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape());
  kernels::tanh(x.data(), out.data(), x.numel());
  if (!should_record(x)) return out;
  // tanh'(x) = 1 - tanh(x)^2.
  return record(out, "tanh", {x}, [y = out.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{
        map_same_shape(g, y, [](float gi, float yi) { return gi * (1.0f - yi * yi); })};
  });
}

Tensor relu(const Tensor& x) {
  // Written so that NaN passes through (every comparison with it is false), as in the other
  // activations, rather than turning into 0 and hiding a broken weight.
  Tensor out = map_unary(x, [](float v) { return v <= 0.0f ? 0.0f : v; });
  if (!should_record(x)) return out;
  return record(out, "relu", {x}, [y = out.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{
        map_same_shape(g, y, [](float gi, float yi) { return yi > 0.0f ? gi : 0.0f; })};
  });
}

Tensor leaky_relu(const Tensor& x, float negative_slope) {
  Tensor out =
      map_unary(x, [negative_slope](float v) { return v > 0.0f ? v : negative_slope * v; });
  if (!should_record(x)) return out;
  return record(
      out, "leaky_relu", {x}, [x = x.detach(), negative_slope](const Tensor& g, Node::Wanted) {
        return std::vector<Tensor>{map_same_shape(g, x, [negative_slope](float gi, float xi) {
          return xi > 0.0f ? gi : negative_slope * gi;
        })};
      });
}

Tensor identity(const Tensor& x) {
  // A new tensor on the same storage, so the graph shows the layer's (trivial) activation.
  Tensor out = x.detach();
  if (!should_record(x)) return out;
  return record(out, "identity", {x},
                [](const Tensor& g, Node::Wanted) { return std::vector<Tensor>{g}; });
}

Tensor softplus(const Tensor& x) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x|.
  Tensor out = map_unary(
      x, [](float v) { return std::fmax(v, 0.0f) + std::log1p(std::exp(-std::fabs(v))); });
  if (!should_record(x)) return out;
  // softplus'(x) = sigmoid(x).
  return record(out, "softplus", {x}, [x = x.detach()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{
        map_same_shape(g, x, [](float gi, float xi) { return gi * stable_sigmoid(xi); })};
  });
}

}  // namespace soma
