// Tests Sgd::backward_and_step: plain SGD's update fused into the backward pass (checked
// against backward() then step() across the GEMM's size switches), the unfused form with
// momentum or weight decay, frozen parameters and gradients already held.
#include "soma/optim/sgd.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "optim/optimizer_test_support.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/generator.hpp"

namespace {

using soma::testing::expect_values;
using soma::testing::parameter;
using soma::testing::set_gradient;

using soma::Sgd;
using soma::SgdOptions;
using soma::Tensor;

// One layer's loss, sum(tanh(x W + b) * c), on random values, for the fused-step tests.
struct Layer {
  Tensor x, weight, bias, c;

  Layer(int64_t samples, int64_t inputs, int64_t outputs, uint64_t seed) {
    soma::Generator generator(seed);
    x = soma::uniform(soma::Shape{samples, inputs}, -1.0f, 1.0f, generator);
    weight = soma::uniform(soma::Shape{inputs, outputs}, -0.2f, 0.2f, generator);
    bias = soma::uniform(soma::Shape{outputs}, -0.2f, 0.2f, generator);
    c = soma::uniform(soma::Shape{samples, outputs}, -1.0f, 1.0f, generator);
    weight.set_requires_grad();
    bias.set_requires_grad();
  }
  // A second layer with the same values and parameters of its own.
  Layer copy() const {
    Layer twin = *this;
    twin.weight = weight.detach().clone();
    twin.bias = bias.detach().clone();
    twin.weight.set_requires_grad();
    twin.bias.set_requires_grad();
    return twin;
  }
  Tensor loss() const { return soma::sum(soma::tanh(soma::linear(x, weight, bias)) * c); }
};

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.numel() == b.numel() &&
         std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)) == 0;
}

// Plain SGD's backward_and_step updates during the backward pass (for a weight, inside the
// weight-gradient GEMM) and leaves no gradient; the parameters agree with backward() then
// step() up to rounding. Sizes on both sides of the GEMM's library switch (2^20
// multiply-adds) and of its split over threads.
TEST(SgdTest, BackwardAndStepFusesThePlainUpdate) {
  for (const auto& [samples, inputs, outputs] :
       {std::tuple{4, 3, 2}, std::tuple{64, 100, 30}, std::tuple{64, 300, 200}}) {
    SCOPED_TRACE(std::to_string(samples) + "x" + std::to_string(inputs) + "x" +
                 std::to_string(outputs));
    Layer fused(samples, inputs, outputs, 11);
    // The input's gradient needs the weight before its update (linear reads it first).
    fused.x.set_requires_grad();
    Layer reference = fused.copy();
    reference.x = fused.x.detach().clone();
    reference.x.set_requires_grad();
    Sgd fused_sgd({fused.weight, fused.bias}, {.learning_rate = 0.05f});
    Sgd reference_sgd({reference.weight, reference.bias}, {.learning_rate = 0.05f});
    for (int step = 0; step < 3; ++step) {
      fused.x.clear_grad();
      reference.x.clear_grad();
      fused_sgd.backward_and_step(fused.loss());
      EXPECT_FALSE(fused.weight.grad().defined());
      EXPECT_FALSE(fused.bias.grad().defined());
      reference_sgd.zero_grad(/*set_to_none=*/true);
      soma::backward(reference.loss());
      reference_sgd.step();
      for (int64_t i = 0; i < fused.x.numel(); ++i) {
        ASSERT_NEAR(fused.x.grad().data()[i], reference.x.grad().data()[i], 1e-5f)
            << "step " << step << ", input gradient element " << i;
      }
    }
    const float* fused_weight = fused.weight.data();
    const float* reference_weight = reference.weight.data();
    for (int64_t i = 0; i < fused.weight.numel(); ++i) {
      ASSERT_NEAR(fused_weight[i], reference_weight[i], 1e-5f) << "weight element " << i;
    }
    std::vector<double> expected_bias(reference.bias.data(),
                                      reference.bias.data() + reference.bias.numel());
    expect_values(fused.bias, expected_bias, 1e-5);
  }
}

// With momentum or weight decay there is nothing to fuse: backward() then step(), to the bit.
TEST(SgdTest, BackwardAndStepWithMomentumOrWeightDecayIsBackwardThenStep) {
  for (const SgdOptions options : {SgdOptions{.learning_rate = 0.05f, .momentum = 0.9f},
                                   SgdOptions{.learning_rate = 0.05f, .weight_decay = 0.01f}}) {
    SCOPED_TRACE(options.momentum != 0.0f ? "momentum" : "weight decay");
    const Layer fused(64, 100, 30, 12);
    const Layer reference = fused.copy();
    Sgd fused_sgd({fused.weight, fused.bias}, options);
    Sgd reference_sgd({reference.weight, reference.bias}, options);
    for (int step = 0; step < 3; ++step) {
      fused_sgd.zero_grad();
      fused_sgd.backward_and_step(fused.loss());
      reference_sgd.zero_grad();
      soma::backward(reference.loss());
      reference_sgd.step();
    }
    EXPECT_TRUE(same_bits(fused.weight, reference.weight));
    EXPECT_TRUE(same_bits(fused.bias, reference.bias));
    EXPECT_TRUE(fused.weight.grad().defined());
  }
}

// A parameter frozen after the optimiser was made (requires_grad off) is left alone, as by
// step(): d(sum(2 a))/da = 2, a = 1 - 0.2 = 0.8; b keeps 5.
TEST(SgdTest, BackwardAndStepLeavesAFrozenParameterAlone) {
  Tensor a = parameter({1.0f});
  Tensor b = parameter({5.0f});
  Sgd sgd({a, b}, {.learning_rate = 0.1f});
  b.set_requires_grad(false);
  sgd.backward_and_step(soma::sum(a * 2.0f) + soma::sum(b * 3.0f));
  expect_values(a, {0.8});
  expect_values(b, {5.0});
}

// A gradient held from an earlier backward() is not lost: that parameter takes the sum in
// the usual step. p = [1, 2] holds [0.5, 0.5]; d(sum(p p))/dp = 2p = [2, 4], so p becomes
// [1, 2] - 0.1 [2.5, 4.5] = [0.75, 1.55]. q has none and is updated in the backward pass:
// d(sum(3 q))/dq = 3, q = 1 - 0.3 = 0.7.
TEST(SgdTest, BackwardAndStepKeepsAGradientAlreadyHeld) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor q = parameter({1.0f});
  Sgd sgd({p, q}, {.learning_rate = 0.1f});
  set_gradient(p, {0.5f, 0.5f});
  sgd.backward_and_step(soma::sum(p * p) + soma::sum(q * 3.0f));
  expect_values(p, {0.75, 1.55});
  expect_values(q, {0.7});
  expect_values(p.grad(), {2.5, 4.5});
  EXPECT_FALSE(q.grad().defined());
}

}  // namespace
