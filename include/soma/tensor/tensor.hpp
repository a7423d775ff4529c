// soma::Tensor: a float32 n-dimensional array (0-d up to Shape::max_rank dimensions) in
// contiguous row-major storage, and the handle through which the autograd graph is built.
// A Tensor is a shared handle, like a smart pointer: copying one shares its data and its
// place in the graph; clone() makes an independent copy.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "soma/tensor/shape.hpp"
#include "soma/tensor/storage.hpp"

namespace soma {

class Node;
class Tensor;

// What a Tensor handle points to; public for the autograd engine, users go through Tensor.
struct TensorImpl {
  Shape shape;
  std::shared_ptr<Storage> storage;
  bool requires_grad = false;
  // Non-leaf tensors normally drop their gradient after backward; retain_grad() keeps it.
  bool retains_grad = false;
  // The operation that produced this tensor, or null for a leaf (created by the user).
  std::shared_ptr<Node> grad_fn;
  // d(output)/d(this), accumulated by backward(); a tensor without grad_fn or gradient.
  std::shared_ptr<TensorImpl> grad;
};

class Tensor {
 public:
  Tensor() = default;  // undefined: holds nothing; defined() is false
  explicit Tensor(std::shared_ptr<TensorImpl> impl);

  // A tensor of `shape` whose contents are uninitialised: for kernels that overwrite every
  // element. Users want zeros(), full() or from_values().
  static Tensor empty(const Shape& shape);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  int rank() const { return shape().rank(); }
  int64_t size(int dim) const;  // negative dims count from the end
  int64_t numel() const { return shape().numel(); }

  float* data();
  const float* data() const;
  std::vector<float> to_vector() const;
  // The value of a one-element tensor; throws naming the shape otherwise.
  float item() const;
  // Element access with one index per dimension; throws on a wrong count or a bad index.
  float at(std::initializer_list<int64_t> index) const;
  float& at(std::initializer_list<int64_t> index);

  // --- autograd ---
  bool requires_grad() const;
  // Marks a leaf tensor as a parameter whose gradient backward() should compute.
  Tensor& set_requires_grad(bool requires_grad = true);
  bool is_leaf() const;
  // The accumulated gradient (undefined until a backward pass reaches this tensor).
  Tensor grad() const;
  // Sets the gradient to zero, keeping its buffer (no-op while there is none).
  void zero_grad();
  // Drops the gradient: the next backward pass writes a fresh one (no zeroing pass).
  void clear_grad();
  // Keep the gradient of this non-leaf tensor after backward (leaves always keep theirs).
  void retain_grad();
  // The operation that produced this tensor (autograd's Node), null for a leaf.
  const std::shared_ptr<Node>& grad_fn() const;
  // The same data, cut off from the graph: a leaf that does not require gradients.
  Tensor detach() const;
  // An independent copy of the data (a leaf without gradient tracking).
  Tensor clone() const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same_as(const Tensor& other) const { return impl_ == other.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// --- creation ---
Tensor scalar(float value);  // a 0-d tensor
// 1-d. Taking a vector (not an initializer_list) lets {{1}, {2}} mean the 2-d column.
Tensor tensor(const std::vector<float>& values);
Tensor tensor(std::initializer_list<std::initializer_list<float>> rows);  // 2-d
Tensor from_values(const Shape& shape, const std::vector<float>& values);
Tensor zeros(const Shape& shape);
Tensor ones(const Shape& shape);
Tensor full(const Shape& shape, float value);
Tensor zeros_like(const Tensor& like);
Tensor ones_like(const Tensor& like);
// start, start + step, ... while < stop (> stop for a negative step), as in NumPy.
Tensor arange(float start, float stop, float step = 1.0f);

class Generator;
// Uniform in [low, high) and normal(mean, stddev), drawn from `generator` in row-major order.
Tensor uniform(const Shape& shape, float low, float high, Generator& generator);
Tensor normal(const Shape& shape, float mean, float stddev, Generator& generator);

// --- printing ---
// "tensor([[1, 2],\n        [3, 4]])": NumPy/PyTorch style, with aligned columns and
// "..." for the middle of large dimensions.
std::string to_string(const Tensor& tensor);
std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

}  // namespace soma
