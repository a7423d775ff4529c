// backward_and_update: decides for each parameter the graph reaches when its values may
// take scale x its gradient (a LeafRoute into them), then lets the engine walk the graph.
#include "soma/optim/fused_sgd.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"

namespace soma {

namespace {

// One route per tensor of `order`: into each reached parameter's values. A backward
// function reads its inputs' values, so they may change only once no node still needs
// them. A parameter that one node reads, once, takes its update from that node (its
// gradient is complete in that one contribution, and a node reads before it writes); one
// read more often waits until the walk reaches it, after all its readers; and one whose
// buffer the graph also reads through another tensor (a detached copy, a second parameter
// on the same buffer) would show its new values there, so it waits for the end of the walk.
std::vector<LeafRoute> plan_routes(const TopologicalOrder& order,
                                   std::span<const Tensor> parameters, float scale) {
  std::vector<LeafRoute> routes(order.tensors.size());
  struct Buffer {
    const Storage* storage;
    size_t position;  // of its parameter in the order
    int readings = 0;
    bool read_elsewhere = false;
    bool operator<(const Buffer& other) const { return storage < other.storage; }
  };
  std::vector<Buffer> buffers;  // the reached parameters', sorted
  buffers.reserve(parameters.size());
  for (const Tensor& parameter : parameters) {
    const int64_t at = order.position.find(parameter.impl());
    if (at == PointerIndex::absent) continue;  // the graph does not reach it
    routes[static_cast<size_t>(at)].buffer = parameter.impl()->storage->data();
    routes[static_cast<size_t>(at)].scale = scale;
    buffers.push_back({parameter.impl()->storage.get(), static_cast<size_t>(at)});
  }
  std::sort(buffers.begin(), buffers.end());
  for (size_t i = 1; i < buffers.size(); ++i) {
    if (buffers[i].storage == buffers[i - 1].storage) {
      buffers[i].read_elsewhere = buffers[i - 1].read_elsewhere = true;
    }
  }
  for (const Tensor& tensor : order.tensors) {
    if (tensor.grad_fn() == nullptr) continue;
    for (const Tensor& input : tensor.grad_fn()->inputs()) {
      const Buffer key{input.impl()->storage.get(), 0};
      const auto found = std::lower_bound(buffers.begin(), buffers.end(), key);
      if (found == buffers.end() || found->storage != key.storage) continue;
      if (input.impl() == order.tensors[found->position].impl()) {
        ++found->readings;  // a node taking it twice counts twice
      } else {
        found->read_elsewhere = true;
      }
    }
  }
  for (const Buffer& buffer : buffers) {
    routes[buffer.position].when = buffer.read_elsewhere  ? LeafRoute::When::after_walk
                                   : buffer.readings == 1 ? LeafRoute::When::by_its_nodes
                                                          : LeafRoute::When::at_leaf;
  }
  return routes;
}

}  // namespace

void backward_and_update(const Tensor& root, std::span<const Tensor> parameters, float scale) {
  if (!root.defined()) throw Error("backward_and_update: the output tensor is undefined");
  if (root.numel() != 1) {
    throw Error("backward_and_update: the output has shape " + root.shape().to_string() +
                "; it needs a single value (reduce with sum or mean)");
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    const Tensor& parameter = parameters[i];
    // Built only for a message: a step makes no string.
    const auto which = [i] { return "backward_and_update: parameter " + std::to_string(i); };
    if (!parameter.defined() || !parameter.requires_grad() || !parameter.is_leaf()) {
      throw Error(which() + " is not a leaf tensor that requires gradients");
    }
    if (parameter.grad().defined()) {
      throw Error(which() + " of shape " + parameter.shape().to_string() +
                  " already has a gradient (drop it with clear_grad first: it would be "
                  "neither applied nor kept)");
    }
  }
  const TopologicalOrder order = topological_order(root);  // refuses a released graph
  backpropagate(order, ones(root.shape()), /*retain_graph=*/false,
                plan_routes(order, parameters, scale));
}

}  // namespace soma
