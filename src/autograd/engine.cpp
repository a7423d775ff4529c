// The backward engine: the topological order (an explicit stack), then the chain rule in
// reverse, summing the contributions of every use of a tensor and sending each leaf's
// total to its grad() or to the buffer of its LeafRoute.
#include "soma/autograd/engine.hpp"

#include <array>
#include <string>
#include <utility>

#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/axpy.hpp"

namespace soma {

TopologicalOrder topological_order(const Tensor& root) {
  if (!root.requires_grad()) {
    throw Error(
        "backward: the tensor does not require gradients (no input was marked with "
        "set_requires_grad, or it was computed under NoGradGuard)");
  }
  // Depth-first post-order, a stack of (tensor, next input to visit). A tensor is in
  // `position` from its first visit (absent: on the stack) and gets its position when it
  // leaves the stack, after its inputs. Room for a step's graph: one allocation per array.
  TopologicalOrder order{{}, PointerIndex(32)};
  order.tensors.reserve(32);
  std::vector<std::pair<Tensor, size_t>> stack;
  stack.reserve(32);
  stack.emplace_back(root, 0);
  order.position.insert(root.impl(), PointerIndex::absent);
  while (!stack.empty()) {
    auto& [tensor, next_input] = stack.back();
    const Node* node = tensor.grad_fn().get();
    if (node != nullptr && node->released()) node->check_not_released();  // throws
    if (node != nullptr && next_input < node->inputs().size()) {
      const Tensor& input = node->inputs()[next_input++];
      if (input.requires_grad() && order.position.insert(input.impl(), PointerIndex::absent)) {
        stack.emplace_back(input, 0);
      }
      continue;
    }
    order.position.assign(tensor.impl(), static_cast<int64_t>(order.tensors.size()));
    order.tensors.push_back(std::move(tensor));
    stack.pop_back();
  }
  return order;
}

namespace {

// Nothing but `tensor` refers to its handle or its buffer (the fresh result of a backward
// function): the engine may keep it, or write into it.
bool only_reference(const Tensor& tensor) {
  return tensor.impl_ptr().use_count() == 1 && tensor.impl()->storage.use_count() == 1;
}

// grad += gradient, in place, so that a leaf's gradient keeps its buffer across steps. A
// tensor without a gradient takes `gradient` itself if nothing else refers to it, else a copy.
void add_to_grad(TensorImpl& tensor, const Tensor& gradient) {
  if (!tensor.grad) {
    tensor.grad = only_reference(gradient) ? gradient.impl_ptr() : gradient.clone().impl_ptr();
    return;
  }
  if (!(tensor.grad->shape == gradient.shape())) {
    throw Error("backward: a leaf's stored gradient has shape " + tensor.grad->shape.to_string() +
                " but the leaf has shape " + gradient.shape().to_string() +
                " (was its gradient replaced by hand?)");
  }
  kernels::axpy(gradient.numel(), 1.0f, gradient.data(), tensor.grad->storage->data());
}

// sum += contribution (exact: 1 x c), for a tensor used several times. A sum that anything
// else refers to (add's backward hands one tensor to both inputs; the seed is the caller's)
// is copied first: the engine writes only into its own buffers.
void add_to_sum(Tensor& sum, const Tensor& contribution) {
  if (!sum.defined()) {
    sum = contribution;
    return;
  }
  if (!only_reference(sum)) sum = sum.clone();
  kernels::axpy(sum.numel(), 1.0f, contribution.data(), sum.data());
}

void add_scaled(const LeafRoute& route, const Tensor& gradient) {
  kernels::axpy(gradient.numel(), route.scale, gradient.data(), route.buffer);
}

// What backpropagate needs of its arguments, checked before anything changes.
void check_walk(const TopologicalOrder& order, const Tensor& seed,
                std::span<const LeafRoute> routes) {
  const std::vector<Tensor>& tensors = order.tensors;
  if (tensors.empty() || (!routes.empty() && routes.size() != tensors.size())) {
    throw Error("backpropagate: " + std::to_string(routes.size()) + " routes for an order of " +
                std::to_string(tensors.size()) + " tensors (make it with topological_order)");
  }
  if (!(seed.shape() == tensors.back().shape())) {
    throw Error("backward: the seed gradient has shape " + seed.shape().to_string() +
                ", the output has shape " + tensors.back().shape().to_string());
  }
}

}  // namespace

void backpropagate(const TopologicalOrder& order, const Tensor& seed, bool retain_graph,
                   std::span<const LeafRoute> routes) {
  check_walk(order, seed, routes);
  const std::vector<Tensor>& tensors = order.tensors;  // held: each outlives its node's release
  NoGradGuard no_grad;                                 // derivatives are computed, not recorded
  // The route of the leaf at `position`, null for grad().
  const auto route_at = [routes](size_t position) -> const LeafRoute* {
    return routes.empty() || routes[position].buffer == nullptr ? nullptr : &routes[position];
  };
  std::vector<Tensor> pending(tensors.size());  // d(root)/d(tensors[i]), summed over its uses
  std::vector<std::pair<const LeafRoute*, Tensor>> after_walk;  // (route, gradient)
  pending.back() = seed;                                        // the root is last
  for (size_t step = tensors.size(); step-- > 0;) {
    if (!pending[step].defined()) continue;  // reached only through inputs not requiring grad
    const Tensor gradient = std::move(pending[step]);  // complete: every user came later
    TensorImpl& tensor = *tensors[step].impl();
    if (!tensor.grad_fn) {
      const LeafRoute* route = route_at(step);
      if (route == nullptr) {
        add_to_grad(tensor, gradient);
      } else if (route->when == LeafRoute::When::after_walk) {
        after_walk.emplace_back(route, gradient);
      } else {
        add_scaled(*route, gradient);
      }
      continue;
    }
    if (tensor.retains_grad) add_to_grad(tensor, gradient);
    Node& node = *tensor.grad_fn;
    const std::vector<Tensor>& inputs = node.inputs();
    // A leaf input may take its share straight into its route's buffer or its own grad.
    std::array<Node::LeafTarget, 32> targets{};
    for (size_t i = 0; i < inputs.size(); ++i) {
      TensorImpl& input = *inputs[i].impl();
      if (!input.requires_grad || input.grad_fn) continue;
      const LeafRoute* route =
          routes.empty() ? nullptr : route_at(static_cast<size_t>(order.position.find(&input)));
      if (route != nullptr && route->when == LeafRoute::When::by_its_nodes) {
        targets[i] = {route->buffer, route->scale};
      } else if (route == nullptr && input.grad && input.grad->shape == input.shape) {
        targets[i] = {input.grad->storage->data(), 1.0f};
      }
    }
    const std::vector<Tensor> input_grads =
        node.apply(gradient, Node::LeafGradients(targets.data(), inputs.size()));
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].requires_grad() || !input_grads.at(i).defined()) continue;
      if (!(input_grads[i].shape() == inputs[i].shape())) {
        throw Error(std::string("backward: '") + node.name() + "' returned a gradient of shape " +
                    input_grads[i].shape().to_string() + " for an input of shape " +
                    inputs[i].shape().to_string());
      }
      add_to_sum(pending[static_cast<size_t>(order.position.find(inputs[i].impl()))],
                 input_grads[i]);
    }
    if (!retain_graph) node.release();
  }
  for (const auto& [route, gradient] : after_walk) add_scaled(*route, gradient);
}

void backward(const Tensor& root, bool retain_graph) {
  if (root.numel() != 1) {
    throw Error("backward: the output has shape " + root.shape().to_string() +
                "; backward() without a seed needs a single value (reduce with sum or mean, "
                "or pass a seed gradient)");
  }
  backward(root, ones(root.shape()), retain_graph);
}

void backward(const Tensor& root, const Tensor& seed, bool retain_graph) {
  backpropagate(topological_order(root), seed, retain_graph);
}

}  // namespace soma
