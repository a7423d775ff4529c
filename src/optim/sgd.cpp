// Sgd::step: PyTorch's SGD update, element by element on the parameters' own buffers; and
// backward_and_step, which fuses the plain update into the backward pass.
#include "soma/optim/sgd.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"
#include "soma/kernels/axpy.hpp"
#include "soma/optim/fused_sgd.hpp"

namespace soma {

namespace {

void check_options(const SgdOptions& options) {
  const auto require = [](bool holds, const char* rule, float value) {
    if (!holds) throw Error(std::string("Sgd: ") + rule + ", got " + number_text(value));
  };
  require(std::isfinite(options.momentum) && options.momentum >= 0.0f,
          "momentum must be non-negative and finite", options.momentum);
  require(options.dampening >= 0.0f && options.dampening <= 1.0f, "dampening must be in [0, 1]",
          options.dampening);
  require(std::isfinite(options.weight_decay) && options.weight_decay >= 0.0f,
          "weight decay must be non-negative and finite", options.weight_decay);
  if (options.nesterov && (options.momentum <= 0.0f || options.dampening != 0.0f)) {
    throw Error("Sgd: Nesterov momentum requires momentum > 0 and dampening == 0, got momentum " +
                number_text(options.momentum) + " and dampening " + number_text(options.dampening));
  }
}

}  // namespace

Sgd::Sgd(std::vector<Tensor> parameters, SgdOptions options)
    : Optimizer("Sgd", std::move(parameters), options.learning_rate), options_(options) {
  check_options(options_);
  momentum_buffers_.resize(this->parameters().size());
}

void Sgd::step() {
  const float learning_rate = this->learning_rate();
  const float momentum = options_.momentum;
  const float weight_decay = options_.weight_decay;
  const float gradient_share = 1.0f - options_.dampening;  // (1 - dampening)
  for (size_t i = 0; i < parameters().size(); ++i) {
    const Tensor gradient = gradient_for_step(i);
    if (!gradient.defined()) continue;
    Tensor parameter = parameters()[i];
    // p, g and b as in the formula in sgd.hpp, one element at a time.
    float* p = parameter.data();
    const float* grad = gradient.data();
    const int64_t count = parameter.numel();
    if (momentum == 0.0f && weight_decay == 0.0f) {
      kernels::axpy(count, -learning_rate, grad, p);  // p += (-lr) g, on soma's threads
      continue;
    }
    if (momentum == 0.0f) {
      for (int64_t j = 0; j < count; ++j) p[j] -= learning_rate * (grad[j] + weight_decay * p[j]);
      continue;
    }
    Tensor& buffer = momentum_buffers_[i];
    const bool first_step = !buffer.defined();
    if (first_step) buffer = Tensor::empty(parameter.shape());
    float* b = buffer.data();
    for (int64_t j = 0; j < count; ++j) {
      const float g = grad[j] + weight_decay * p[j];
      b[j] = first_step ? g : momentum * b[j] + gradient_share * g;
      p[j] -= learning_rate * (options_.nesterov ? g + momentum * b[j] : b[j]);
    }
  }
}

void Sgd::backward_and_step(const Tensor& objective) {
  if (options_.momentum != 0.0f || options_.weight_decay != 0.0f) {
    Optimizer::backward_and_step(objective);
    return;
  }
  // The list's buffer is kept for the next step; its handles are not, even on a throw.
  struct Emptied {
    std::vector<Tensor>& list;
    ~Emptied() { list.clear(); }
  } emptied{fused_parameters_};
  for (const Tensor& parameter : parameters()) {
    // A parameter frozen since (requires_grad off) is left alone, as step() does.
    if (parameter.requires_grad() && !parameter.grad().defined()) {
      fused_parameters_.push_back(parameter);
    }
  }
  backward_and_update(objective, fused_parameters_, -learning_rate());
  step();  // the parameters that had a gradient already
}

Tensor Sgd::momentum_buffer(size_t index) const {
  return momentum_buffers_.at(index);
}

}  // namespace soma
