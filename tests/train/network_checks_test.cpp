// The lecture's warnings about a network and its loss: fit refuses an output activation
// that the loss applies again, naming both, and a step activation gets a warning that says
// which weights gradient descent cannot move (and fit indeed leaves them as they were).
#include "soma/train/network_checks.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "soma/data/synthetic.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/fit.hpp"
#include "support/error_message.hpp"

namespace soma::train {
namespace {

using nn::ActivationKind;

std::shared_ptr<nn::Sequential> network(std::vector<int64_t> sizes, ActivationKind hidden,
                                        ActivationKind output) {
  Generator generator(3);
  return nn::build_network(
      {.layer_sizes = sizes, .hidden_activation = hidden, .output_activation = output}, generator);
}

TEST(RepeatedOutputActivation, NamesTheActivationAndTheLossThatAppliesItAgain) {
  EXPECT_EQ(repeated_output_activation(ActivationKind::softmax, LossKind::softmax_cross_entropy),
            "a softmax output layer and the loss cross_entropy apply the softmax twice: "
            "cross_entropy applies it itself, to raw outputs (logits)");
  EXPECT_EQ(repeated_output_activation(ActivationKind::sigmoid,
                                       LossKind::binary_cross_entropy_with_logits),
            "a sigmoid output layer and the loss bce_with_logits apply the sigmoid twice: "
            "bce_with_logits applies it itself, to raw outputs (logits)");
  // The pairs that are right: a loss on probabilities after its activation, a loss on
  // logits after identity.
  EXPECT_EQ(repeated_output_activation(ActivationKind::sigmoid, LossKind::binary_cross_entropy),
            "");
  EXPECT_EQ(repeated_output_activation(ActivationKind::identity, LossKind::softmax_cross_entropy),
            "");
  EXPECT_EQ(repeated_output_activation(ActivationKind::softmax, LossKind::squared_error), "");
}

TEST(CheckOutputForLoss, FitRefusesASoftmaxBeforeSoftmaxCrossEntropy) {
  Generator generator(1);
  const data::Dataset blobs = data::gaussians(60, 0.5, generator, 3);
  auto softmax_net = network({2, 4, 3}, ActivationKind::tanh, ActivationKind::softmax);
  Sgd optimizer(softmax_net->parameters(), {.learning_rate = 0.1f});
  FitOptions options;
  options.loss = LossKind::softmax_cross_entropy;
  options.epochs = 1;
  const nn::ParameterSnapshot before = nn::snapshot_parameters(*softmax_net);
  EXPECT_EQ(testing::error_message([&] { fit(*softmax_net, optimizer, blobs, options); }),
            "fit: a softmax output layer and the loss cross_entropy apply the softmax twice: "
            "cross_entropy applies it itself, to raw outputs (logits); end the network without "
            "the softmax (identity), or train with squared_error on the softmax's outputs");
  // Refused before any step: the weights are untouched.
  const nn::ParameterSnapshot after = nn::snapshot_parameters(*softmax_net);
  for (size_t i = 0; i < before.values.size(); ++i) {
    EXPECT_EQ(std::memcmp(before.values[i].second.data(), after.values[i].second.data(),
                          static_cast<size_t>(before.values[i].second.numel()) * sizeof(float)),
              0);
  }
  // Identity before the same loss trains.
  auto logits_net = network({2, 4, 3}, ActivationKind::tanh, ActivationKind::identity);
  Sgd logits_optimizer(logits_net->parameters(), {.learning_rate = 0.1f});
  EXPECT_NO_THROW(fit(*logits_net, logits_optimizer, blobs, options));
}

TEST(CheckOutputForLoss, FitRefusesASigmoidBeforeBceWithLogits) {
  Generator generator(2);
  const data::Dataset circles = data::circles(40, 0.1, generator);
  auto sigmoid_net = network({2, 4, 1}, ActivationKind::tanh, ActivationKind::sigmoid);
  Sgd optimizer(sigmoid_net->parameters(), {.learning_rate = 0.1f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy_with_logits;
  options.epochs = 1;
  EXPECT_EQ(testing::error_message([&] { fit(*sigmoid_net, optimizer, circles, options); }),
            "fit: a sigmoid output layer and the loss bce_with_logits apply the sigmoid twice: "
            "bce_with_logits applies it itself, to raw outputs (logits); end the network "
            "without the sigmoid (identity), or train with binary_cross_entropy on the "
            "sigmoid's outputs");
  options.loss = LossKind::binary_cross_entropy;
  EXPECT_NO_THROW(fit(*sigmoid_net, optimizer, circles, options));
}

TEST(StepActivationWarning, SaysWhichParametersCannotMove) {
  EXPECT_EQ(
      step_activation_warning(*network({2, 3, 1}, ActivationKind::tanh, ActivationKind::sigmoid)),
      "");
  // 2-3-1 with a step output: Dense(2 -> 3) has 9 parameters, Dense(3 -> 1) 4; all 13 are
  // before the output's step.
  EXPECT_EQ(
      step_activation_warning(*network({2, 3, 1}, ActivationKind::tanh, ActivationKind::step)),
      "the output layer is a step, whose derivative is 0 wherever it is defined: "
      "backpropagation brings no gradient to the layers before it, so gradient descent "
      "cannot move their weights (13 of 13 parameters stay as initialised); use sigmoid "
      "or tanh for a smooth step");
  // Step hidden layers: layers Dense, Step, Dense, Step, Dense (5); the last step is layer
  // 4, after 9 + 12 = 21 of the 25 parameters.
  EXPECT_EQ(step_activation_warning(
                *network({2, 3, 3, 1}, ActivationKind::step, ActivationKind::identity)),
            "layer 4 of 5 is a step, whose derivative is 0 wherever it is defined: "
            "backpropagation brings no gradient to the layers before it, so gradient descent "
            "cannot move their weights (21 of 25 parameters stay as initialised); use sigmoid "
            "or tanh for a smooth step");
}

// What the warning says is what fit does: the first layer's weights do not move.
TEST(StepActivationWarning, FitLeavesTheWeightsBeforeAStepAsTheyWere) {
  Generator generator(4);
  const data::Dataset circles = data::circles(40, 0.1, generator);
  auto net = network({2, 3, 1}, ActivationKind::step, ActivationKind::sigmoid);
  const Tensor first_weight = net->named_parameters().front().second;
  const std::vector<float> before(first_weight.data(), first_weight.data() + first_weight.numel());
  const Tensor last_weight = net->named_parameters().back().second;
  const float last_before = last_weight.data()[0];
  Sgd optimizer(net->parameters(), {.learning_rate = 0.5f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  options.epochs = 5;
  fit(*net, optimizer, circles, options);
  EXPECT_EQ(std::vector<float>(first_weight.data(), first_weight.data() + first_weight.numel()),
            before);
  EXPECT_NE(last_weight.data()[0], last_before);  // after the step, learning goes on
}

}  // namespace
}  // namespace soma::train
