// Optimizer: the base of soma's optimisers (SGD, Adam, AdamW). It holds the parameters (leaf
// tensors that require gradients) and the learning rate; each subclass implements step().
#pragma once

#include <cstddef>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Copying would share the per-parameter state tensors between two optimisers.
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Sets every parameter's gradient to zero, keeping its buffer. Call it before each
  // backward pass: backward() accumulates. With set_to_none the gradients are dropped
  // (what train::fit does: no zeroing pass); a parameter that then gets no gradient is
  // skipped by step(), as in PyTorch, where a zeroed one would still move by momentum.
  void zero_grad(bool set_to_none = false);
  // One update of every parameter that has a gradient, in place through data(): no graph
  // is recorded. Parameters whose grad() is undefined are skipped and their state is kept.
  virtual void step() = 0;
  // soma::backward(objective) then step(), for an objective of one value. Sgd without
  // momentum or weight decay fuses the two (backward_and_update), which differs from
  // backward() then step() only by rounding.
  virtual void backward_and_step(const Tensor& objective);

  float learning_rate() const { return learning_rate_; }
  // For schedules. Zero is accepted here (a cosine schedule may anneal to 0), negative or
  // non-finite values throw.
  void set_learning_rate(float learning_rate);
  const std::vector<Tensor>& parameters() const { return parameters_; }
  // The optimiser's name as used in its error messages ("Sgd", "Adam", "AdamW").
  const char* name() const { return name_; }

 protected:
  // Throws soma::Error (prefixed with `name`) for an empty list, an undefined, non-leaf,
  // repeated or gradient-free parameter, or a learning rate that is not positive and finite.
  Optimizer(const char* name, std::vector<Tensor> parameters, float learning_rate);
  Optimizer(Optimizer&&) = default;
  Optimizer& operator=(Optimizer&&) = default;

  // The gradient that step() should apply to parameter `index`: undefined when there is
  // none; throws if it does not hold one value per element of the parameter.
  Tensor gradient_for_step(size_t index) const;

 private:
  const char* name_;
  std::vector<Tensor> parameters_;
  float learning_rate_;
};

}  // namespace soma
