// The activation table: each activation's names, label, parameter, forward g and derivative
// g' in one entry, and the one generic path that runs and records any of them.
#include "soma/ops/activation.hpp"

#include <cmath>
#include <utility>

#include "ops/elementwise.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/elementwise.hpp"
#include "soma/ops/softmax.hpp"

namespace soma {

namespace {

using Forward = decltype(ActivationFunction::forward);
using Backward = decltype(ActivationFunction::backward);

// An element-wise activation's loops, made from its scalar formulas (captureless lambdas):
// value(x, parameter) = g(x) and gradient(dy, saved, parameter) = dy g'(x). The loops are
// plain and contiguous, so the compiler vectorises them where the formula allows.
template <class Value>
constexpr Forward forward_of(Value) {
  return [](const float* __restrict x, float* __restrict y, int64_t count, float parameter) {
    for (int64_t i = 0; i < count; ++i) y[i] = Value{}(x[i], parameter);
  };
}

template <class Gradient>
constexpr Backward backward_of(Gradient) {
  return [](const float* __restrict dy, const float* __restrict saved, float* __restrict dx,
            int64_t count, float parameter) {
    for (int64_t i = 0; i < count; ++i) dx[i] = Gradient{}(dy[i], saved[i], parameter);
  };
}

// Stable for every x: e^-x is only computed for x >= 0, e^x only for x < 0.
float stable_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

// Phi(x), the standard normal distribution function, by erfc: accurate far out on the left,
// where 1 + erf(x / sqrt 2) has already rounded to 0.
float normal_cdf(float x) {
  return 0.5f * std::erfc(-x * 0.70710678f);
}

// One entry per activation, in the order help texts list them. Where g(x) or g'(x) is a
// product inf x 0 at an infinite x, the entry returns the limit instead of NaN, as the
// others do.
// clang-format off
constexpr ActivationFunction table[] = {
    // The derivative of a step is 0 wherever it exists: nothing flows back.
    {.name = "step", .label = "Step",
     .forward = forward_of([](float x, float) { return x >= 0.0f ? 1.0f : 0.0f; }),
     .backward = backward_of([](float, float, float) { return 0.0f; })},
    // s'(x) = s(x) (1 - s(x)), from the output alone.
    {.name = "sigmoid", .label = "Sigmoid", .saves_output = true,
     .forward = [](const float* x, float* y, int64_t n, float) { kernels::sigmoid(x, y, n); },
     .backward = backward_of([](float dy, float y, float) { return dy * y * (1.0f - y); })},
    // tanh'(x) = 1 - tanh(x)^2.
    {.name = "tanh", .label = "Tanh", .saves_output = true,
     .forward = [](const float* x, float* y, int64_t n, float) { kernels::tanh(x, y, n); },
     .backward = backward_of([](float dy, float y, float) { return dy * (1.0f - y * y); })},
    // Written so that NaN passes through (every comparison with it is false), as in the
    // other activations, rather than turning into 0 and hiding a broken weight.
    {.name = "relu", .label = "ReLU", .saves_output = true, .rectifier = true,
     .forward = forward_of([](float x, float) { return x <= 0.0f ? 0.0f : x; }),
     .backward = backward_of([](float dy, float y, float) { return y > 0.0f ? dy : 0.0f; })},
    {.name = "leaky_relu", .label = "LeakyReLU", .takes_parameter = true,
     .default_parameter = 0.01f, .rectifier = true,
     .forward = forward_of([](float x, float slope) { return x > 0.0f ? x : slope * x; }),
     .backward = backward_of([](float dy, float x, float slope) {
       return x > 0.0f ? dy : slope * dy; })},
    {.name = "identity", .alias = "linear", .label = "Identity",
     .forward = forward_of([](float x, float) { return x; }),
     .backward = backward_of([](float dy, float, float) { return dy; })},
    // max(x, 0) + log1p(e^-|x|) = log(1 + e^x) without overflow; its derivative is sigmoid.
    {.name = "softplus", .label = "Softplus",
     .forward = forward_of([](float x, float) {
       return std::fmax(x, 0.0f) + std::log1p(std::exp(-std::fabs(x))); }),
     .backward = backward_of([](float dy, float x, float) { return dy * stable_sigmoid(x); })},
    {.name = "softmax", .label = "Softmax", .elementwise = false,
     .apply = [](const Tensor& x, float) { return softmax(x, -1); }},
    // GELU, exact as PyTorch's default: x Phi(x); g'(x) = Phi(x) + x phi(x), phi the normal
    // density.
    {.name = "gelu", .label = "GELU", .rectifier = true,
     .forward = forward_of([](float x, float) {
       const float cdf = normal_cdf(x);
       return cdf == 0.0f ? 0.0f : x * cdf; }),
     .backward = backward_of([](float dy, float x, float) {
       const float density = 0.39894228f * std::exp(-0.5f * x * x);
       return dy * (normal_cdf(x) + (density == 0.0f ? 0.0f : x * density)); })},
    // SiLU (swish): x s(x); g'(x) = s(x) (1 + x (1 - s(x))).
    {.name = "silu", .label = "SiLU", .rectifier = true,
     .forward = forward_of([](float x, float) {
       const float s = stable_sigmoid(x);
       return s == 0.0f ? 0.0f : x * s; }),
     .backward = backward_of([](float dy, float x, float) {
       if (std::isinf(x)) return x > 0.0f ? dy : 0.0f;
       const float s = stable_sigmoid(x);
       return dy * s * (1.0f + x * (1.0f - s)); })},
};
// clang-format on

}  // namespace

std::span<const ActivationFunction> activation_functions() {
  return table;
}

const ActivationFunction* find_activation(std::string_view name) {
  for (const ActivationFunction& function : table) {
    if (function.name == name || (!function.alias.empty() && function.alias == name)) {
      return &function;
    }
  }
  return nullptr;
}

const ActivationFunction& activation_function(std::string_view name) {
  if (const ActivationFunction* function = find_activation(name)) return *function;
  throw Error("unknown activation '" + std::string(name) + "' (valid: " + activation_names() + ")");
}

std::string activation_names() {
  std::string names;
  for (const ActivationFunction& function : table) {
    names += (names.empty() ? "" : ", ") + std::string(function.name);
  }
  return names;
}

Tensor activate(const ActivationFunction& function, const Tensor& x, float parameter) {
  if (function.apply != nullptr) return function.apply(x, parameter);
  Tensor out = Tensor::empty(x.shape());
  kernels::parallel_for(x.numel(), detail::elements_per_part, [&](int64_t begin, int64_t end) {
    function.forward(x.data() + begin, out.data() + begin, end - begin, parameter);
  });
  if (!should_record(x)) return out;
  Tensor saved = function.saves_output ? out.detach() : x.detach();
  // The table's names are literals, so name.data() ends in '\0' as the node wants.
  return record(out, function.name.data(), {x},
                [&function, saved = std::move(saved), parameter](const Tensor& g, Node::Wanted) {
                  Tensor dx = Tensor::empty(g.shape());
                  kernels::parallel_for(
                      g.numel(), detail::elements_per_part, [&](int64_t begin, int64_t end) {
                        function.backward(g.data() + begin, saved.data() + begin, dx.data() + begin,
                                          end - begin, parameter);
                      });
                  return std::vector<Tensor>{dx};
                });
}

Tensor activate(std::string_view name, const Tensor& x) {
  const ActivationFunction& function = activation_function(name);
  return activate(function, x, function.default_parameter);
}

}  // namespace soma
