// The backpropagation engine: iterative topological sort, then the chain rule in reverse;
// backward_and_update, the same walk with plain SGD's step fused in.
#include "soma/autograd/engine.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>

#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/kernels/axpy.hpp"
#include "soma/ops/arithmetic.hpp"

namespace soma {

namespace {

// Pointer -> index by open addressing: the engine's visited set and its index of pending
// gradients. std::unordered_map allocates a node per entry; this allocates twice per pass.
class PointerIndex {
 public:
  explicit PointerIndex(size_t expected) { rehash(capacity_for(expected)); }

  // The index stored for `key`, or `absent`.
  int64_t find(const void* key) const {
    for (size_t slot = start(key);; slot = (slot + 1) & mask_) {
      if (keys_[slot] == key) return values_[slot];
      if (keys_[slot] == nullptr) return absent;
    }
  }

  // Stores `value` for `key` unless it is there; returns false if it was.
  bool insert(const void* key, int64_t value) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    size_t slot = start(key);
    for (; keys_[slot] != nullptr; slot = (slot + 1) & mask_) {
      if (keys_[slot] == key) return false;
    }
    keys_[slot] = key;
    values_[slot] = value;
    ++size_;
    return true;
  }

  static constexpr int64_t absent = -1;

 private:
  static size_t capacity_for(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    return capacity;
  }
  size_t start(const void* key) const {
    // Fibonacci hashing of the address: its low bits are alignment, not information.
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(key) * 0x9E3779B97F4A7C15ull) >>
                               (64 - shift_)) &
           mask_;
  }
  void rehash(size_t capacity) {
    std::vector<const void*> old_keys = std::move(keys_);
    std::vector<int64_t> old_values = std::move(values_);
    keys_.assign(capacity, nullptr);
    values_.assign(capacity, absent);
    mask_ = capacity - 1;
    shift_ = static_cast<unsigned>(std::countr_zero(capacity));
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != nullptr) insert(old_keys[i], old_values[i]);
    }
  }
  void grow() { rehash(keys_.size() * 2); }

  std::vector<const void*> keys_;
  std::vector<int64_t> values_;
  size_t mask_ = 0;
  unsigned shift_ = 0;
  size_t size_ = 0;
};

}  // namespace

std::vector<Tensor> topological_order(const Tensor& root) {
  std::vector<Tensor> order;
  if (!root.requires_grad()) return order;
  // Depth-first post-order with an explicit stack of (tensor, next input to visit).
  PointerIndex visited(64);
  std::vector<std::pair<Tensor, size_t>> stack;
  stack.emplace_back(root, 0);
  visited.insert(root.impl(), 0);
  while (!stack.empty()) {
    auto& [tensor, next_input] = stack.back();
    const Node* node = tensor.grad_fn().get();
    if (node != nullptr && next_input < node->inputs().size()) {
      const Tensor& input = node->inputs()[next_input++];
      if (input.requires_grad() && visited.insert(input.impl(), 0)) stack.emplace_back(input, 0);
      continue;
    }
    order.push_back(std::move(tensor));
    stack.pop_back();
  }
  return order;
}

