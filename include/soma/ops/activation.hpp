// Activation functions g of a neuron's weighted sum, in one table (src/ops/activation.cpp)
// that the ops below, the Activation layer, soma grad, the CLI and the pictures all read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "soma/tensor/tensor.hpp"

namespace soma {

// One activation: element-wise ones by `forward` and `backward`, loops over whole arrays (a
// call per element through a pointer would not vectorise); the others by `apply`.
struct ActivationFunction {
  std::string_view name{};         // in the CLI, model files, soma grad and graph nodes: "relu"
  std::string_view alias{};        // another name accepted for it ("linear"), or empty
  std::string_view label{};        // in pictures and summaries: "ReLU"
  bool takes_parameter = false;    // leaky_relu's negative slope
  float default_parameter = 0.0f;  // the parameter when none is given
  bool elementwise = true;         // false: across each row (softmax), so not in soma grad
  bool saves_output = false;       // backward reads y = g(x) rather than x
  // Shaped like ReLU (0 on the left, the identity on the right, through 0): it halves its
  // input's variance, which He's initialisation makes up for; soma train's default then.
  bool rectifier = false;
  // y[i] = g(x[i]) for i < count.
  void (*forward)(const float* x, float* y, int64_t count, float parameter) = nullptr;
  // dx[i] = dy[i] g'(x[i]) for i < count, from saved[i] = x[i] or y[i] (saves_output).
  void (*backward)(const float* dy, const float* saved, float* dx, int64_t count,
                   float parameter) = nullptr;
  // Set instead of forward and backward: the whole operation with its graph node.
  Tensor (*apply)(const Tensor& x, float parameter) = nullptr;
};

// Every activation, in the order help texts and error messages list them.
std::span<const ActivationFunction> activation_functions();
// By name or alias: null when there is none.
const ActivationFunction* find_activation(std::string_view name);
// By name or alias; throws soma::Error "unknown activation 'x' (valid: step, ...)".
const ActivationFunction& activation_function(std::string_view name);
// "step, sigmoid, tanh, ...": the names, for help texts and errors.
std::string activation_names();

// g(x), recorded as a graph node named after the activation.
Tensor activate(const ActivationFunction& function, const Tensor& x, float parameter);
// The activation of that name with its default parameter: activate("gelu", x).
Tensor activate(std::string_view name, const Tensor& x);

// The activations as ops. step's derivative is 0 everywhere (the jump too): no gradient flows
// through it. sigmoid and softplus never overflow; relu keeps NaN, its derivative 0 at 0.
// clang-format off
inline Tensor step(const Tensor& x) { return activate("step", x); }
inline Tensor sigmoid(const Tensor& x) { return activate("sigmoid", x); }
inline Tensor tanh(const Tensor& x) { return activate("tanh", x); }
inline Tensor relu(const Tensor& x) { return activate("relu", x); }
inline Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f) {
  return activate(activation_function("leaky_relu"), x, negative_slope); }
inline Tensor identity(const Tensor& x) { return activate("identity", x); }
inline Tensor softplus(const Tensor& x) { return activate("softplus", x); }
// clang-format on

}  // namespace soma
