// Plain SGD's step fused into the backward pass (what Sgd::backward_and_step runs without
// momentum or weight decay): each parameter's update is written where its gradient would
// have been, so that a layer's weight-gradient GEMM is the weight's update itself.
#pragma once

#include <span>

#include "soma/tensor/tensor.hpp"

namespace soma {

// Backpropagates from `root` (a single value) like backward(), but adds scale x
// d(root)/d(parameter) to each of `parameters`' values instead of storing the gradient
// (scale = -learning_rate: p = p - learning_rate x g; when each is updated: fused_sgd.cpp).
// The parameters must be leaves without a gradient and are left without one; the graph is
// released. A graph an earlier backward released is refused before any change; an error in
// a backward function itself can leave the parameters visited before it updated.
void backward_and_update(const Tensor& root, std::span<const Tensor> parameters, float scale);

}  // namespace soma
