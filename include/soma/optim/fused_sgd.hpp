// Plain SGD's step fused into the backward pass (what Sgd::backward_and_step runs without
// momentum or weight decay): each parameter's update is written where its gradient would
// have been, so that a layer's weight-gradient GEMM is the weight's update itself.
#pragma once

#include <span>

#include "soma/tensor/tensor.hpp"

namespace soma {

// Backpropagates from `root` (a single value) like backward(), except that for each of
// `parameters` it adds scale x d(root)/d(parameter) to the parameter's values instead of
// storing the gradient: with scale = -learning_rate, p = p - learning_rate x g. A parameter
// that one node alone uses (a layer's weight) is updated by that node's backward function
// when it can write there (`linear`: the weight-gradient GEMM adds into the weight, alpha =
// -learning_rate), with no gradient buffer and no separate pass over the weight; any other
// is updated when the walk reaches it, after every node that reads it; a parameter whose
// buffer another tensor of the graph shares (a detached copy, a view) is updated after the
// whole walk. The parameters must be leaves without a gradient, and are left without one;
// those the graph does not reach are unchanged. The graph is released. A graph already
// released by an earlier backward is refused before any change; an error in a backward
// function itself (a gradient of the wrong shape, memory exhausted) can leave the
// parameters visited before it updated.
void backward_and_update(const Tensor& root, std::span<const Tensor> parameters, float scale);

}  // namespace soma