namespace {

// grad += contribution, in place, so that a leaf's gradient keeps its buffer across steps.
// A leaf without a gradient takes the contribution itself when nothing else refers to it or
// to its buffer (the fresh result of a backward function), else a copy of it.
void accumulate_into_leaf(TensorImpl& leaf, const Tensor& contribution) {
  if (!leaf.grad) {
    const std::shared_ptr<TensorImpl>& impl = contribution.impl_ptr();
    const bool only_reference = impl.use_count() == 1 && impl->storage.use_count() == 1;
    leaf.grad = only_reference ? impl : contribution.clone().impl_ptr();
    return;
  }
  if (!(leaf.grad->shape == contribution.shape())) {
    throw Error("backward: a leaf's stored gradient has shape " + leaf.grad->shape.to_string() +
                " but the leaf has shape " + contribution.shape().to_string() +
                " (was its gradient replaced by hand?)");
  }
  kernels::axpy(contribution.numel(), 1.0f, contribution.data(), leaf.grad->storage->data());
}

// backward_and_update's parameters and their scale.
struct InPlaceUpdate {
  std::span<const Tensor> parameters;
  float scale = 1.0f;
};

// How the pass treats the tensor at a position of the order.
enum class Update : uint8_t {
  none,         // an ordinary tensor: leaves accumulate into grad()
  at_leaf,      // a parameter updated in place once the walk reaches it
  by_its_node,  // the same, but its only user may write the update itself
  after_walk,   // a parameter whose storage another tensor of the graph shares: updated
                // only after every backward function has run
  // While planning only: a parameter found as a node's input once, or more than once.
  seen_once,
  seen_more,
};

// For each position of `order`, whether backward_and_update changes that tensor in place
// (empty without an update). A parameter used by one node only may be updated by that
// node's backward function: its gradient is then complete in that one contribution, and no
// other node reads it. A node that reads its storage through another tensor (a detached
// copy, a reshaped view) would see the new values, so such a parameter waits for the end.
// Throws before anything is changed if the graph was released by an earlier backward.
// Two allocations per pass (the plan and the sorted buffers): a W1 step lasts a few
// microseconds, so each one shows.
std::vector<Update> plan_updates(const std::vector<Tensor>& order, const PointerIndex& position,
                                 const InPlaceUpdate* update) {
  std::vector<Update> plan;
  if (update == nullptr) return plan;
  plan.assign(order.size(), Update::none);
  // The reached parameters' buffers, sorted, with their positions: (storage, position).
  std::vector<std::pair<const Storage*, size_t>> buffers;
  buffers.reserve(update->parameters.size());
  for (const Tensor& parameter : update->parameters) {
    const int64_t at = position.find(parameter.impl());
    if (at == PointerIndex::absent) continue;  // the graph does not reach it
    plan[static_cast<size_t>(at)] = Update::at_leaf;
    buffers.emplace_back(parameter.impl()->storage.get(), static_cast<size_t>(at));
  }
  std::sort(buffers.begin(), buffers.end());
  for (size_t i = 1; i < buffers.size(); ++i) {
    if (buffers[i].first == buffers[i - 1].first) {  // two parameters on one buffer: both wait
      plan[buffers[i].second] = plan[buffers[i - 1].second] = Update::after_walk;
    }
  }
  for (const Tensor& tensor : order) {
    const Node* node = tensor.grad_fn().get();
    if (node == nullptr) continue;
    node->check_not_released();
    for (const Tensor& input : node->inputs()) {
      const Storage* storage = input.impl()->storage.get();
      const auto found = std::lower_bound(buffers.begin(), buffers.end(),
                                          std::pair<const Storage*, size_t>(storage, 0));
      if (found == buffers.end() || found->first != storage) continue;
      Update& entry = plan[found->second];
      if (input.impl() != order[found->second].impl()) {
        entry = Update::after_walk;  // read through another tensor
      } else if (entry == Update::at_leaf) {
        entry = Update::seen_once;
      } else if (entry == Update::seen_once) {
        entry = Update::seen_more;  // a node taking it twice counts twice
      }
    }
  }
  for (Update& entry : plan) {
    if (entry == Update::seen_once) entry = Update::by_its_node;
    if (entry == Update::seen_more) entry = Update::at_leaf;
  }
  return plan;
}

void check_root(const Tensor& root, const Tensor& seed, const char* what) {
  if (!root.requires_grad()) {
    throw Error(std::string(what) +
                ": the tensor does not require gradients (no input was marked with "
                "set_requires_grad, or it was computed under NoGradGuard)");
  }
  if (!(seed.shape() == root.shape())) {
    throw Error(std::string(what) + ": the seed gradient has shape " + seed.shape().to_string() +
                ", the output has shape " + root.shape().to_string());
  }
}

void backpropagate(const Tensor& root, const Tensor& seed, bool retain_graph,
                   const InPlaceUpdate* update) {
  NoGradGuard no_grad;  // derivatives are computed, not recorded
  // Holding every tensor here keeps each alive while its node is released.
  const std::vector<Tensor> order = topological_order(root);
  // d(root)/d(order[i]), summed over its uses, in pending[i].
  PointerIndex position(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    position.insert(order[i].impl(), static_cast<int64_t>(i));
  }
  const std::vector<Update> plan = plan_updates(order, position, update);
  const auto plan_for = [&plan](size_t at) { return plan.empty() ? Update::none : plan[at]; };
  std::vector<std::pair<TensorImpl*, Tensor>> after_walk;  // (parameter, its gradient)
  std::vector<Tensor> pending(order.size());
  pending.back() = seed;  // the root is last in post-order
  for (size_t step = order.size(); step-- > 0;) {
    const Tensor& tensor = order[step];
    if (!pending[step].defined()) continue;  // reached only through inputs not requiring grad
    const Tensor gradient = std::move(pending[step]);
    pending[step] = Tensor();
    TensorImpl& impl = *tensor.impl();
    if (!impl.grad_fn) {
      const Update leaf_plan = plan_for(step);
      if (leaf_plan == Update::none) {
        accumulate_into_leaf(impl, gradient);  // `gradient`'s last use
      } else if (leaf_plan == Update::after_walk) {
        after_walk.emplace_back(&impl, gradient);
      } else {
        // Every node that reads this parameter comes before it in this walk: it is safe to
        // change its values now.
        kernels::axpy(gradient.numel(), update->scale, gradient.data(), impl.storage->data());
      }
      continue;
    }
    if (impl.retains_grad) accumulate_into_leaf(impl, gradient);
    Node* node = impl.grad_fn.get();
    const std::vector<Tensor>& inputs = node->inputs();
    // Leaf inputs may receive their share in place: into a gradient buffer they already
    // have, or, for a parameter this node alone uses, into its values.
    std::array<Node::LeafTarget, 32> leaf_targets{};
    for (size_t i = 0; i < inputs.size(); ++i) {
      TensorImpl& input = *inputs[i].impl();
      if (!input.requires_grad || input.grad_fn) continue;
      const Update input_plan = plan_for(static_cast<size_t>(position.find(&input)));
      if (input_plan == Update::by_its_node) {
        leaf_targets[i] = {input.storage->data(), update->scale};
      } else if (input_plan == Update::none && input.grad && input.grad->shape == input.shape) {
        leaf_targets[i] = {input.grad->storage->data(), 1.0f};
      }
    }
    std::vector<Tensor> input_grads =
        node->apply(gradient, Node::LeafGradients(leaf_targets.data(), inputs.size()));
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].requires_grad() || !input_grads.at(i).defined()) continue;
      if (!(input_grads[i].shape() == inputs[i].shape())) {
        throw Error(std::string("backward: '") + node->name() + "' returned a gradient of shape " +
                    input_grads[i].shape().to_string() + " for an input of shape " +
                    inputs[i].shape().to_string());
      }
      Tensor& slot = pending[static_cast<size_t>(position.find(inputs[i].impl()))];
      // A tensor used several times receives the sum of all its contributions.
      slot = slot.defined() ? add(slot, input_grads[i]) : input_grads[i];
    }
    if (!retain_graph) node->release();
  }
  for (const auto& [parameter, gradient] : after_walk) {
    kernels::axpy(gradient.numel(), update->scale, gradient.data(), parameter->storage->data());
  }
}

}  // namespace

void run_backward(const Tensor& root, const Tensor& seed, bool retain_graph) {
  check_root(root, seed, "backward");
  backpropagate(root, seed, retain_graph, nullptr);
}

void backward_and_update(const Tensor& root, std::span<const Tensor> parameters, float scale) {
  if (!root.defined()) throw Error("backward_and_update: the output tensor is undefined");
  if (root.numel() != 1) {
    throw Error("backward_and_update: the output has shape " + root.shape().to_string() +
                "; it needs a single value (reduce with sum or mean)");
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    const Tensor& parameter = parameters[i];
    const std::string which = "backward_and_update: parameter " + std::to_string(i);
    if (!parameter.defined() || !parameter.requires_grad() || !parameter.is_leaf()) {
      throw Error(which + " is not a leaf tensor that requires gradients");
    }
    if (parameter.grad().defined()) {
      throw Error(which + " of shape " + parameter.shape().to_string() +
                  " already has a gradient (drop it with clear_grad first: it would be "
                  "neither applied nor kept)");
    }
  }
  const Tensor seed = ones(root.shape());
  check_root(root, seed, "backward_and_update");
  const InPlaceUpdate update{parameters, scale};
  backpropagate(root, seed, /*retain_graph=*/false, &update);
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
