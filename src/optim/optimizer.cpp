// Optimizer: the checks every optimiser shares (parameters, learning rate), zero_grad, and
// backward_and_step's unfused form (backward, then step).
#include "soma/optim/optimizer.hpp"

#include <cmath>
#include <string>
#include <unordered_set>
#include <utility>

#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/kernels/fill.hpp"

namespace soma {

Optimizer::Optimizer(const char* name, std::vector<Tensor> parameters, float learning_rate)
    : name_(name), parameters_(std::move(parameters)), learning_rate_(learning_rate) {
  const std::string prefix = std::string(name_) + ": ";
  if (!(std::isfinite(learning_rate) && learning_rate > 0.0f)) {
    throw Error(prefix + "learning rate must be positive and finite, got " +
                number_text(learning_rate));
  }
  if (parameters_.empty()) throw Error(prefix + "the parameter list is empty");
  std::unordered_set<const TensorImpl*> seen;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& parameter = parameters_[i];
    const std::string which = "parameter " + std::to_string(i);
    if (!parameter.defined()) throw Error(prefix + which + " is undefined");
    if (!parameter.requires_grad()) {
      throw Error(prefix + which + " of shape " + parameter.shape().to_string() +
                  " does not require gradients (mark it with set_requires_grad)");
    }
    if (!parameter.is_leaf()) {
      throw Error(prefix + which + " of shape " + parameter.shape().to_string() +
                  " is not a leaf tensor: only tensors created by the user can be optimised");
    }
    // A repeated parameter would be updated twice per step.
    if (!seen.insert(parameter.impl()).second) {
      throw Error(prefix + which + " appears more than once in the parameter list");
    }
  }
}

void Optimizer::zero_grad(bool set_to_none) {
  // Tensor::zero_grad's effect (existing gradients zeroed in place, missing ones left
  // missing), with large buffers zeroed on all of soma's threads.
  for (Tensor& parameter : parameters_) {
    if (set_to_none) {
      parameter.clear_grad();
      continue;
    }
    Tensor gradient = parameter.grad();
    if (gradient.defined()) kernels::fill(gradient.numel(), 0.0f, gradient.data());
  }
}

void Optimizer::backward_and_step(const Tensor& objective) {
  backward(objective);
  step();
}

void Optimizer::set_learning_rate(float learning_rate) {
  if (!(std::isfinite(learning_rate) && learning_rate >= 0.0f)) {
    throw Error(std::string(name_) + ": learning rate must be non-negative and finite, got " +
                number_text(learning_rate));
  }
  learning_rate_ = learning_rate;
}

Tensor Optimizer::gradient_for_step(size_t index) const {
  const Tensor& parameter = parameters_.at(index);
  Tensor gradient = parameter.grad();
  if (gradient.defined() && gradient.numel() != parameter.numel()) {
    throw Error(std::string(name_) + ": parameter " + std::to_string(index) + " has shape " +
                parameter.shape().to_string() + " but its gradient has shape " +
                gradient.shape().to_string());
  }
  return gradient;
}

}  // namespace soma
