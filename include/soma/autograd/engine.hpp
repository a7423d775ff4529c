// Reverse-mode differentiation over the recorded graph: backward(), and its two steps (the
// order, then the chain rule in reverse) for a caller that sends some leaves' gradients
// elsewhere than grad() (optim's fused SGD step sends them into the parameters' values).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "soma/core/pointer_index.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma {

// Backpropagation from a single value: every leaf (and retain_grad tensor) root depends on
// adds d(root)/d(it) to its grad(). The graph is released unless retain_graph is set.
void backward(const Tensor& root, bool retain_graph = false);
// The same from an output of any shape, with d(root)/d(root) = seed, of root's shape.
void backward(const Tensor& root, const Tensor& seed, bool retain_graph = false);

// Every tensor that `root` depends on through recorded nodes and that requires gradients,
// inputs before the tensors computed from them, root last (an explicit stack: any depth).
// Throws, before anything changes, if root needs no gradients or part of it was released.
struct TopologicalOrder {
  std::vector<Tensor> tensors;
  PointerIndex position;  // tensors[position.find(t.impl())] is t
};
TopologicalOrder topological_order(const Tensor& root);

// Where a leaf's gradient goes instead of its grad(): buffer (the leaf's shape) += scale x
// d(root)/d(leaf). `when` says when the buffer may be written; it matters for a buffer the
// backward functions read, such as the leaf's own values.
struct LeafRoute {
  enum class When : uint8_t {
    by_its_nodes,  // offered to each node that reads the leaf (Node::LeafTarget), which may
                   // add its share itself; what a node returns is added at the leaf
    at_leaf,       // when the walk reaches the leaf: after every node that reads it
    after_walk,    // once every backward function has run
  };
  float* buffer = nullptr;  // null: into grad(), as backward() does
  float scale = 1.0f;
  When when = When::at_leaf;
};

// The chain rule over `order`: d(root)/d(root) = seed, then each node in reverse order maps
// its output's gradient to its inputs', every use's contribution summed; a leaf's total goes
// where routes[its position] says (`routes`: empty, or one entry per tensor of the order).
void backpropagate(const TopologicalOrder& order, const Tensor& seed, bool retain_graph,
                   std::span<const LeafRoute> routes = {});

}  // namespace soma
