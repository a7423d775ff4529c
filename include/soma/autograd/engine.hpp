// Reverse-mode differentiation over the recorded graph (what Tensor::backward() runs).
#pragma once

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

}  // namespace soma
