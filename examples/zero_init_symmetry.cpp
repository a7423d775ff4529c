// Why all-zero (or any constant) initial weights never break symmetry: hidden neurons that
// start equal compute the same output and receive the same gradient, so they stay equal
// through training and the layer behaves as one neuron. Random (Glorot, He) initial
// weights make them differ from the first step.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "soma/nn/dense.hpp"

using namespace soma;

namespace {

// The largest difference between the incoming weights of any two hidden neurons
// (columns of the first layer's weight matrix).
float largest_difference_between_hidden_units(const nn::Sequential& network) {
  const auto& first = dynamic_cast<const nn::Dense&>(network.layer(0));
  const Tensor& w = first.weight();
  float largest = 0.0f;
  for (int64_t row = 0; row < first.inputs(); ++row) {
    for (int64_t unit = 1; unit < first.outputs(); ++unit) {
      largest = std::max(largest, std::fabs(w.at({row, unit}) - w.at({row, 0})));
    }
  }
  return largest;
}

}  // namespace

int main(int argc, char** argv) {
  const bool small = example::small_run(argc, argv);
  const int epochs = small ? 60 : 200;
  const data::Dataset rings = example::rings(small, 6);

  example::Claims claims;
  for (const char* init : {"zeros", "constant:0.5", "glorot_uniform", "he_normal"}) {
    Generator weights(12);
    auto network = nn::build_network({.layer_sizes = {2, 8, 1},
                                      .hidden_activation = nn::ActivationKind::tanh,
                                      .output_activation = nn::ActivationKind::sigmoid,
                                      .weight_init = nn::Initializer::parse(init)},
                                     weights);
    const double accuracy = example::train_binary_classifier(*network, rings, epochs);
    const float spread = largest_difference_between_hidden_units(*network);
    std::printf("%-15s after training: hidden units differ by up to %.4f, accuracy %.3f\n", init,
                static_cast<double>(spread), accuracy);
    const bool random = std::string(init) == "glorot_uniform" || std::string(init) == "he_normal";
    if (random) {
      claims.check(spread > 0.1f && accuracy >= 0.95,
                   "random initial weights break the symmetry and the circles are learnt");
    } else {
      claims.check(spread == 0.0f && accuracy <= 0.75,
                   "constant initial weights: the hidden units stay identical");
    }
  }
  return claims.exit_code();
}
