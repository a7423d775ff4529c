// Adam::step: PyTorch's Adam and AdamW updates, element by element on the parameters' own
// buffers. Scalars that depend only on the step count are computed in double, once.
#include "soma/optim/adam.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "soma/core/error.hpp"
#include "soma/core/number_text.hpp"

namespace soma {

namespace {

void check_options(const char* name, const AdamOptions& options) {
  const auto require = [name](bool holds, const char* rule, float value) {
    if (!holds) throw Error(std::string(name) + ": " + rule + ", got " + number_text(value));
  };
  require(options.beta1 >= 0.0f && options.beta1 < 1.0f, "beta1 must be in [0, 1)", options.beta1);
  require(options.beta2 >= 0.0f && options.beta2 < 1.0f, "beta2 must be in [0, 1)", options.beta2);
  require(std::isfinite(options.epsilon) && options.epsilon >= 0.0f,
          "epsilon must be non-negative and finite", options.epsilon);
  require(std::isfinite(options.weight_decay) && options.weight_decay >= 0.0f,
          "weight decay must be non-negative and finite", options.weight_decay);
}

AdamOptions as_adam_options(const AdamWOptions& options) {
  return {.learning_rate = options.learning_rate,
          .beta1 = options.beta1,
          .beta2 = options.beta2,
          .epsilon = options.epsilon,
          .weight_decay = options.weight_decay};
}

}  // namespace

Adam::Adam(std::vector<Tensor> parameters, AdamOptions options)
    : Adam("Adam", std::move(parameters), options, /*decoupled_weight_decay=*/false) {}

Adam::Adam(const char* name, std::vector<Tensor> parameters, AdamOptions options,
           bool decoupled_weight_decay)
    : Optimizer(name, std::move(parameters), options.learning_rate),
      options_(options),
      decoupled_weight_decay_(decoupled_weight_decay) {
  check_options(name, options_);
  states_.resize(this->parameters().size());
}

void Adam::step() {
  const double learning_rate = this->learning_rate();
  const float beta1 = options_.beta1;
  const float beta2 = options_.beta2;
  const float epsilon = options_.epsilon;
  // Adam adds the L2 term to the gradient; AdamW shrinks the weights before the update
  // (shrink is exactly 1 for Adam, so multiplying by it changes nothing).
  const float l2_decay = decoupled_weight_decay_ ? 0.0f : options_.weight_decay;
  const auto shrink = static_cast<float>(
      1.0 - learning_rate * (decoupled_weight_decay_ ? options_.weight_decay : 0.0));
  for (size_t i = 0; i < parameters().size(); ++i) {
    const Tensor gradient = gradient_for_step(i);
    if (!gradient.defined()) continue;
    Tensor parameter = parameters()[i];
    AdamState& state = states_[i];
    if (state.steps == 0) {
      state.first_moment = zeros(parameter.shape());
      state.second_moment = zeros(parameter.shape());
    }
    ++state.steps;
    // p -= step_size * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon), where
    // step_size = lr / (1 - beta1^t): the bias-corrected update of the formula in adam.hpp.
    const double steps = static_cast<double>(state.steps);
    const double bias_correction1 = 1.0 - std::pow(static_cast<double>(beta1), steps);
    const double bias_correction2 = 1.0 - std::pow(static_cast<double>(beta2), steps);
    const auto step_size = static_cast<float>(learning_rate / bias_correction1);
    const auto bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));

    // p, g, m and v as in the formula in adam.hpp, one element at a time.
    float* p = parameter.data();
    const float* grad = gradient.data();
    float* m = state.first_moment.data();
    float* v = state.second_moment.data();
    const int64_t count = parameter.numel();
    for (int64_t j = 0; j < count; ++j) {
      p[j] *= shrink;
      const float g = grad[j] + l2_decay * p[j];
      m[j] = beta1 * m[j] + (1.0f - beta1) * g;
      v[j] = beta2 * v[j] + (1.0f - beta2) * g * g;
      p[j] -= step_size * m[j] / (std::sqrt(v[j]) / bias_correction2_sqrt + epsilon);
    }
  }
}

const AdamState& Adam::state(size_t index) const {
  return states_.at(index);
}

AdamW::AdamW(std::vector<Tensor> parameters, AdamWOptions options)
    : Adam("AdamW", std::move(parameters), as_adam_options(options),
           /*decoupled_weight_decay=*/true) {}

}  // namespace soma
