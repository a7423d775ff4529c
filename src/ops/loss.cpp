// Losses with fused derivatives: squared error, binary cross-entropy (on probabilities and
// on logits) and softmax cross-entropy with integer labels. All average over elements.
#include "soma/ops/loss.hpp"

#include <algorithm>
#include <cmath>

#include "ops/elementwise.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/softmax.hpp"

namespace soma {

namespace {

constexpr float probability_epsilon = 1e-7f;

void require_same_shape(const char* loss, const Tensor& prediction, const Tensor& target) {
  if (!(prediction.shape() == target.shape())) {
    throw Error(std::string(loss) + ": prediction " + prediction.shape().to_string() +
                " and target " + target.shape().to_string() + " differ in shape");
  }
}

// Sum of f(p[i], t[i]) in double, divided by the element count.
template <class F>
float mean_of(const Tensor& prediction, const Tensor& target, F f) {
  const float* p = prediction.data();
  const float* t = target.data();
  double total = 0.0;
  for (int64_t i = 0; i < prediction.numel(); ++i) total += f(p[i], t[i]);
  return static_cast<float>(total / static_cast<double>(prediction.numel()));
}

// The gradients of a mean loss: g / n times a per-element local derivative, for the
// prediction and the target.
template <class DPrediction, class DTarget>
std::vector<Tensor> mean_loss_gradients(const Tensor& g, const Tensor& prediction,
                                        const Tensor& target, Node::Wanted wanted,
                                        DPrediction d_prediction, DTarget d_target) {
  const float scale = g.item() / static_cast<float>(prediction.numel());
  auto scaled = [scale](auto local) {
    return [scale, local](float p, float t) { return scale * local(p, t); };
  };
  return {wanted[0] ? detail::map_same_shape(prediction, target, scaled(d_prediction)) : Tensor(),
          wanted[1] ? detail::map_same_shape(prediction, target, scaled(d_target)) : Tensor()};
}

}  // namespace

Tensor squared_error(const Tensor& prediction, const Tensor& target) {
  require_same_shape("squared_error", prediction, target);
  Tensor out = scalar(mean_of(prediction, target, [](float p, float t) {
    const double e = static_cast<double>(p) - t;
    return e * e;
  }));
  if (!should_record(prediction, target)) return out;
  return record(
      out, "squared_error", {prediction, target},
      [p = prediction.detach(), t = target.detach()](const Tensor& g, Node::Wanted wanted) {
        return mean_loss_gradients(
            g, p, t, wanted, [](float pi, float ti) { return 2.0f * (pi - ti); },
            [](float pi, float ti) { return 2.0f * (ti - pi); });
      });
}

Tensor binary_cross_entropy(const Tensor& probability, const Tensor& target) {
  require_same_shape("binary_cross_entropy", probability, target);
  auto clamp = [](float p) {
    return std::clamp(p, probability_epsilon, 1.0f - probability_epsilon);
  };
  Tensor out = scalar(mean_of(probability, target, [clamp](float p, float t) {
    const double q = clamp(p);
    return -(t * std::log(q) + (1.0 - t) * std::log(1.0 - q));
  }));
  if (!should_record(probability, target)) return out;
  // dL/dp = (p - t) / (p (1 - p)), its denominator kept away from 0 by the same clamp;
  // dL/dt = log((1 - p) / p).
  return record(
      out, "binary_cross_entropy", {probability, target},
      [p = probability.detach(), t = target.detach(), clamp](const Tensor& g, Node::Wanted wanted) {
        return mean_loss_gradients(
            g, p, t, wanted,
            [clamp](float pi, float ti) {
              const float q = clamp(pi);
              return (q - ti) / (q * (1.0f - q));
            },
            [clamp](float pi, float) {
              const float q = clamp(pi);
              return std::log1p(-q) - std::log(q);
            });
      });
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target) {
  require_same_shape("binary_cross_entropy_with_logits", logits, target);
  Tensor out = scalar(mean_of(logits, target, [](float z, float t) {
    return std::fmax(z, 0.0f) - z * t + std::log1p(std::exp(-std::fabs(z)));
  }));
  if (!should_record(logits, target)) return out;
  // dL/dz = sigmoid(z) - t, dL/dt = -z.
  return record(out, "binary_cross_entropy_with_logits", {logits, target},
                [z = logits.detach(), t = target.detach()](const Tensor& g, Node::Wanted wanted) {
                  return mean_loss_gradients(
                      g, z, t, wanted,
                      [](float zi, float ti) {
                        const float s = zi >= 0.0f ? 1.0f / (1.0f + std::exp(-zi))
                                                   : std::exp(zi) / (1.0f + std::exp(zi));
                        return s - ti;
                      },
                      [](float zi, float) { return -zi; });
                });
}

Tensor softmax_cross_entropy(const Tensor& logits, const std::vector<int64_t>& labels) {
  if (logits.rank() != 2) {
    throw Error("softmax_cross_entropy: logits must be (samples x classes), got " +
                logits.shape().to_string());
  }
  const int64_t rows = logits.shape()[0];
  const int64_t classes = logits.shape()[1];
  if (static_cast<int64_t>(labels.size()) != rows) {
    throw Error("softmax_cross_entropy: " + std::to_string(labels.size()) +
                " labels given for logits of shape " + logits.shape().to_string());
  }
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t label = labels[static_cast<size_t>(i)];
    if (label < 0 || label >= classes) {
      throw Error("softmax_cross_entropy: label " + std::to_string(label) + " of row " +
                  std::to_string(i) + " is out of range for " + std::to_string(classes) +
                  " classes");
    }
  }
  Tensor log_probabilities;
  {
    NoGradGuard no_grad;  // the loss records one fused node, not a log_softmax node
    log_probabilities = log_softmax(logits, 1);
  }
  const float* lp = log_probabilities.data();
  double total = 0.0;
  for (int64_t i = 0; i < rows; ++i) total -= lp[i * classes + labels[static_cast<size_t>(i)]];
  Tensor out = scalar(static_cast<float>(total / static_cast<double>(rows)));
  if (!should_record(logits)) return out;
  // dL/dz = (softmax(z) - onehot(label)) / rows.
  return record(out, "softmax_cross_entropy", {logits},
                [log_probabilities, labels](const Tensor& g, Node::Wanted) {
                  const int64_t n = log_probabilities.shape()[0];
                  const int64_t k = log_probabilities.shape()[1];
                  const float scale = g.item() / static_cast<float>(n);
                  Tensor dz = Tensor::empty(log_probabilities.shape());
                  const float* lp_in = log_probabilities.data();
                  float* d = dz.data();
                  for (int64_t i = 0; i < n * k; ++i) d[i] = scale * std::exp(lp_in[i]);
                  for (int64_t i = 0; i < n; ++i)
                    d[i * k + labels[static_cast<size_t>(i)]] -= scale;
                  return std::vector<Tensor>{dz};
                });
}

Tensor softmax_cross_entropy(const Tensor& logits, const Tensor& labels) {
  if (labels.rank() != 1) {
    throw Error("softmax_cross_entropy: labels must be a 1-d tensor of class indices, got " +
                labels.shape().to_string());
  }
  std::vector<int64_t> indices(static_cast<size_t>(labels.numel()));
  const float* values = labels.data();
  for (int64_t i = 0; i < labels.numel(); ++i) {
    if (!std::isfinite(values[i]) || values[i] != std::nearbyint(values[i]) ||
        std::fabs(values[i]) > 1e9f) {
      throw Error("softmax_cross_entropy: label " + std::to_string(values[i]) + " of row " +
                  std::to_string(i) + " is not an integer class index");
    }
    indices[static_cast<size_t>(i)] = static_cast<int64_t>(values[i]);
  }
  return softmax_cross_entropy(logits, indices);
}

}  // namespace soma
