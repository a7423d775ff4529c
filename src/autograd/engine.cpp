// The backpropagation engine: iterative topological sort, then the chain rule in reverse.
#include "soma/autograd/engine.hpp"

#include <array>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/axpy.hpp"
#include "soma/ops/arithmetic.hpp"

namespace soma {

std::vector<Tensor> topological_order(const Tensor& root) {
  std::vector<Tensor> order;
  if (!root.requires_grad()) return order;
  // Depth-first post-order with an explicit stack of (tensor, next input to visit).
  std::unordered_map<const TensorImpl*, bool> visited;
  std::vector<std::pair<Tensor, size_t>> stack;
  stack.emplace_back(root, 0);
  visited[root.impl()] = true;
  while (!stack.empty()) {
    auto& [tensor, next_input] = stack.back();
    const Node* node = tensor.grad_fn().get();
    if (node != nullptr && next_input < node->inputs().size()) {
      const Tensor& input = node->inputs()[next_input++];
      if (input.requires_grad() && !visited[input.impl()]) {
        visited[input.impl()] = true;
        stack.emplace_back(input, 0);
      }
      continue;
    }
    order.push_back(std::move(tensor));
    stack.pop_back();
  }
  return order;
}

namespace {

// grad += contribution, in place, so that a leaf's gradient keeps its buffer across steps.
void accumulate_into_leaf(TensorImpl& leaf, const Tensor& contribution) {
  if (!leaf.grad) {
    leaf.grad = contribution.clone().impl_ptr();
    return;
  }
  kernels::axpy(contribution.numel(), 1.0f, contribution.data(), leaf.grad->storage->data());
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& seed, bool retain_graph) {
  if (!root.requires_grad()) {
    throw Error(
        "backward: the tensor does not require gradients (no input was marked with "
        "set_requires_grad, or it was computed under NoGradGuard)");
  }
  if (!(seed.shape() == root.shape())) {
    throw Error("backward: the seed gradient has shape " + seed.shape().to_string() +
                ", the output has shape " + root.shape().to_string());
  }
  NoGradGuard no_grad;  // derivatives are computed, not recorded
  // Holding every tensor here keeps each alive while its node is released.
  const std::vector<Tensor> order = topological_order(root);
  std::unordered_map<const TensorImpl*, Tensor> pending;  // summed d(root)/d(tensor)
  pending.reserve(order.size());
  pending[root.impl()] = seed;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Tensor& tensor = *it;
    auto found = pending.find(tensor.impl());
    if (found == pending.end()) continue;  // reached only through inputs not requiring grad
    const Tensor gradient = std::move(found->second);
    pending.erase(found);
    TensorImpl& impl = *tensor.impl();
    if (!impl.grad_fn || impl.retains_grad) accumulate_into_leaf(impl, gradient);
    Node* node = impl.grad_fn.get();
    if (node == nullptr) continue;
    const std::vector<Tensor>& inputs = node->inputs();
    // Leaf inputs that already have a gradient buffer may receive their share in place.
    std::array<float*, 32> leaf_gradients{};
    for (size_t i = 0; i < inputs.size(); ++i) {
      const TensorImpl& input = *inputs[i].impl();
      if (input.requires_grad && !input.grad_fn && input.grad && input.grad->shape == input.shape) {
        leaf_gradients[i] = input.grad->storage->data();
      }
    }
    std::vector<Tensor> input_grads =
        node->apply(gradient, Node::LeafGradients(leaf_gradients.data(), inputs.size()));
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].requires_grad() || !input_grads.at(i).defined()) continue;
      if (!(input_grads[i].shape() == inputs[i].shape())) {
        throw Error(std::string("backward: '") + node->name() + "' returned a gradient of shape " +
                    input_grads[i].shape().to_string() + " for an input of shape " +
                    inputs[i].shape().to_string());
      }
      auto [slot, inserted] = pending.try_emplace(inputs[i].impl(), input_grads[i]);
      // A tensor used several times receives the sum of all its contributions.
      if (!inserted) slot->second = add(slot->second, input_grads[i]);
    }
    if (!retain_graph) node->release();
  }
}

void Tensor::backward(bool retain_graph) const {
  if (numel() != 1) {
    throw Error("backward: the output has shape " + shape().to_string() +
                "; backward() without a seed needs a single value (reduce with sum or mean, "
                "or pass a seed gradient)");
  }
  run_backward(*this, ones(shape()), retain_graph);
}

void Tensor::backward(const Tensor& seed, bool retain_graph) const {
  run_backward(*this, seed, retain_graph);
}

}  // namespace soma
