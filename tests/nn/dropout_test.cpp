// Tests Dropout: the exact mask of a fixed seed and its statistics, the 1 / (1 - p) scaling,
// the identity in evaluation mode, the backward pass (same mask) and a gradient check with a
// fixed mask, rates refused, the architecture line, networks with dropout (same weights as
// without), a save/load round trip, and fit/evaluate/predict switching the mode.
#include "soma/nn/dropout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/gradcheck.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/io/model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/fit.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::Shape;
using soma::Tensor;
using soma::nn::Dropout;

int64_t zeros_in(const Tensor& values) {
  int64_t zeros = 0;
  for (const float value : values.to_vector()) zeros += value == 0.0f;
  return zeros;
}

TEST(DropoutTest, DropsTheSeedsValuesAndScalesTheRest) {
  Dropout dropout(0.25f, 7);
  const Tensor y = dropout(soma::ones(Shape{1000, 100}));
  ASSERT_EQ(y.shape(), (Shape{1000, 100}));
  // The count this seed gives, exactly (the mask is the seed's, on every platform); it lies
  // 1.4 standard deviations (sqrt(100000 x 0.25 x 0.75) = 137) from the expected 25,000.
  EXPECT_EQ(zeros_in(y), 25194);
  for (const float value : y.to_vector()) {
    if (value != 0.0f) {
      ASSERT_EQ(value, 1.0f / 0.75f);  // inverted: kept values scaled up
    }
  }
  // The mean stays close to the input's, as inverted dropout means it to.
  EXPECT_NEAR(soma::mean(y).item(), 1.0f, 0.01f);
}

TEST(DropoutTest, ASeedRepeatsItsMasksAndEachCallDrawsAFreshOne) {
  Dropout first(0.5f, 3);
  Dropout second(0.5f, 3);
  const Tensor x = soma::ones(Shape{4, 64});
  const std::vector<float> a = first(x).to_vector();
  EXPECT_EQ(second(x).to_vector(), a);
  EXPECT_NE(first(x).to_vector(), a);  // the next call, the next mask
  EXPECT_NE(Dropout(0.5f, 4)(x).to_vector(), a);
}

TEST(DropoutTest, EvaluationModeAndRateZeroAreTheIdentity) {
  const Tensor x = soma::tensor({{1.0f, -2.0f, 3.0f}, {4.0f, 5.0f, -6.0f}});
  Dropout dropout(0.9f, 1);
  dropout.eval();
  const Tensor y = dropout(x);
  EXPECT_EQ(y.data(), x.data());  // the input itself: no mask, no node
  Dropout none(0.0f, 1);
  EXPECT_EQ(none(x).data(), x.data());
  dropout.train();
  EXPECT_GT(zeros_in(dropout(soma::ones(Shape{10, 10}))), 0);
}

TEST(DropoutTest, BackwardMultipliesTheGradientByTheSameMask) {
  Dropout dropout(0.4f, 11);
  Tensor x = soma::ones(Shape{8, 16});
  x.set_requires_grad(true);
  const Tensor y = dropout(x);
  soma::backward(soma::sum(soma::mul(y, soma::full(Shape{8, 16}, 3.0f))));
  // d/dx sum(3 x mask) = 3 x mask, and with x = 1 the mask is y itself.
  const std::vector<float> mask = y.to_vector();
  const std::vector<float> gradient = x.grad().to_vector();
  ASSERT_EQ(gradient.size(), mask.size());
  for (size_t i = 0; i < mask.size(); ++i) EXPECT_EQ(gradient[i], 3.0f * mask[i]) << i;
}

TEST(DropoutTest, GradientsMatchFiniteDifferencesWithAFixedMask) {
  Generator generator(5);
  const Tensor x = soma::uniform(Shape{6, 5}, -1.0f, 1.0f, generator);
  // A fresh layer of one seed per evaluation: every evaluation draws the same mask.
  const soma::GradCheckReport report = soma::check_gradients(
      [](const std::vector<Tensor>& inputs) {
        Dropout dropout(0.3f, 21);
        const Tensor y = dropout(inputs[0]);
        return soma::sum(soma::mul(y, y));
      },
      {x});
  EXPECT_TRUE(report.passed) << report.to_string();
}

TEST(DropoutTest, RatesOutsideZeroToOneAreRefused) {
  EXPECT_EQ(error_message([] { Dropout(1.0f, 0); }), "the dropout rate must be in [0, 1), got 1");
  EXPECT_EQ(error_message([] { Dropout(-0.1f, 0); }),
            "the dropout rate must be in [0, 1), got -0.1");
  EXPECT_EQ(error_message([] { Dropout(std::numeric_limits<float>::quiet_NaN(), 0); }),
            "the dropout rate must be in [0, 1), got nan");
  EXPECT_EQ(error_message([] { soma::nn::Dropout::spec(1.5f); }),
            "the dropout rate must be in [0, 1), got 1.5");
}

