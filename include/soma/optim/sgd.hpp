// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
// weight decay: the same update as PyTorch's torch.optim.SGD.
#pragma once

#include <cstddef>
#include <vector>

#include "soma/optim/optimizer.hpp"

namespace soma {

struct SgdOptions {
  float learning_rate = 0.01f;
  float momentum = 0.0f;      // 0 switches momentum (and its buffers) off
  float dampening = 0.0f;     // in [0, 1]: the share of each new gradient left out of the buffer
  bool nesterov = false;      // needs momentum > 0 and dampening == 0
  float weight_decay = 0.0f;  // L2: adds weight_decay * p to the gradient
};

// For each parameter p with gradient grad, per step (PyTorch's documented algorithm):
//   g = grad + weight_decay * p
//   if momentum != 0:
//     b = g on the parameter's first step, else b = momentum * b + (1 - dampening) * g
//     g = g + momentum * b if nesterov, else g = b
//   p = p - learning_rate * g
class Sgd : public Optimizer {
 public:
  explicit Sgd(std::vector<Tensor> parameters, SgdOptions options = {});
  void step() override;
  // Without momentum and weight decay, p = p - learning_rate * g happens during the backward
  // pass for each parameter without a gradient; one holding a gradient takes the usual step().
  void backward_and_step(const Tensor& objective) override;

  // The momentum buffer b of parameter `index`: undefined until that parameter's first
  // step with momentum on.
  Tensor momentum_buffer(size_t index) const;

 private:
  SgdOptions options_;  // options_.learning_rate is the initial one; see learning_rate()
  std::vector<Tensor> momentum_buffers_;  // one per parameter, created on its first step
  std::vector<Tensor> fused_parameters_;  // backward_and_step's list, empty between calls
};

}  // namespace soma
