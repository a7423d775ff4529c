// What one neuron can separate: a single neuron with a binary step activation draws one
// straight line (a hyperplane) through the plane. It separates two gaussian clouds, not
// two concentric circles; with the features x1^2 and x2^2 it separates the circles too;
// and a small hidden layer separates them without any feature engineering.
//
// The step's derivative is zero, so gradient descent cannot train it directly: the neuron
// is trained with a sigmoid (logistic regression) and then used with the step, which
// gives the same decisions (sigmoid(t) >= 0.5 exactly when step(t) = 1).
#include <cstdio>

#include "common.hpp"
#include "soma/autograd/grad_mode.hpp"
#include "soma/data/features.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/nn/dense.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear_algebra.hpp"

using namespace soma;

namespace {

// Trains one neuron sigmoid(x w + b), then classifies with step(x w + b).
double binary_neuron_accuracy(const data::Dataset& data, int epochs, const char* name) {
  Generator generator(11);
  auto neuron = std::make_shared<nn::Dense>(data.features.shape()[1], 1, generator);
  nn::Sequential network;
  network.add(neuron).emplace<nn::Activation>(nn::ActivationKind::sigmoid);
  example::train_binary_classifier(network, data, epochs);

  NoGradGuard no_grad;
  const Tensor decisions = step(matmul(data.features, neuron->weight()) + neuron->bias());
  int64_t correct = 0;
  for (int64_t i = 0; i < data.size(); ++i) {
    correct += decisions.data()[i] == data.targets.data()[i];
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  std::printf("%-38s accuracy %.3f  hyperplane:", name, accuracy);
  for (int64_t j = 0; j < neuron->inputs(); ++j) {
    std::printf(" %+.3f*%s", static_cast<double>(neuron->weight().data()[j]),
                data.feature_names[static_cast<size_t>(j)].c_str());
  }
  std::printf(" %+.3f = 0\n", static_cast<double>(neuron->bias().data()[0]));
  return accuracy;
}

}  // namespace

int main(int argc, char** argv) {
  const bool small = example::small_run(argc, argv);
  const int64_t samples = small ? 200 : 1000;
  const int epochs = small ? 60 : 200;
  Generator generator(2024);
  const data::Dataset clouds = data::gaussians(samples, 0.6, generator);
  const data::Dataset rings = data::circles(samples, 0.05, generator);

  example::Claims claims;
  const double clouds_accuracy =
      binary_neuron_accuracy(clouds, epochs, "one neuron, gaussian clouds");
  const double rings_accuracy = binary_neuron_accuracy(rings, epochs, "one neuron, circles");
  const double squares_accuracy = binary_neuron_accuracy(
      data::with_features(rings, {"x1^2", "x2^2"}), epochs, "one neuron, circles via x1^2, x2^2");

  Generator weights(5);
  auto hidden = nn::build_network({.layer_sizes = {2, 8, 1},
                                   .hidden_activation = nn::ActivationKind::tanh,
                                   .output_activation = nn::ActivationKind::sigmoid},
                                  weights);
  const double hidden_accuracy = example::train_binary_classifier(*hidden, rings, epochs * 2);
  std::printf("%-38s accuracy %.3f\n", "hidden layer of 8, circles", hidden_accuracy);

  claims.check(clouds_accuracy >= 0.95, "one neuron separates the gaussian clouds");
  claims.check(rings_accuracy <= 0.75, "one neuron cannot separate the circles");
  claims.check(squares_accuracy >= 0.95, "with x1^2 and x2^2 one neuron separates the circles");
  claims.check(hidden_accuracy >= 0.95, "a hidden layer separates the circles unaided");
  return claims.exit_code();
}
