// reshape: new extents over the same storage; its derivative reshapes back.
#include "soma/ops/shape_ops.hpp"

#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"

namespace soma {

namespace {

std::string extents_to_string(const std::vector<int64_t>& extents) {
  std::string text = "(";
  for (size_t i = 0; i < extents.size(); ++i) {
    if (i > 0) text += "x";
    text += std::to_string(extents[i]);
  }
  return text + ")";
}

}  // namespace

Tensor reshape(const Tensor& x, const std::vector<int64_t>& extents) {
  std::vector<int64_t> resolved = extents;
  int inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < resolved.size(); ++i) {
    if (resolved[i] == -1 && inferred < 0) {
      inferred = static_cast<int>(i);
    } else if (resolved[i] < 0) {
      throw Error("reshape: invalid extents " + extents_to_string(extents) +
                  " (only one -1 is allowed, and no other negative extent)");
    } else {
      known *= resolved[i];
    }
  }
  if (inferred >= 0) {
    if (known == 0 || x.numel() % known != 0) {
      throw Error("reshape: cannot reshape " + x.shape().to_string() + " (" +
                  std::to_string(x.numel()) + " elements) to " + extents_to_string(extents));
    }
    resolved[static_cast<size_t>(inferred)] = x.numel() / known;
  }
  const Shape shape{std::span<const int64_t>(resolved)};
  if (shape.numel() != x.numel()) {
    throw Error("reshape: cannot reshape " + x.shape().to_string() + " (" +
                std::to_string(x.numel()) + " elements) to " + shape.to_string());
  }
  Tensor out = x.detach();  // shares the storage
  out.impl()->shape = shape;
  if (!should_record(x)) return out;
  return record(out, "reshape", {x}, [x_shape = x.shape()](const Tensor& g, Node::Wanted) {
    return std::vector<Tensor>{reshape(g, {x_shape.begin(), x_shape.end()})};
  });
}

}  // namespace soma
