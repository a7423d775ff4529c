// Node: creation through record(), local backward, release, and iterative destruction.
#include "soma/autograd/node.hpp"

#include <array>
#include <memory>

#include "soma/core/error.hpp"
#include "soma/core/small_object_pool.hpp"

namespace soma {

Node::Node(const char* name, std::vector<Tensor> inputs, BackwardFn backward)
    : name_(name), inputs_(std::move(inputs)), backward_(std::move(backward)) {
  if (inputs_.size() > 32) throw Error(std::string(name) + ": at most 32 inputs per operation");
}

Node::Node(const char* name, std::vector<Tensor> inputs, AccumulatingBackwardFn backward)
    : name_(name), inputs_(std::move(inputs)), accumulating_backward_(std::move(backward)) {
  if (inputs_.size() > 32) throw Error(std::string(name) + ": at most 32 inputs per operation");
}

Node::~Node() {
  // Destroying inputs_ would destroy the input tensors, whose nodes destroy their inputs,
  // and so on: one stack frame per node. Instead, take over every node that would die
  // with us and destroy them one at a time from an explicit stack.
  std::vector<std::shared_ptr<Node>> doomed;
  auto adopt_inputs = [&doomed](std::vector<Tensor>& inputs) {
    for (Tensor& input : inputs) {
      const std::shared_ptr<TensorImpl>& impl = input.impl_ptr();
      if (impl && impl.use_count() == 1 && impl->grad_fn && impl->grad_fn.use_count() == 1) {
        doomed.push_back(std::move(impl->grad_fn));
      }
    }
    inputs.clear();
  };
  adopt_inputs(inputs_);
  while (!doomed.empty()) {
    std::shared_ptr<Node> node = std::move(doomed.back());
    doomed.pop_back();
    adopt_inputs(node->inputs_);
    // `node` now has no inputs, so its destruction here does not recurse.
  }
}

void Node::check_not_released() const {
  if (released_) {
    throw Error(std::string("backward: the graph through '") + name_ +
                "' was already released by an earlier backward(); pass retain_graph=true "
                "to the first backward() to backpropagate through it again");
  }
}

std::vector<Tensor> Node::apply(const Tensor& grad_output, LeafGradients leaf_gradients) {
  check_not_released();
  uint32_t wanted_bits = 0;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    if (inputs_[i].requires_grad()) wanted_bits |= 1u << i;
  }
  if (accumulating_backward_) {
    // Without buffers from the engine, every entry is null: nothing is added in place.
    const std::array<LeafTarget, 32> none{};
    const LeafGradients buffers =
        leaf_gradients.empty() ? LeafGradients(none.data(), inputs_.size()) : leaf_gradients;
    return accumulating_backward_(grad_output, Wanted(wanted_bits), buffers);
  }
  return backward_(grad_output, Wanted(wanted_bits));
}

void Node::release() {
  // Clearing the inputs and the closure frees the saved values now rather than with the
  // output tensor. The engine holds every tensor of the pass, so nothing it still needs
  // dies here, and each released node has no inputs left to destroy recursively.
  inputs_.clear();
  backward_ = nullptr;
  accumulating_backward_ = nullptr;
  released_ = true;
}

namespace {

// `output`, now the result of a new node `name` over `inputs`, with either kind of backward.
template <typename Backward>
Tensor record_node(Tensor output, const char* name, std::vector<Tensor> inputs, Backward backward) {
  TensorImpl* impl = output.impl();
  impl->requires_grad = true;
  impl->grad_fn =
      small_object_pool::make_shared<Node>(name, std::move(inputs), std::move(backward));
  return output;
}

}  // namespace

Tensor record(Tensor output, const char* name, std::vector<Tensor> inputs,
              Node::BackwardFn backward) {
  return record_node(std::move(output), name, std::move(inputs), std::move(backward));
}

Tensor record(Tensor output, const char* name, std::vector<Tensor> inputs,
              Node::AccumulatingBackwardFn backward) {
  return record_node(std::move(output), name, std::move(inputs), std::move(backward));
}

}  // namespace soma
