// Tests of the training loop: convergence with fixed seeds (circles, XOR), batch sizes,
// reshuffling, validation, early stopping with restored weights, callbacks, divergence,
// L2 regularisation, and evaluate/predict without a graph (its memory: fit_memory_test).
#include "soma/train/fit.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/data/dataset.hpp"
#include "soma/data/split.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/optim/adam.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/loss_kind.hpp"
#include "train/fit_test_support.hpp"

namespace soma::train {
namespace {

// An SGD that counts its steps.
class CountingSgd : public Sgd {
 public:
  using Sgd::Sgd;
  void step() override {
    ++steps;
    Sgd::step();
  }
  int steps = 0;
};

TEST(Fit, CirclesWith2_16_16_1TanhReach97Percent) {
  Generator generator(1);
  const data::Dataset circles = data::circles(400, 0.1, generator);
  auto model = network("2-16-16-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Adam optimizer(model->parameters(), {.learning_rate = 0.01f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  options.epochs = 150;
  options.seed = 3;
  const History history = fit(*model, optimizer, circles, options);
  EXPECT_GE(history.epochs.back().train_accuracy, 0.97);
  EXPECT_GE(evaluate(*model, circles, options.loss).accuracy, 0.97);
  EXPECT_LT(history.epochs.back().train_loss, history.epochs.front().train_loss / 5);
}

TEST(Fit, XorIsSolvedWithAHiddenLayer) {
  const data::Dataset xor_points{
      tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}}), tensor({0, 1, 1, 0}), 2, {}};
  auto model = network("2-4-1", nn::ActivationKind::tanh, nn::ActivationKind::identity, 3);
  Sgd optimizer(model->parameters(), {.learning_rate = 0.5f, .momentum = 0.9f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy_with_logits;
  options.epochs = 300;
  options.batch_size = 4;
  const Evaluation before = evaluate(*model, xor_points, options.loss);
  fit(*model, optimizer, xor_points, options);
  const Evaluation after = evaluate(*model, xor_points, options.loss);
  EXPECT_EQ(after.accuracy, 1.0);
  EXPECT_EQ(after.predicted, (std::vector<int64_t>{0, 1, 1, 0}));
  EXPECT_LT(after.loss, 0.05);
  EXPECT_GT(before.loss, 0.5);
}

TEST(Fit, BatchSizeDecidesTheStepsPerEpoch) {
  Generator generator(2);
  const data::Dataset points = data::gaussians(50, 0.5, generator);
  struct Case {
    int64_t batch_size;
    int steps_per_epoch;
  };
  // 1: stochastic (50 steps); 0 and >= n: full batch (1 step); 16: ceil(50 / 16) = 4.
  for (const Case c : {Case{1, 50}, Case{0, 1}, Case{500, 1}, Case{16, 4}, Case{50, 1}}) {
    auto model = network("2-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
    CountingSgd optimizer(model->parameters(), {.learning_rate = 0.1f});
    FitOptions options;
    options.loss = LossKind::binary_cross_entropy;
    options.epochs = 3;
    options.batch_size = c.batch_size;
    fit(*model, optimizer, points, options);
    EXPECT_EQ(optimizer.steps, 3 * c.steps_per_epoch) << "batch size " << c.batch_size;
  }
}

TEST(Fit, SameSeedIsBitIdenticalAndTheSeedMatters) {
  Generator generator(5);
  const data::Dataset points = data::moons(120, 0.1, generator);
  auto train_with = [&](uint64_t seed) {
    auto model = network("2-8-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
    Adam optimizer(model->parameters(), {.learning_rate = 0.01f});
    FitOptions options;
    options.loss = LossKind::binary_cross_entropy;
    options.epochs = 5;
    options.batch_size = 10;
    options.seed = seed;
    const History history = fit(*model, optimizer, points, options);
    return std::make_pair(model, history.epochs.back().train_loss);
  };
  const auto [a, loss_a] = train_with(11);
  const auto [b, loss_b] = train_with(11);
  const auto [c, loss_c] = train_with(12);
  EXPECT_TRUE(same_parameters(*a, *b));
  EXPECT_EQ(loss_a, loss_b);
  EXPECT_FALSE(same_parameters(*a, *c));  // a different order of batches
}

// An Sgd that takes backward() then step() instead of fusing the step into the backward pass.
class UnfusedSgd : public Sgd {
 public:
  using Sgd::Sgd;
  void backward_and_step(const Tensor& objective) override {
    Optimizer::backward_and_step(objective);
  }
};

// fit's plain SGD step, fused into the backward pass, trains the same network as backward()
// then step() up to rounding, with the L2 penalty (each parameter then has two uses and is
// updated when the walk reaches it) and without (each layer's GEMM updates its weight); and
// the fused step gives the same bits for the same seed.
TEST(Fit, FusedSgdStepTrainsAsBackwardThenStep) {
  Generator generator(4);
  const data::Dataset circles = data::circles(256, 0.1, generator);
  for (const float weight_decay : {0.0f, 0.01f}) {
    SCOPED_TRACE("weight decay " + std::to_string(weight_decay));
    FitOptions options;
    options.loss = LossKind::binary_cross_entropy_with_logits;
    options.epochs = 3;
    options.batch_size = 32;
    options.weight_decay = weight_decay;
    auto fused = network("2-16-16-1", nn::ActivationKind::tanh, nn::ActivationKind::identity);
    auto again = network("2-16-16-1", nn::ActivationKind::tanh, nn::ActivationKind::identity);
    auto unfused = network("2-16-16-1", nn::ActivationKind::tanh, nn::ActivationKind::identity);
    Sgd fused_sgd(fused->parameters(), {.learning_rate = 0.1f});
    Sgd again_sgd(again->parameters(), {.learning_rate = 0.1f});
    UnfusedSgd unfused_sgd(unfused->parameters(), {.learning_rate = 0.1f});
    const History fused_history = fit(*fused, fused_sgd, circles, options);
    fit(*again, again_sgd, circles, options);
    const History unfused_history = fit(*unfused, unfused_sgd, circles, options);
    EXPECT_TRUE(same_parameters(*fused, *again));
    EXPECT_NEAR(fused_history.epochs.back().train_loss, unfused_history.epochs.back().train_loss,
                1e-5);
    const auto fused_parameters = fused->parameters();
    const auto unfused_parameters = unfused->parameters();
    ASSERT_EQ(fused_parameters.size(), unfused_parameters.size());
    for (size_t p = 0; p < fused_parameters.size(); ++p) {
      EXPECT_FALSE(fused_parameters[p].grad().defined());
      for (int64_t i = 0; i < fused_parameters[p].numel(); ++i) {
        ASSERT_NEAR(fused_parameters[p].data()[i], unfused_parameters[p].data()[i], 1e-4f)
            << "parameter " << p << ", element " << i;
      }
    }
  }
}

TEST(Fit, HistoryHasValidationAndTheRightMetrics) {
  Generator generator(9);
  const data::Dataset sine = data::regression_1d(data::Function1d::sine, 100, 0.0, generator);
  auto model = network("1-16-1", nn::ActivationKind::tanh, nn::ActivationKind::identity);
  Adam optimizer(model->parameters(), {.learning_rate = 0.01f});
  FitOptions options;
  options.epochs = 4;
  options.validation_split = 0.25;
  const History history = fit(*model, optimizer, sine, options);
  ASSERT_EQ(history.epochs.size(), 4u);
  for (const EpochRecord& record : history.epochs) {
    EXPECT_TRUE(std::isnan(record.train_accuracy));  // regression: RMSE, not accuracy
    EXPECT_TRUE(std::isnan(record.validation_accuracy));
    EXPECT_FALSE(std::isnan(record.validation_loss));
    // For squared error on one output, RMSE = sqrt(loss) for the validation pass.
    EXPECT_NEAR(record.validation_rmse, std::sqrt(record.validation_loss), 1e-5);
    EXPECT_FLOAT_EQ(static_cast<float>(record.learning_rate), 0.01f);
  }
  EXPECT_EQ(history.epochs[2].epoch, 3);
  EXPECT_EQ(history.best_epoch, 4);
  EXPECT_FALSE(history.stopped_early);
}

TEST(Fit, ValidationSplitIsStratified) {
  Generator generator(3);
  const data::Dataset points = data::gaussians(300, 0.5, generator, 3);  // 100 per class
  const auto [training, validation] = data::train_test_split(points, 0.2, 1);
  EXPECT_EQ(training.size(), 240);
  EXPECT_EQ(validation.size(), 60);
  int per_class[3] = {0, 0, 0};
  for (int64_t i = 0; i < validation.size(); ++i) {
    ++per_class[static_cast<int>(validation.targets.data()[i])];
  }
  EXPECT_EQ(per_class[0], 20);
  EXPECT_EQ(per_class[1], 20);
  EXPECT_EQ(per_class[2], 20);
}

TEST(Fit, EarlyStoppingStopsAndRestoresTheBestEpoch) {
  // The validation labels are the training labels flipped: as the network learns the
  // training set, the validation loss only rises, so the best epoch is the first.
  Generator generator(4);
  const data::Dataset training = data::gaussians(100, 0.4, generator);
  data::Dataset flipped = training;
  flipped.targets = training.targets.clone();
  for (int64_t i = 0; i < flipped.size(); ++i) {
    flipped.targets.data()[i] = 1.0f - flipped.targets.data()[i];
  }
  auto model = network("2-4-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Adam optimizer(model->parameters(), {.learning_rate = 0.05f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  options.epochs = 100;
  options.validation = flipped;
  options.patience = 3;
  const History history = fit(*model, optimizer, training, options);
  EXPECT_TRUE(history.stopped_early);
  EXPECT_EQ(history.best_epoch, 1);
  ASSERT_EQ(history.epochs.size(), 4u);  // the best, then 3 epochs without improvement
  EXPECT_GT(history.epochs.back().validation_loss, history.epochs.front().validation_loss);
  // The weights are those of epoch 1: the validation loss is epoch 1's again, exactly.
  EXPECT_EQ(evaluate(*model, flipped, options.loss).loss, history.epochs.front().validation_loss);
}

TEST(Fit, MinimumImprovementCountsSmallGainsAsNone) {
  Generator generator(4);
  const data::Dataset points = data::gaussians(100, 0.4, generator);
  auto model = network("2-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Sgd optimizer(model->parameters(), {.learning_rate = 0.01f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  options.epochs = 50;
  options.patience = 2;
  options.min_improvement = 10.0;  // no epoch can improve the loss by 10
  const History history = fit(*model, optimizer, points, options);
  EXPECT_EQ(history.epochs.size(), 3u);
  EXPECT_TRUE(history.stopped_early);
  EXPECT_EQ(history.best_epoch, 1);
}

TEST(Fit, CallbackCanStopTraining) {
  Generator generator(4);
  const data::Dataset points = data::gaussians(40, 0.4, generator);
  auto model = network("2-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Sgd optimizer(model->parameters(), {.learning_rate = 0.1f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  options.epochs = 50;
  std::vector<int> seen;
  options.on_epoch = [&](const EpochRecord& record) {
    seen.push_back(record.epoch);
    return record.epoch < 5;
  };
  const History history = fit(*model, optimizer, points, options);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(history.stopped_early);
  EXPECT_EQ(history.best_epoch, 5);
}

TEST(Fit, DivergenceStopsWithEpochBatchAndAdvice) {
  Generator generator(6);
  const data::Dataset line =
      data::regression_1d(data::Function1d::polynomial, 64, 0.0, generator, -10.0, 10.0);
  auto model = network("1-8-1", nn::ActivationKind::relu, nn::ActivationKind::identity);
  Sgd optimizer(model->parameters(), {.learning_rate = 10.0f});
  FitOptions options;
  options.epochs = 20;
  options.batch_size = 8;
  try {
    fit(*model, optimizer, line, options);
    FAIL() << "no divergence detected";
  } catch (const TrainingDiverged& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("training diverged: the loss became"));
    EXPECT_THAT(error.what(), ::testing::HasSubstr("at epoch 1, batch "));
    EXPECT_THAT(error.what(), ::testing::HasSubstr("try a smaller learning rate"));
  }
}

TEST(Fit, WeightDecayShrinksTheWeights) {
  Generator generator(4);
  const data::Dataset points = data::gaussians(100, 0.4, generator);
  auto squared_norm = [&](float weight_decay) {
    auto model = network("2-8-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
    Adam optimizer(model->parameters(), {.learning_rate = 0.05f});
    FitOptions options;
    options.loss = LossKind::binary_cross_entropy;
    options.epochs = 30;
    options.weight_decay = weight_decay;
    fit(*model, optimizer, points, options);
    double total = 0.0;
    for (const Tensor& p : model->parameters()) {
      for (int64_t i = 0; i < p.numel(); ++i) total += p.data()[i] * p.data()[i];
    }
    return total;
  };
  EXPECT_LT(squared_norm(0.1f), 0.5 * squared_norm(0.0f));
}

TEST(Fit, BadOptionsAndMismatchedDataAreClearErrors) {
  Generator generator(4);
  const data::Dataset points = data::gaussians(20, 0.4, generator, 3);
  auto model = network("2-4-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Sgd optimizer(model->parameters(), {.learning_rate = 0.1f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy;
  EXPECT_THAT([&] { fit(*model, optimizer, points, options); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
                  "binary_cross_entropy needs two classes and one output; the data has 3 "
                  "classes, the model 1 outputs")));
  options.epochs = 0;
  EXPECT_THAT([&] { fit(*model, optimizer, points, options); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("epochs must be at least 1")));
  auto wide = network("3-4-1", nn::ActivationKind::tanh, nn::ActivationKind::sigmoid);
  Sgd wide_optimizer(wide->parameters(), {.learning_rate = 0.1f});
  options.epochs = 1;
  EXPECT_THAT([&] { fit(*wide, wide_optimizer, points, options); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
                  "Dense(3 -> 4): receives 2 features per sample, expects 3")));
}

TEST(Predict, RunsInBatchesWithoutAGraph) {
  Generator generator(4);
  const data::Dataset points = data::gaussians(37, 0.4, generator);
  auto model = network("2-5-2", nn::ActivationKind::tanh, nn::ActivationKind::softmax);
  const Tensor all_at_once = model->forward(points.features);
  const Tensor batched = predict(*model, points.features, 8);  // 5 batches, the last of 5
  EXPECT_FALSE(batched.requires_grad());
  EXPECT_TRUE(all_at_once.requires_grad());
  ASSERT_EQ(batched.shape(), (Shape{37, 2}));
  for (int64_t i = 0; i < batched.numel(); ++i) {
    EXPECT_NEAR(batched.data()[i], all_at_once.data()[i], 1e-6f);
  }
  EXPECT_TRUE(model->is_training());  // the mode is restored after predict
}

}  // namespace
}  // namespace soma::train
