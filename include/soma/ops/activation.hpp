// Activation functions g of a neuron's weighted sum, element-wise, each with its
// derivative g' beside it in src/ops/activation.cpp.
#pragma once

#include <string_view>

#include "soma/tensor/tensor.hpp"

namespace soma {

// 1 where x >= 0, else 0. Its derivative is 0 everywhere (taken as 0 at the jump too), so
// no gradient flows through it: the lecture's reason for smooth activations.
Tensor step(const Tensor& x);
Tensor sigmoid(const Tensor& x);  // 1 / (1 + e^-x), computed without overflow
Tensor tanh(const Tensor& x);
Tensor relu(const Tensor& x);  // max(0, x), NaN kept; derivative 0 at 0
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
Tensor identity(const Tensor& x);  // x itself, as its own graph node
Tensor softplus(const Tensor& x);  // log(1 + e^x), computed without overflow

}  // namespace soma
