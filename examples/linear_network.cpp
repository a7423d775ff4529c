// A network whose activations are all the identity is a linear model, however deep:
// x W1 W2 W3 + (b1 W2 W3 + b2 W3 + b3) is one matrix and one bias. So it cannot separate
// the circles, while the same network with tanh can.
#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "soma/autograd/grad_mode.hpp"
#include "soma/nn/dense.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear_algebra.hpp"
#include "soma/ops/shape_ops.hpp"

using namespace soma;

int main(int argc, char** argv) {
  const bool small = example::small_run(argc, argv);
  const int epochs = small ? 80 : 200;
  const data::Dataset rings = example::rings(small, 4);

  // One network per architecture, built, trained and checked as every example does it.
  example::Claims claims;
  for (const char* architecture : {"2-1", "2-16-1", "2-16-16-1", "2-16-16-16-1"}) {
    Generator weights(9);
    auto linear = nn::build_network({.layer_sizes = nn::parse_layer_sizes(architecture),
                                     .hidden_activation = nn::ActivationKind::identity,
                                     .output_activation = nn::ActivationKind::sigmoid},
                                    weights);
    const double accuracy = example::train_binary_classifier(*linear, rings, epochs);
    std::printf("%-14s identity activations: accuracy %.3f\n", architecture, accuracy);
    claims.check(accuracy <= 0.75, "a linear network cannot separate the circles");

    // Collapse the Dense layers into one: W = W1 W2 ..., b = (b1 W2 + b2) W3 + ...
    NoGradGuard no_grad;
    Tensor weight;
    Tensor bias;
    for (size_t i = 0; i < linear->size(); ++i) {
      const auto* dense = dynamic_cast<const nn::Dense*>(&linear->layer(i));
      if (dense == nullptr) continue;
      weight = weight.defined() ? matmul(weight, dense->weight()) : dense->weight();
      bias = bias.defined() ? matmul(reshape(bias, {1, -1}), dense->weight()) + dense->bias()
                            : reshape(dense->bias(), {1, -1});
    }
    const Tensor collapsed = sigmoid(matmul(rings.features, weight) + bias);
    const Tensor network = train::predict(*linear, rings.features);
    float largest_difference = 0.0f;
    for (int64_t i = 0; i < network.numel(); ++i) {
      largest_difference =
          std::fmax(largest_difference, std::fabs(network.data()[i] - collapsed.data()[i]));
    }
    claims.check(largest_difference < 1e-4f, "it equals a single neuron x W + b");
  }

  Generator weights(9);
  auto nonlinear = nn::build_network({.layer_sizes = {2, 16, 16, 1},
                                      .hidden_activation = nn::ActivationKind::tanh,
                                      .output_activation = nn::ActivationKind::sigmoid},
                                     weights);
  const double accuracy = example::train_binary_classifier(*nonlinear, rings, epochs);
  std::printf("%-14s tanh activations:     accuracy %.3f\n", "2-16-16-1", accuracy);
  claims.check(accuracy >= 0.95, "with tanh the same network separates them");
  return claims.exit_code();
}
