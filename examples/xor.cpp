// XOR needs a hidden layer: no straight line puts (0,1) and (1,0) on one side and (0,0)
// and (1,1) on the other, so a single neuron gets at most 3 of the 4 points right, while
// a network with one hidden layer of a few neurons gets all four.
#include <cstdio>

#include "common.hpp"
#include "soma/nn/dense.hpp"

using namespace soma;

int main(int argc, char** argv) {
  const bool small = example::small_run(argc, argv);
  const int epochs = small ? 400 : 1000;
  data::Dataset xor_points{
      tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}}), tensor({0, 1, 1, 0}), 2, {"x1", "x2"}};

  Generator generator(3);
  auto neuron = nn::build_network(
      {.layer_sizes = {2, 1}, .output_activation = nn::ActivationKind::sigmoid}, generator);
  const double neuron_accuracy =
      example::train_binary_classifier(*neuron, xor_points, epochs, 0.05f);

  auto network = nn::build_network({.layer_sizes = {2, 4, 1},
                                    .hidden_activation = nn::ActivationKind::tanh,
                                    .output_activation = nn::ActivationKind::sigmoid},
                                   generator);
  const double network_accuracy =
      example::train_binary_classifier(*network, xor_points, epochs, 0.05f);

  const Tensor outputs = train::predict(*network, xor_points.features);
  std::printf("one neuron:          accuracy %.2f\n", neuron_accuracy);
  std::printf("2-4-1 tanh network:  accuracy %.2f\n", network_accuracy);
  for (int64_t i = 0; i < 4; ++i) {
    std::printf("  xor(%g, %g) = %g, network says %.3f\n",
                static_cast<double>(xor_points.features.at({i, 0})),
                static_cast<double>(xor_points.features.at({i, 1})),
                static_cast<double>(xor_points.targets.at({i})),
                static_cast<double>(outputs.at({i, 0})));
  }
  example::Claims claims;
  claims.check(neuron_accuracy <= 0.75, "one neuron gets at most 3 of the 4 XOR points");
  claims.check(network_accuracy == 1.0, "one hidden layer solves XOR");
  return claims.exit_code();
}
