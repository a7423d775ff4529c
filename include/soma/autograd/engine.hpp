// Reverse-mode differentiation over the recorded graph (what Tensor::backward() runs), and
// the same pass with plain SGD's update fused in (backward_and_update).
#pragma once

#include <span>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

// Every tensor that `root` depends on through recorded nodes and that requires gradients,
// inputs before the tensors computed from them (a topological order). Found with an
// explicit stack, so graphs of any depth are fine.
std::vector<Tensor> topological_order(const Tensor& root);

// Seeds d(root)/d(root) = `seed`, then walks the graph in reverse topological order,
// applying each node's local derivative and summing the contributions of every use of a
// tensor. Leaf tensors (and tensors marked retain_grad) accumulate into grad().
void run_backward(const Tensor& root, const Tensor& seed, bool retain_graph);

// Backpropagates from `root` (a single value) like backward(), except that for each of
// `parameters` it adds scale x d(root)/d(parameter) to the parameter's values instead of
// storing the gradient: with scale = -learning_rate, plain SGD's step fused into the
// backward pass. A parameter that one node alone uses (a layer's weight) is updated by that
// node's backward function when it can write there (`linear`: the weight-gradient GEMM adds
// into the weight, alpha = -learning_rate), with no gradient buffer and no separate pass
// over the weight; any other is updated when the walk reaches it, after every node that
// reads it; a parameter whose buffer another tensor of the graph shares (a detached copy,
// a view) is updated after the whole walk. The parameters must be leaves without a
// gradient, and are left without one; those the graph does not reach are unchanged. The
// graph is released. A graph already released by an earlier backward is refused before any
// change; an error in a backward function itself (a gradient of the wrong shape, memory
// exhausted) can leave the parameters visited before it updated.
void backward_and_update(const Tensor& root, std::span<const Tensor> parameters, float scale);

}  // namespace soma
