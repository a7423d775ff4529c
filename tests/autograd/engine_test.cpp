// Tests the backpropagation engine: fan-out, accumulation, retained and released graphs,
// NoGradGuard, detach and retain_grad, seeds, error cases, graphs a million nodes deep and
// the topological order. leaf_routes_test.cpp has what the engine offers to nodes and
// where leaf routes send gradients.
#include "soma/autograd/engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/autograd/grad_mode.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"
#include "support/tensor_values.hpp"

namespace {

using soma::testing::error_message;
using soma::testing::expect_values;
using soma::testing::parameter;

using soma::Shape;
using soma::Tensor;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// y = x*x + x uses x three times: dy/dx = 2x + 1 needs every contribution summed.
TEST(EngineTest, FanOutSumsEveryUse) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  soma::backward(soma::sum(x * x + x));
  expect_values(x.grad(), {-1.0f, 2.0f, 5.0f});
}

// The contributions of a tensor used twice are summed in float exactly as a + b: x a + x b
// gives x the gradient a + b, bit for bit.
TEST(EngineTest, FanOutSumIsTheFloatSumBitForBit) {
  const std::vector<float> a = {0.1f, 1e-8f, -3.0f, 16777216.0f};
  const std::vector<float> b = {0.2f, 1.0f, 3.0f, 1.0f};
  Tensor x = soma::zeros(Shape{4});
  x.set_requires_grad();
  soma::backward(soma::sum(x * soma::tensor(a) + x * soma::tensor(b)));
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(x.grad().data()[i], a[i] + b[i]) << i;
}

// A backward function may return a tensor that something else holds (here one the test
// keeps): the engine sums x's two contributions into a copy, never into that tensor.
TEST(EngineTest, FanOutSumLeavesAGradientOthersHoldUnchanged) {
  Tensor x = parameter({1.0f, 2.0f});
  const Tensor held = soma::tensor({5.0f, 6.0f});
  const Tensor out =
      soma::record(x.detach().clone(), "held_gradient", {x},
                   [held](const Tensor&, soma::Node::Wanted) { return std::vector<Tensor>{held}; });
  soma::backward(soma::sum(x * 3.0f + out));  // the walk reaches `out` first
  expect_values(x.grad(), {8.0f, 9.0f});
  expect_values(held, {5.0f, 6.0f});
}

// a = 2x and b = 3x both feed y = a b = 6x^2: dy/dx = 12x through two paths.
TEST(EngineTest, DiamondGraphSumsBothPaths) {
  Tensor x = parameter({1.5f});
  const Tensor a = x * 2.0f;
  const Tensor b = x * 3.0f;
  soma::backward(soma::sum(a * b));
  expect_values(x.grad(), {18.0f});
}

TEST(EngineTest, GradientsAccumulateOverBackwardCallsUntilZeroGrad) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  soma::backward(soma::sum(x * x + x));
  soma::backward(soma::sum(x * x + x));
  expect_values(x.grad(), {-2.0f, 4.0f, 10.0f});
  const float* buffer = x.grad().data();
  x.zero_grad();
  expect_values(x.grad(), {0.0f, 0.0f, 0.0f});
  EXPECT_EQ(x.grad().data(), buffer);  // the buffer is kept for the next step
  soma::backward(soma::sum(x * x + x));
  expect_values(x.grad(), {-1.0f, 2.0f, 5.0f});
  EXPECT_EQ(x.grad().data(), buffer);
}

// clear_grad drops the gradient; the next backward writes it afresh instead of adding.
TEST(EngineTest, ClearGradMakesTheNextBackwardWriteAFreshGradient) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  soma::backward(soma::sum(x * x + x));
  x.clear_grad();
  EXPECT_FALSE(x.grad().defined());
  soma::backward(soma::sum(x * x + x));
  expect_values(x.grad(), {-1.0f, 2.0f, 5.0f});
}

// A leaf without a gradient may take a backward function's result as its gradient, but
// never a buffer that something else still holds: y = a + b hands the same incoming
// gradient to both inputs, and a seed belongs to the caller.
TEST(EngineTest, FreshLeafGradientsShareNoBuffer) {
  Tensor a = parameter({1.0f, 2.0f});
  Tensor b = parameter({3.0f, 4.0f});
  soma::backward(soma::sum(a + b));
  ASSERT_NE(a.grad().data(), b.grad().data());
  a.grad().data()[0] = 7.0f;
  expect_values(b.grad(), {1.0f, 1.0f});

  Tensor x = parameter({5.0f, 6.0f});
  Tensor seed = soma::tensor({0.5f, 2.0f});
  soma::backward(x, seed);
  EXPECT_NE(x.grad().data(), seed.data());
  seed.data()[0] = 9.0f;
  expect_values(x.grad(), {0.5f, 2.0f});
}

