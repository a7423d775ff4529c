// The training loop's memory: from the third step (and the second epoch) on, a training
// step takes every tensor buffer from the pool and asks the system for none.
#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/core/buffer_pool.hpp"
#include "soma/data/dataset.hpp"
#include "soma/data/split.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/fit.hpp"
#include "soma/train/loss_kind.hpp"
#include "train/fit_test_support.hpp"

namespace soma::train {
namespace {

// How a training step handles gradients: zeroed in place before backward() and step(),
// dropped before them, or dropped and then fused (backward_and_step, what fit does).
enum class StepMode { zeroed, dropped, fused };

// Ten steps of a 2-16-16-1 network on batches of 32, starting from an empty pool; from step
// `first_counted` on, no tensor buffer may come from the system.
void expect_no_system_allocations_from_step(int first_counted, StepMode mode) {
  SCOPED_TRACE(mode == StepMode::zeroed    ? "gradients zeroed"
               : mode == StepMode::dropped ? "gradients dropped"
                                           : "fused step");
  buffer_pool::trim();
  Generator generator(1);
  const data::Dataset circles = data::circles(320, 0.1, generator);
  auto model = network("2-16-16-1", nn::ActivationKind::tanh, nn::ActivationKind::identity);
  Sgd optimizer(model->parameters(), {.learning_rate = 0.1f});
  const Tensor targets =
      prepare_targets(LossKind::binary_cross_entropy_with_logits, circles, 1);  // (320 x 1)
  std::vector<int64_t> order(320);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  for (int step = 1; step <= 10; ++step) {
    if (step == first_counted) buffer_pool::reset_statistics();
    const std::span<const int64_t> rows(order.data() + (step - 1) * 32, 32);
    const Tensor x = data::gather_rows(circles.features, rows);
    const Tensor t = data::gather_rows(targets, rows);
    optimizer.zero_grad(/*set_to_none=*/mode != StepMode::zeroed);
    const Tensor loss =
        compute_loss(LossKind::binary_cross_entropy_with_logits, model->forward(x), t);
    if (mode == StepMode::fused) {
      optimizer.backward_and_step(loss);
    } else {
      soma::backward(loss);
      optimizer.step();
    }
  }
  const buffer_pool::Statistics counts = buffer_pool::statistics();
  EXPECT_EQ(counts.system_allocations, 0);
  // Every tensor of those steps came from the pool instead.
  EXPECT_GE(counts.reuses, (11 - first_counted) * 10);
}

// A training step (gather a batch, forward, loss, backward, update) in its steady state
// takes every tensor buffer from the pool and asks the system for none. With gradients
// zeroed in place, step 1 creates the parameters' gradients and step 2 is the first with
// them alive during the forward pass, so it may need one block more than step 1 did (here:
// one of the smallest class, the size of a 16-float bias gradient); from step 3 on every
// step is the same as the one before. With gradients dropped between steps, or never made
// (the fused step fit takes), every step is the same from step 2 on.
TEST(Fit, StepsAfterTheSecondAskTheSystemForNoTensorMemory) {
  if (!buffer_pool::enabled()) GTEST_SKIP() << "the pool is off under the sanitizers";
  expect_no_system_allocations_from_step(3, StepMode::zeroed);
  expect_no_system_allocations_from_step(2, StepMode::dropped);
  expect_no_system_allocations_from_step(2, StepMode::fused);
}

// The same holds for whole epochs of fit after the first (shuffling, the running loss and
// accuracy, the epoch record).
TEST(Fit, EpochsAfterTheFirstAskTheSystemForNoTensorMemory) {
  if (!buffer_pool::enabled()) GTEST_SKIP() << "the pool is off under the sanitizers";
  Generator generator(1);
  const data::Dataset circles = data::circles(320, 0.1, generator);
  auto model = network("2-16-16-1", nn::ActivationKind::tanh, nn::ActivationKind::identity);
  Sgd optimizer(model->parameters(), {.learning_rate = 0.1f});
  FitOptions options;
  options.loss = LossKind::binary_cross_entropy_with_logits;
  options.epochs = 3;
  options.batch_size = 32;
  buffer_pool::Statistics counts;
  options.on_epoch = [&counts](const EpochRecord& record) {
    if (record.epoch == 1) buffer_pool::reset_statistics();
    if (record.epoch == 3) counts = buffer_pool::statistics();
    return true;
  };
  fit(*model, optimizer, circles, options);
  EXPECT_EQ(counts.system_allocations, 0);
  EXPECT_GE(counts.reuses, 2 * 10 * 10);
}

}  // namespace
}  // namespace soma::train
