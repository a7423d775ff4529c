// Adam and AdamW: adaptive moment estimation with bias correction, with L2 weight decay
// (Adam) or decoupled weight decay (AdamW): the same updates as torch.optim.Adam and AdamW.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "soma/optim/optimizer.hpp"

namespace soma {

struct AdamOptions {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;         // decay of the first moment (mean of gradients), in [0, 1)
  float beta2 = 0.999f;       // decay of the second moment (mean of squared gradients), in [0, 1)
  float epsilon = 1e-8f;      // added to sqrt(second moment) so that the step stays finite
  float weight_decay = 0.0f;  // L2: adds weight_decay * p to the gradient
};

// The same fields; only the default weight decay differs (PyTorch's AdamW uses 0.01).
struct AdamWOptions {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float weight_decay = 0.01f;  // decoupled: p *= 1 - learning_rate * weight_decay
};

// Per-parameter state; the moments are undefined until the parameter's first step.
struct AdamState {
  int64_t steps = 0;     // t: how many updates this parameter has received
  Tensor first_moment;   // m
  Tensor second_moment;  // v
};

// For each parameter p with gradient grad, per step (PyTorch's documented algorithm):
//   t = t + 1
//   g = grad + weight_decay * p                  (Adam; AdamW instead: p *= 1 - lr * wd)
//   m = beta1 * m + (1 - beta1) * g              (m and v start at 0)
//   v = beta2 * v + (1 - beta2) * g^2
//   p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
// On the first step m / (1 - beta1) = g and v / (1 - beta2) = g^2, so every coordinate
// moves by about lr * sign(g).
class Adam : public Optimizer {
 public:
  explicit Adam(std::vector<Tensor> parameters, AdamOptions options = {});
  void step() override;

  const AdamState& state(size_t index) const;

 protected:
  // decoupled_weight_decay selects AdamW's decay (as PyTorch, where AdamW derives from Adam).
  Adam(const char* name, std::vector<Tensor> parameters, AdamOptions options,
       bool decoupled_weight_decay);

 private:
  AdamOptions options_;  // options_.learning_rate is the initial one; see learning_rate()
  bool decoupled_weight_decay_;
  std::vector<AdamState> states_;  // one per parameter
};

// Adam with decoupled weight decay (Loshchilov and Hutter): the decay shrinks the weights
// directly instead of passing through the adaptive scaling of the gradient.
class AdamW : public Adam {
 public:
  explicit AdamW(std::vector<Tensor> parameters, AdamWOptions options = {});
};

}  // namespace soma
