// Tensor: the handle's accessors, element access and the gradient bookkeeping that does
// not need the graph (backpropagation itself is autograd's soma::backward).
#include "soma/tensor/tensor.hpp"

#include <algorithm>
#include <cstring>

#include "soma/core/error.hpp"
#include "soma/core/small_object_pool.hpp"

namespace soma {

namespace {

const TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl, const char* operation) {
  if (!impl) throw Error(std::string(operation) + ": the tensor is undefined");
  return *impl;
}

int64_t flat_index(const Shape& shape, std::initializer_list<int64_t> index) {
  if (static_cast<int>(index.size()) != shape.rank()) {
    throw Error("at: " + std::to_string(index.size()) + " indices given for a tensor of shape " +
                shape.to_string());
  }
  int64_t offset = 0;
  int dim = 0;
  for (int64_t i : index) {
    if (i < 0 || i >= shape[dim]) {
      throw Error("at: index " + std::to_string(i) + " is out of range for dimension " +
                  std::to_string(dim) + " of shape " + shape.to_string());
    }
    offset = offset * shape[dim] + i;
    ++dim;
  }
  return offset;
}

}  // namespace

Tensor::Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

Tensor Tensor::empty(const Shape& shape) {
  auto impl = small_object_pool::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->storage = small_object_pool::make_shared<Storage>(shape.numel());
  return Tensor(std::move(impl));
}

const Shape& Tensor::shape() const {
  return checked(impl_, "shape").shape;
}

int64_t Tensor::size(int dim) const {
  return shape()[shape().normalize_dim(dim, "size")];
}

float* Tensor::data() {
  return checked(impl_, "data").storage->data();
}
const float* Tensor::data() const {
  return checked(impl_, "data").storage->data();
}

std::vector<float> Tensor::to_vector() const {
  return {data(), data() + numel()};
}

float Tensor::item() const {
  if (numel() != 1) {
    throw Error("item: expects a tensor with one element, got shape " + shape().to_string());
  }
  return data()[0];
}

float Tensor::at(std::initializer_list<int64_t> index) const {
  return data()[flat_index(shape(), index)];
}

float& Tensor::at(std::initializer_list<int64_t> index) {
  return data()[flat_index(shape(), index)];
}

bool Tensor::requires_grad() const {
  return checked(impl_, "requires_grad").requires_grad;
}

Tensor& Tensor::set_requires_grad(bool requires_grad) {
  checked(impl_, "set_requires_grad");
  if (impl_->grad_fn) {
    throw Error("set_requires_grad: only leaf tensors can be marked; this one, of shape " +
                impl_->shape.to_string() +
                ", was computed by an operation (use detach() to make a leaf)");
  }
  impl_->requires_grad = requires_grad;
  return *this;
}

bool Tensor::is_leaf() const {
  return checked(impl_, "is_leaf").grad_fn == nullptr;
}

Tensor Tensor::grad() const {
  return Tensor(checked(impl_, "grad").grad);
}

void Tensor::zero_grad() {
  checked(impl_, "zero_grad");
  if (impl_->grad) std::fill_n(impl_->grad->storage->data(), impl_->grad->shape.numel(), 0.0f);
}

void Tensor::clear_grad() {
  checked(impl_, "clear_grad");
  impl_->grad.reset();
}

void Tensor::retain_grad() {
  checked(impl_, "retain_grad");
  if (!impl_->requires_grad) throw Error("retain_grad: the tensor does not require gradients");
  impl_->retains_grad = true;
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  return checked(impl_, "grad_fn").grad_fn;
}

Tensor Tensor::detach() const {
  const TensorImpl& source = checked(impl_, "detach");
  auto impl = small_object_pool::make_shared<TensorImpl>();
  impl->shape = source.shape;
  impl->storage = source.storage;
  return Tensor(std::move(impl));
}

Tensor Tensor::clone() const {
  Tensor copy = empty(shape());
  std::memcpy(copy.data(), data(), static_cast<size_t>(numel()) * sizeof(float));
  return copy;
}

}  // namespace soma
