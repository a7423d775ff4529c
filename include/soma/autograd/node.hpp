// A node of the computational graph: the operation that produced a tensor, its inputs,
// and its local derivative as a function from d(out)/d(result) to d(out)/d(each input).
// Operations create nodes through record(); see docs/ADDING_AN_OP.md.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "soma/autograd/grad_mode.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma {

class Node {
 public:
  // Which inputs need a gradient, so that a backward function can skip work nobody will
  // use (e.g. d(loss)/d(batch) in a matrix product with a data batch).
  class Wanted {
   public:
    explicit Wanted(uint32_t bits) : bits_(bits) {}
    bool operator[](size_t input) const { return ((bits_ >> input) & 1u) != 0; }

   private:
    uint32_t bits_;
  };
  // Returns one gradient per input, each of that input's shape; an undefined Tensor for
  // inputs that are not wanted. Runs with recording switched off. It must capture only
  // detached tensors (detach()), never graph tensors: that keeps the graph acyclic and
  // lets the node be released.
  using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output, Wanted wanted)>;
  // Where a backward function may add a leaf input's gradient itself: `buffer += scale x
  // d(out)/d(input)`, the leaf's existing gradient (scale 1) or its LeafRoute's buffer
  // (engine.hpp). It then returns an undefined Tensor for that input, saving a temporary
  // as big as a weight. It must read the input's values before it writes: the buffer may
  // be those values (plain SGD fused in).
  struct LeafTarget {
    float* buffer = nullptr;  // null: return the gradient as usual
    float scale = 1.0f;
  };
  using LeafGradients = std::span<const LeafTarget>;
  using AccumulatingBackwardFn = std::function<std::vector<Tensor>(
      const Tensor& grad_output, Wanted wanted, LeafGradients leaf_gradients)>;

  Node(const char* name, std::vector<Tensor> inputs, BackwardFn backward);
  Node(const char* name, std::vector<Tensor> inputs, AccumulatingBackwardFn backward);
  // Releases long chains iteratively: a million-node graph must not overflow the stack.
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const char* name() const { return name_; }
  // Extra words for display, such as the exponent of a power ("^2"); usually empty.
  const std::string& detail() const { return detail_; }
  void set_detail(std::string detail) { detail_ = std::move(detail); }
  const std::vector<Tensor>& inputs() const { return inputs_; }

  // Applies the chain rule locally; throws if the node was released by an earlier backward.
  // `leaf_gradients` (one entry per input, or empty) is passed on to an accumulating
  // backward function; a plain one ignores it.
  std::vector<Tensor> apply(const Tensor& grad_output, LeafGradients leaf_gradients = {});
  // Frees the inputs and the saved values; apply() fails afterwards with a clear message.
  void release();
  bool released() const { return released_; }
  // Throws soma::Error naming the operation if the node was released.
  void check_not_released() const;

 private:
  const char* name_;
  std::string detail_;
  std::vector<Tensor> inputs_;
  BackwardFn backward_;
  AccumulatingBackwardFn accumulating_backward_;
  bool released_ = false;
};

// True when gradients are enabled and at least one input requires them: an operation
// records a node only then, and skips saving anything for backward otherwise.
template <class... Tensors>
bool should_record(const Tensors&... inputs) {
  return is_grad_enabled() && (inputs.requires_grad() || ...);
}

// Makes `output` the result of operation `name` on `inputs` in the graph and returns it.
// Call it only when should_record(inputs...) holds. `output` must be a fresh tensor.
Tensor record(Tensor output, const char* name, std::vector<Tensor> inputs,
              Node::BackwardFn backward);
// The same for an operation whose backward can add into its leaf inputs' gradients.
Tensor record(Tensor output, const char* name, std::vector<Tensor> inputs,
              Node::AccumulatingBackwardFn backward);

}  // namespace soma
