// The recorded graph behind a tensor, listed node by node: what `soma grad` prints and
// what graph drawings are made from.
#pragma once

#include <string>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

struct TracedNode {
  Tensor tensor;                      // the value on this node's outgoing edges
  std::string operation;              // "add", "pow ^2", ...; "leaf" for inputs
  std::vector<size_t> input_indices;  // positions of the inputs in the trace
};

// Every tensor `root` was computed from, inputs before their users (root last), each
// listed once however often it is used. Call it before backward(), which releases the
// graph (or pass retain_graph to backward).
std::vector<TracedNode> trace_graph(const Tensor& root);

}  // namespace soma
