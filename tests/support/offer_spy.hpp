// Shared by the engine and fused-SGD tests: an operation that records which buffer the
// engine offered it for its one input, so that a test can see where a gradient may go.
#pragma once

#include <vector>

#include "soma/autograd/node.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::testing {

// y = a copy of p, whose accumulating backward stores the engine's offer for p in
// `offered` and returns the gradient instead of writing it.
inline Tensor offer_spy(const Tensor& p, Node::LeafTarget* offered) {
  return record(p.detach().clone(), "spy", {p},
                [offered](const Tensor& g, Node::Wanted, Node::LeafGradients targets) {
                  *offered = targets[0];
                  return std::vector<Tensor>{g.clone()};
                });
}

}  // namespace soma::testing