TEST(EngineTest, ZeroGradBeforeAnyBackwardIsANoOp) {
  Tensor x = parameter({1.0f});
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(EngineTest, BackwardFromALeafGivesOne) {
  Tensor x = soma::scalar(4.0f);
  x.set_requires_grad();
  soma::backward(x);
  EXPECT_EQ(x.grad().item(), 1.0f);
}

TEST(EngineTest, RetainGraphAllowsASecondBackward) {
  Tensor x = parameter({3.0f});
  const Tensor y = soma::sum(x * x);
  soma::backward(y, /*retain_graph=*/true);
  expect_values(x.grad(), {6.0f});
  soma::backward(y);
  expect_values(x.grad(), {12.0f});
}

TEST(EngineTest, SecondBackwardThroughAReleasedGraphThrows) {
  Tensor x = parameter({3.0f});
  const Tensor y = soma::sum(x * x);
  soma::backward(y);
  const std::string message = error_message([&] { soma::backward(y); });
  EXPECT_TRUE(contains(message, "released")) << message;
  EXPECT_TRUE(contains(message, "retain_graph")) << message;
  expect_values(x.grad(), {6.0f});  // unchanged by the failed call
}

// Only the first part of the graph was released: the walk would reach `second` before
// `first`'s released tanh node, so the graph is checked before any gradient is written.
TEST(EngineTest, BackwardThroughAPartlyReleasedGraphWritesNoGradient) {
  Tensor first = parameter({1.0f, 2.0f});
  Tensor second = parameter({3.0f, 4.0f});
  const Tensor hidden = soma::tanh(first * 2.0f);
  soma::backward(soma::sum(hidden));
  EXPECT_SOMA_ERROR(
      soma::backward(soma::sum(hidden * second)),
      "backward: the graph through 'tanh' was already released by an earlier backward(); pass "
      "retain_graph=true to the first backward() to backpropagate through it again");
  EXPECT_FALSE(second.grad().defined());
}

TEST(EngineTest, NoGradGuardStopsRecordingAndRestoresTheMode) {
  Tensor x = parameter({1.0f, 2.0f});
  EXPECT_TRUE(soma::is_grad_enabled());
  {
    soma::NoGradGuard outer;
    EXPECT_FALSE(soma::is_grad_enabled());
    const Tensor y = x * x;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    expect_values(y, {1.0f, 4.0f});
    {
      soma::NoGradGuard inner;
      EXPECT_FALSE(soma::is_grad_enabled());
    }
    EXPECT_FALSE(soma::is_grad_enabled());  // the inner guard restores "off", not "on"
  }
  EXPECT_TRUE(soma::is_grad_enabled());
  const Tensor z = x * x;
  EXPECT_TRUE(z.requires_grad());
  EXPECT_NE(z.grad_fn(), nullptr);
}

// y = x * detach(x): the detached factor is a constant, so dy/dx = x, not 2x.
TEST(EngineTest, DetachStopsGradientFlow) {
  Tensor x = parameter({2.0f, -3.0f});
  soma::backward(soma::sum(x * x.detach()));
  expect_values(x.grad(), {2.0f, -3.0f});
}

// h = 2x, l = sum(h^2): dl/dh = 2h = 4x, kept only because of retain_grad.
TEST(EngineTest, RetainGradKeepsAnIntermediateGradient) {
  Tensor x = parameter({1.0f, -0.5f});
  Tensor h = x * 2.0f;
  h.retain_grad();
  const Tensor other = h + 1.0f;
  soma::backward(soma::sum(other * h));
  // l = sum((h + 1) h): dl/dh = 2h + 1, dl/dx = 2 (2h + 1).
  expect_values(h.grad(), {5.0f, -1.0f});
  expect_values(x.grad(), {10.0f, -2.0f});
  EXPECT_FALSE(other.grad().defined());  // intermediates drop theirs by default
}

TEST(EngineTest, RetainGradOnATensorWithoutGradientsThrows) {
  Tensor constant = soma::tensor({1.0f});
  EXPECT_SOMA_ERROR(constant.retain_grad(), "retain_grad: the tensor does not require gradients");
}

TEST(EngineTest, TensorsNotRequiringGradGetNoGradient) {
  Tensor x = parameter({1.0f, 2.0f});
  const Tensor c = soma::tensor({3.0f, 4.0f});
  soma::backward(soma::sum(x * c));
  expect_values(x.grad(), {3.0f, 4.0f});
  EXPECT_FALSE(c.grad().defined());
}

TEST(EngineTest, BackwardOnANonScalarWithoutSeedThrowsNamingTheShape) {
  Tensor x = soma::zeros(Shape{2, 3});
  x.set_requires_grad();
  const Tensor y = x * 2.0f;
  const std::string message = error_message([&] { soma::backward(y); });
  EXPECT_TRUE(contains(message, "backward: the output has shape (2x3)")) << message;
}

// y = x^2 element-wise with seed s: x.grad = 2 x s.
TEST(EngineTest, BackwardWithAnExplicitSeed) {
  Tensor x = parameter({1.0f, 2.0f, 3.0f});
  const Tensor y = x * x;
  soma::backward(y, soma::tensor({1.0f, 0.5f, -2.0f}));
  expect_values(x.grad(), {2.0f, 2.0f, -12.0f});
}

TEST(EngineTest, SeedOfTheWrongShapeThrows) {
  Tensor x = parameter({1.0f, 2.0f, 3.0f});
  const Tensor y = x * x;
  EXPECT_SOMA_ERROR(soma::backward(y, soma::ones(Shape{2})),
                    "backward: the seed gradient has shape (2), the output has shape (3)");
}

TEST(EngineTest, BackwardOnATensorThatDoesNotRequireGradThrows) {
  const Tensor x = soma::tensor({1.0f, 2.0f});
  const Tensor y = soma::sum(x * x);
  const std::string message = error_message([&] { soma::backward(y); });
  EXPECT_TRUE(contains(message, "does not require gradients")) << message;
}

TEST(EngineTest, GradientsAreNotRecorded) {
  Tensor x = parameter({1.0f, 2.0f});
  soma::backward(soma::sum(x * x));
  EXPECT_FALSE(x.grad().requires_grad());
  EXPECT_EQ(x.grad().grad_fn(), nullptr);
  EXPECT_TRUE(soma::is_grad_enabled());
}

TEST(EngineTest, BroadcastInputsReceiveSummedGradients) {
  Tensor bias = parameter({1.0f, 2.0f, 3.0f});
  const Tensor batch = soma::ones(Shape{4, 3});
  soma::backward(soma::sum(batch * bias));  // each bias entry is used by 4 rows
  expect_values(bias.grad(), {4.0f, 4.0f, 4.0f});
}

TEST(EngineTest, TopologicalOrderPutsInputsBeforeUsers) {
  Tensor x = parameter({2.0f});
  const Tensor square = x * x;
  const Tensor y = square + x;
  const soma::TopologicalOrder order = soma::topological_order(y);
  ASSERT_EQ(order.tensors.size(), 3u);
  EXPECT_TRUE(order.tensors[0].same_as(x));
  EXPECT_TRUE(order.tensors[1].same_as(square));
  EXPECT_TRUE(order.tensors[2].same_as(y));
  EXPECT_EQ(order.position.find(x.impl()), 0);
  EXPECT_EQ(order.position.find(square.impl()), 1);
  EXPECT_EQ(order.position.find(y.impl()), 2);
  EXPECT_EQ(order.position.find(soma::tensor({1.0f}).impl()), soma::PointerIndex::absent);
  EXPECT_SOMA_ERROR(soma::topological_order(soma::tensor({1.0f})),
                    "backward: the tensor does not require gradients (no input was marked with "
                    "set_requires_grad, or it was computed under NoGradGuard)");
}

// An op whose backward returns a gradient of the wrong shape is reported by name.
TEST(EngineTest, GradientOfTheWrongShapeFromAnOpIsReported) {
  Tensor x = parameter({1.0f, 2.0f});
  Tensor out = x.detach().clone();
  out = soma::record(out, "broken_op", {x}, [](const Tensor&, soma::Node::Wanted) {
    return std::vector<Tensor>{soma::ones(Shape{3})};
  });
  const Tensor y = soma::sum(out);
  EXPECT_SOMA_ERROR(
      soma::backward(y),
      "backward: 'broken_op' returned a gradient of shape (3) for an input of shape (2)");
}

// A chain of 1,000,000 additions: backward walks it iteratively and the released graph is
// freed without recursion. d(x + 0 + ... + 0)/dx = 1.
TEST(EngineTest, MillionNodeChainBackpropagates) {
  Tensor x = parameter({2.0f});
  const Tensor zero = soma::scalar(0.0f);
  Tensor y = x;
  for (int i = 0; i < 1000000; ++i) y = y + zero;
  EXPECT_EQ(y.at({0}), 2.0f);
  soma::backward(soma::sum(y));
  expect_values(x.grad(), {1.0f});
}

// The same depth destroyed without backward: Node's destructor must not recurse.
TEST(EngineTest, MillionNodeChainIsDestroyedWithoutBackward) {
  Tensor x = parameter({2.0f});
  const Tensor zero = soma::scalar(0.0f);
  {
    Tensor y = x;
    for (int i = 0; i < 1000000; ++i) y = y + zero;
    EXPECT_TRUE(y.requires_grad());
  }
  EXPECT_FALSE(x.grad().defined());
  // x is still a usable leaf afterwards.
  soma::backward(soma::sum(x * 3.0f));
  expect_values(x.grad(), {3.0f});
}

}  // namespace