TEST(DropoutTest, ArchitectureLineAndItsErrors) {
  Dropout dropout(0.2f, 0);
  EXPECT_EQ(dropout.architecture(), "dropout 0.2");
  EXPECT_EQ(dropout.describe(), "Dropout(p=0.2)");
  EXPECT_EQ(dropout.output_features(7), 7);
  const auto rebuilt = soma::nn::build_from_architecture("dropout 0.2\n");
  EXPECT_EQ(dynamic_cast<const Dropout&>(rebuilt->layer(0)).rate(), 0.2f);  // bit-exact
  EXPECT_EQ(error_message([] { soma::nn::parse_architecture("dense 2 3\n\ndropout 1.5"); }),
            "architecture line 3 ('dropout 1.5'): the dropout rate must be in [0, 1), got 1.5");
  EXPECT_EQ(error_message([] { soma::nn::parse_architecture("dropout"); }),
            "architecture line 1 ('dropout'): expected 'dropout RATE'");
  EXPECT_EQ(error_message([] { soma::nn::parse_architecture("dropout 0.2x"); }),
            "architecture line 1 ('dropout 0.2x'): bad rate '0.2x'");
  EXPECT_EQ(error_message([] { soma::nn::parse_architecture("dropout 0.2 0.3"); }),
            "architecture line 1 ('dropout 0.2 0.3'): unexpected '0.3'");
}

TEST(DropoutTest, NetworksPutItAfterEachHiddenActivationAndKeepTheirWeights) {
  Generator with_generator(9);
  Generator without_generator(9);
  const soma::nn::NetworkSpec spec{.layer_sizes = {2, 5, 4, 1}, .dropout = 0.2f};
  auto with = soma::nn::build_network(spec, with_generator);
  auto without = soma::nn::build_network({.layer_sizes = {2, 5, 4, 1}}, without_generator);
  EXPECT_EQ(with->architecture(),
            "dense 2 5\nactivation relu\ndropout 0.2\ndense 5 4\nactivation relu\ndropout 0.2\n"
            "dense 4 1\n");
  // The masks' seeds come from a copy of the generator: the weights are the same.
  const auto a = with->parameters();
  const auto b = without->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].to_vector(), b[i].to_vector()) << i;
  // Two dropout layers, two streams.
  const Tensor x = soma::ones(Shape{1, 64});
  auto& first = dynamic_cast<Dropout&>(with->layer(2));
  auto& second = dynamic_cast<Dropout&>(with->layer(5));
  EXPECT_NE(first(x).to_vector(), second(x).to_vector());

  Generator generator(1);
  EXPECT_EQ(error_message([&] {
              soma::nn::build_network({.layer_sizes = {2, 1}, .dropout = 0.2f}, generator);
            }),
            "build_network: dropout goes after each hidden layer, and 2-1 has none");
}

TEST(DropoutTest, SavedAndLoadedWithItsRate) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("soma-dropout-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       ".soma");
  Generator generator(4);
  auto network = soma::nn::build_network({.layer_sizes = {3, 6, 2}, .dropout = 0.35f}, generator);
  soma::io::save_model(path.string(), *network);
  const soma::io::LoadedModel loaded = soma::io::load_model(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(loaded.network->architecture(),
            "dense 3 6\nactivation relu\ndropout 0.35\ndense 6 2\n");
  EXPECT_EQ(dynamic_cast<const Dropout&>(loaded.network->layer(2)).rate(), 0.35f);
  // In evaluation the dropout is the identity, so both predict alike.
  const Tensor x = soma::tensor({{0.5f, -1.0f, 2.0f}, {1.0f, 1.0f, -0.25f}});
  EXPECT_EQ(soma::train::predict(*loaded.network, x).to_vector(),
            soma::train::predict(*network, x).to_vector());
}

// fit trains with dropout and validates without: the validation loss it records is exactly
// evaluate's after training, which would not hold if either drew masks; and the weights
// differ from those the same network without dropout learns, which they would not if fit
// left the network in evaluation mode.
TEST(DropoutTest, FitTrainsInTrainingModeAndValidatesInEvaluationMode) {
  Generator data_generator(2);
  const soma::data::Dataset points = soma::data::gaussians(80, 0.5, data_generator, 2);
  const auto loss = soma::train::LossKind::softmax_cross_entropy;
  auto train_one_epoch = [&](float rate) {
    Generator generator(3);
    auto network = soma::nn::build_network({.layer_sizes = {2, 16, 2}, .dropout = rate}, generator);
    network->eval();  // fit switches it to training
    soma::Sgd optimizer(network->parameters(), {.learning_rate = 0.1f});
    soma::train::FitOptions options;
    options.loss = loss;
    options.epochs = 1;
    options.validation = points;
    const soma::train::History history = soma::train::fit(*network, optimizer, points, options);
    EXPECT_TRUE(network->is_training());
    return std::make_pair(network, history.epochs.back().validation_loss);
  };
  const auto [network, validation_loss] = train_one_epoch(0.5f);
  const auto [plain, plain_validation_loss] = train_one_epoch(0.0f);
  EXPECT_NE(network->parameters()[0].to_vector(), plain->parameters()[0].to_vector());

  EXPECT_EQ(soma::train::evaluate(*network, points, loss).loss, validation_loss);
  EXPECT_TRUE(network->layer(2).is_training());  // evaluate puts the mode back
  const Tensor first = soma::train::predict(*network, points.features);
  EXPECT_EQ(soma::train::predict(*network, points.features).to_vector(), first.to_vector());
  EXPECT_TRUE(network->layer(2).is_training());
}

}  // namespace
