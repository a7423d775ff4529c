// trace_graph: an iterative depth-first walk over every recorded input.
#include "soma/autograd/graph_trace.hpp"

#include <unordered_map>

#include "soma/autograd/node.hpp"

namespace soma {

std::vector<TracedNode> trace_graph(const Tensor& root) {
  std::vector<TracedNode> trace;
  std::unordered_map<const TensorImpl*, size_t> position;  // index in `trace` once emitted
  std::unordered_map<const TensorImpl*, bool> entered;
  std::vector<std::pair<Tensor, size_t>> stack{{root, 0}};
  entered[root.impl()] = true;
  while (!stack.empty()) {
    auto& [tensor, next_input] = stack.back();
    const Node* node = tensor.grad_fn().get();
    if (node != nullptr && next_input < node->inputs().size()) {
      const Tensor& input = node->inputs()[next_input++];
      if (!entered[input.impl()]) {
        entered[input.impl()] = true;
        stack.emplace_back(input, 0);
      }
      continue;
    }
    TracedNode traced{tensor, "leaf", {}};
    if (node != nullptr) {
      traced.operation = node->name();
      if (!node->detail().empty()) traced.operation += " " + node->detail();
      for (const Tensor& input : node->inputs()) {
        traced.input_indices.push_back(position.at(input.impl()));
      }
    }
    position[tensor.impl()] = trace.size();
    trace.push_back(std::move(traced));
    stack.pop_back();
  }
  return trace;
}

}  // namespace soma
