// Tests the backpropagation engine: fan-out, accumulation, retained and released graphs,
// NoGradGuard, detach and retain_grad, seeds, error cases, graphs a million nodes deep, and
// backward_and_update (the SGD step fused into the backward pass).
#include "soma/autograd/engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/autograd/grad_mode.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Shape;
using soma::Tensor;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Tensor parameter(std::initializer_list<float> values) {
  Tensor t = soma::tensor(values);
  t.set_requires_grad();
  return t;
}

void expect_values(const Tensor& t, const std::vector<float>& expected, float tolerance = 1e-6f) {
  ASSERT_TRUE(t.defined());
  ASSERT_EQ(t.numel(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(t.data()[i], expected[i], tolerance) << "element " << i;
  }
}

// y = x*x + x uses x three times: dy/dx = 2x + 1 needs every contribution summed.
TEST(EngineTest, FanOutSumsEveryUse) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  soma::sum(x * x + x).backward();
  expect_values(x.grad(), {-1.0f, 2.0f, 5.0f});
}

// a = 2x and b = 3x both feed y = a b = 6x^2: dy/dx = 12x through two paths.
TEST(EngineTest, DiamondGraphSumsBothPaths) {
  Tensor x = parameter({1.5f});
  const Tensor a = x * 2.0f;
  const Tensor b = x * 3.0f;
  soma::sum(a * b).backward();
  expect_values(x.grad(), {18.0f});
}

TEST(EngineTest, GradientsAccumulateOverBackwardCallsUntilZeroGrad) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  soma::sum(x * x + x).backward();
  soma::sum(x * x + x).backward();
  expect_values(x.grad(), {-2.0f, 4.0f, 10.0f});
  const float* buffer = x.grad().data();
  x.zero_grad();
  expect_values(x.grad(), {0.0f, 0.0f, 0.0f});
  EXPECT_EQ(x.grad().data(), buffer);  // the buffer is kept for the next step
  soma::sum(x * x + x).backward();
  expect_values(x.grad(), {-1.0f, 2.0f, 5.0f});
  EXPECT_EQ(x.grad().data(), buffer);
}

// clear_grad drops the gradient; the next backward writes it afresh instead of adding.
TEST(EngineTest, ClearGradMakesTheNextBackwardWriteAFreshGradient) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  soma::sum(x * x + x).backward();
  x.clear_grad();
  EXPECT_FALSE(x.grad().defined());
  soma::sum(x * x + x).backward();
  expect_values(x.grad(), {-1.0f, 2.0f, 5.0f});
}

// A leaf without a gradient may take a backward function's result as its gradient, but
// never a buffer that something else still holds: y = a + b hands the same incoming
// gradient to both inputs, and a seed belongs to the caller.
TEST(EngineTest, FreshLeafGradientsShareNoBuffer) {
  Tensor a = parameter({1.0f, 2.0f});
  Tensor b = parameter({3.0f, 4.0f});
  soma::sum(a + b).backward();
  ASSERT_NE(a.grad().data(), b.grad().data());
  a.grad().data()[0] = 7.0f;
  expect_values(b.grad(), {1.0f, 1.0f});

  Tensor x = parameter({5.0f, 6.0f});
  Tensor seed = soma::tensor({0.5f, 2.0f});
  x.backward(seed);
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
  x.backward();
  EXPECT_EQ(x.grad().item(), 1.0f);
}

TEST(EngineTest, RetainGraphAllowsASecondBackward) {
  Tensor x = parameter({3.0f});
  const Tensor y = soma::sum(x * x);
  y.backward(/*retain_graph=*/true);
  expect_values(x.grad(), {6.0f});
  y.backward();
  expect_values(x.grad(), {12.0f});
}

TEST(EngineTest, SecondBackwardThroughAReleasedGraphThrows) {
  Tensor x = parameter({3.0f});
  const Tensor y = soma::sum(x * x);
  y.backward();
  const std::string message = error_message([&] { y.backward(); });
  EXPECT_TRUE(contains(message, "released")) << message;
  EXPECT_TRUE(contains(message, "retain_graph")) << message;
  expect_values(x.grad(), {6.0f});  // unchanged by the failed call
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
  soma::sum(x * x.detach()).backward();
  expect_values(x.grad(), {2.0f, -3.0f});
}

// h = 2x, l = sum(h^2): dl/dh = 2h = 4x, kept only because of retain_grad.
TEST(EngineTest, RetainGradKeepsAnIntermediateGradient) {
  Tensor x = parameter({1.0f, -0.5f});
  Tensor h = x * 2.0f;
  h.retain_grad();
  const Tensor other = h + 1.0f;
  soma::sum(other * h).backward();
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
  soma::sum(x * c).backward();
  expect_values(x.grad(), {3.0f, 4.0f});
  EXPECT_FALSE(c.grad().defined());
}

TEST(EngineTest, BackwardOnANonScalarWithoutSeedThrowsNamingTheShape) {
  Tensor x = soma::zeros(Shape{2, 3});
  x.set_requires_grad();
  const Tensor y = x * 2.0f;
  const std::string message = error_message([&] { y.backward(); });
  EXPECT_TRUE(contains(message, "backward: the output has shape (2x3)")) << message;
}

// y = x^2 element-wise with seed s: x.grad = 2 x s.
TEST(EngineTest, BackwardWithAnExplicitSeed) {
  Tensor x = parameter({1.0f, 2.0f, 3.0f});
  const Tensor y = x * x;
  y.backward(soma::tensor({1.0f, 0.5f, -2.0f}));
  expect_values(x.grad(), {2.0f, 2.0f, -12.0f});
}

TEST(EngineTest, SeedOfTheWrongShapeThrows) {
  Tensor x = parameter({1.0f, 2.0f, 3.0f});
  const Tensor y = x * x;
  EXPECT_SOMA_ERROR(y.backward(soma::ones(Shape{2})),
                    "backward: the seed gradient has shape (2), the output has shape (3)");
}

TEST(EngineTest, BackwardOnATensorThatDoesNotRequireGradThrows) {
  const Tensor x = soma::tensor({1.0f, 2.0f});
  const Tensor y = soma::sum(x * x);
  const std::string message = error_message([&] { y.backward(); });
  EXPECT_TRUE(contains(message, "does not require gradients")) << message;
}

TEST(EngineTest, GradientsAreNotRecorded) {
  Tensor x = parameter({1.0f, 2.0f});
  soma::sum(x * x).backward();
  EXPECT_FALSE(x.grad().requires_grad());
  EXPECT_EQ(x.grad().grad_fn(), nullptr);
  EXPECT_TRUE(soma::is_grad_enabled());
}

TEST(EngineTest, BroadcastInputsReceiveSummedGradients) {
  Tensor bias = parameter({1.0f, 2.0f, 3.0f});
  const Tensor batch = soma::ones(Shape{4, 3});
  soma::sum(batch * bias).backward();  // each bias entry is used by 4 rows
  expect_values(bias.grad(), {4.0f, 4.0f, 4.0f});
}

TEST(EngineTest, TopologicalOrderPutsInputsBeforeUsers) {
  Tensor x = parameter({2.0f});
  const Tensor square = x * x;
  const Tensor y = square + x;
  const std::vector<Tensor> order = soma::topological_order(y);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_TRUE(order[0].same_as(x));
  EXPECT_TRUE(order[1].same_as(square));
  EXPECT_TRUE(order[2].same_as(y));
  EXPECT_TRUE(soma::topological_order(soma::tensor({1.0f})).empty());
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
      y.backward(),
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
  soma::sum(y).backward();
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
  soma::sum(x * 3.0f).backward();
  expect_values(x.grad(), {3.0f});
}

// backward_and_update with x used three times (x * x + x): the engine applies the summed
// gradient 2x + 1 = [-1, 2, 5] once it is complete: x - 0.1 (2x + 1) = [-0.9, 0.3, 1.5].
TEST(EngineTest, BackwardAndUpdateAddsTheScaledGradientOnceItIsComplete) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  Tensor unreached = parameter({7.0f});
  soma::backward_and_update(soma::sum(x * x + x), std::vector<Tensor>{x, unreached}, -0.1f);
  expect_values(x, {-0.9f, 0.3f, 1.5f});
  EXPECT_FALSE(x.grad().defined());
  expect_values(unreached, {7.0f});
  EXPECT_FALSE(unreached.grad().defined());
}

// loss = sum(linear(x, W, b) * c), so d(loss)/d(out) = c, dW = x^T c, db = column sums of c,
// dx = c W^T. With x = [[1, 2, 0], [0, 1, -1]], W = [[1, 0], [0, 1], [2, -1]], b = [0.5, -0.5]
// and c = [[1, 2], [3, 4]]: dW = [[1, 2], [5, 8], [-3, -4]], db = [4, 6], and with scale -0.5
// W becomes [[0.5, -1], [-2.5, -3], [3.5, 1]] and b [-1.5, -3.5]. The weight and bias are
// linear's alone, so its backward writes the update itself, after dx has read the old W:
// dx = c W^T = [[1, 2, 0], [3, 4, 2]] (the new W would give other values).
TEST(EngineTest, BackwardAndUpdateLetsLinearUpdateItsWeightAfterReadingIt) {
  Tensor x = soma::from_values(Shape{2, 3}, {1, 2, 0, 0, 1, -1});
  x.set_requires_grad();
  Tensor weight = soma::from_values(Shape{3, 2}, {1, 0, 0, 1, 2, -1});
  weight.set_requires_grad();
  Tensor bias = parameter({0.5f, -0.5f});
  const Tensor c = soma::from_values(Shape{2, 2}, {1, 2, 3, 4});
  const Tensor loss = soma::sum(soma::linear(x, weight, bias) * c);
  soma::backward_and_update(loss, std::vector<Tensor>{weight, bias}, -0.5f);
  expect_values(weight, {0.5f, -1.0f, -2.5f, -3.0f, 3.5f, 1.0f});
  expect_values(bias, {-1.5f, -3.5f});
  expect_values(x.grad(), {1.0f, 2.0f, 0.0f, 3.0f, 4.0f, 2.0f});
  EXPECT_FALSE(weight.grad().defined());
  EXPECT_FALSE(bias.grad().defined());
}

// y = a copy of p, whose accumulating backward records the buffer the engine offered for p
// and returns the gradient instead of writing it.
Tensor spy(const Tensor& p, soma::Node::LeafTarget* offered) {
  return soma::record(
      p.detach().clone(), "spy", {p},
      [offered](const Tensor& g, soma::Node::Wanted, soma::Node::LeafGradients targets) {
        *offered = targets[0];
        return std::vector<Tensor>{g.clone()};
      });
}

// What the engine offers a node for a leaf input: the parameter's values under
// backward_and_update when the node is its only use, nothing when it has other uses (the
// engine then updates it at the leaf, with every contribution summed), its existing
// gradient in a plain backward, nothing when it has none.
TEST(EngineTest, EngineOffersAParameterToItsOnlyUserOnly) {
  // A marker the engine never offers, so that each check sees the offer of its own pass.
  float not_offered = 0.0f;
  const soma::Node::LeafTarget unset{&not_offered, 0.0f};
  soma::Node::LeafTarget offered = unset;
  Tensor p = parameter({1.0f, 2.0f});
  soma::backward_and_update(soma::sum(spy(p, &offered)), std::vector<Tensor>{p}, -0.5f);
  EXPECT_EQ(offered.buffer, p.data());
  EXPECT_EQ(offered.scale, -0.5f);
  expect_values(p, {0.5f, 1.5f});  // spy returned the gradient: the engine applied it

  offered = unset;
  soma::backward_and_update(soma::sum(spy(p, &offered) + p), std::vector<Tensor>{p}, -0.5f);
  EXPECT_EQ(offered.buffer, nullptr);
  expect_values(p, {-0.5f, 0.5f});  // gradient 1 + 1

  offered = unset;
  soma::sum(spy(p, &offered)).backward();
  EXPECT_EQ(offered.buffer, nullptr);
  offered = unset;
  soma::sum(spy(p, &offered)).backward();
  EXPECT_EQ(offered.buffer, p.grad().data());
  EXPECT_EQ(offered.scale, 1.0f);
  expect_values(p.grad(), {2.0f, 2.0f});
}

TEST(EngineTest, BackwardAndUpdateRefusesWhatItCannotUpdate) {
  Tensor p = parameter({1.0f, 2.0f});
  soma::sum(p * p).backward();
  EXPECT_SOMA_ERROR(
      soma::backward_and_update(soma::sum(p * 3.0f), std::vector<Tensor>{p}, -0.1f),
      "backward_and_update: parameter 0 of shape (2) already has a gradient (drop it with "
      "clear_grad first: it would be neither applied nor kept)");
  p.clear_grad();
  const Tensor twice = p * 2.0f;
  EXPECT_SOMA_ERROR(
      soma::backward_and_update(soma::sum(twice * p), std::vector<Tensor>{p, twice}, -0.1f),
      "backward_and_update: parameter 1 is not a leaf tensor that requires gradients");
  EXPECT_SOMA_ERROR(soma::backward_and_update(p * 3.0f, std::vector<Tensor>{p}, -0.1f),
                    "backward_and_update: the output has shape (2); it needs a single value "
                    "(reduce with sum or mean)");
  expect_values(p, {1.0f, 2.0f});  // nothing was changed by the refused calls
}

// The root itself as the parameter: d(p)/d(p) = 1, so p = 3 - 0.5 = 2.5.
TEST(EngineTest, BackwardAndUpdateOfTheRootItself) {
  Tensor p = soma::scalar(3.0f);
  p.set_requires_grad();
  soma::backward_and_update(p, std::vector<Tensor>{p}, -0.5f);
  EXPECT_EQ(p.item(), 2.5f);
  EXPECT_FALSE(p.grad().defined());
}

// linear(W, W) uses W twice in one node: it must not be handed its own values as the buffer
// (the GEMM would read what it writes). L = sum(W W) with W = [[1, 2], [3, 4]]:
// dL/dW = 1 W^T + W^T 1 = [[3, 7], [3, 7]] + [[4, 4], [6, 6]] = [[7, 11], [9, 13]],
// so W - 0.1 dL/dW = [[0.3, 0.9], [2.1, 2.7]].
TEST(EngineTest, BackwardAndUpdateOfAWeightMultipliedByItself) {
  Tensor w = soma::from_values(Shape{2, 2}, {1, 2, 3, 4});
  w.set_requires_grad();
  soma::backward_and_update(soma::sum(soma::linear(w, w, Tensor())), std::vector<Tensor>{w}, -0.1f);
  expect_values(w, {0.3f, 0.9f, 2.1f, 2.7f});
}

// One weight in two layers: updated once, after both have read it. With x1 = [[1, 2]],
// x2 = [[3, -1]] and W = [[1], [1]]: dW = x1^T 1 + x2^T 1 = [[4], [1]], W - 0.5 dW =
// [[-1], [0.5]]; dx1 = 1 W^T with the old W = [[1, 1]].
TEST(EngineTest, BackwardAndUpdateOfAWeightSharedByTwoLayers) {
  Tensor x1 = soma::from_values(Shape{1, 2}, {1, 2});
  x1.set_requires_grad();
  const Tensor x2 = soma::from_values(Shape{1, 2}, {3, -1});
  Tensor w = soma::from_values(Shape{2, 1}, {1, 1});
  w.set_requires_grad();
  const Tensor loss =
      soma::sum(soma::linear(x1, w, Tensor())) + soma::sum(soma::linear(x2, w, Tensor()));
  soma::backward_and_update(loss, std::vector<Tensor>{w}, -0.5f);
  expect_values(w, {-1.0f, 0.5f});
  expect_values(x1.grad(), {1.0f, 1.0f});
}

// L = sum(p.detach() * c) + sum(2 p): the first product reads p's buffer through a detached
// copy, which the walk reaches after p itself. p must keep its values until the walk ends:
// dL/dc = p = [1, 2] (the old values), so c = [1, 1] - 0.5 [1, 2] = [0.5, 0]; p = [1, 2] -
// 0.5 [2, 2] = [0, 1].
TEST(EngineTest, BackwardAndUpdateWaitsForReadersOfADetachedCopy) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor c = parameter({1.0f, 1.0f});
  const Tensor loss = soma::sum(p.detach() * c) + soma::sum(p * 2.0f);
  soma::backward_and_update(loss, std::vector<Tensor>{p, c}, -0.5f);
  expect_values(c, {0.5f, 0.0f});
  expect_values(p, {0.0f, 1.0f});
}

// Two parameters on one buffer (q is a detached p, made a parameter): each update waits
// for the end of the walk, then both apply, as two separate steps would: [1, 2] - 0.5 * 2 -
// 0.5 * 3 = [-1.5, -0.5].
TEST(EngineTest, BackwardAndUpdateOfTwoParametersOnOneBuffer) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor q = p.detach();
  q.set_requires_grad();
  const Tensor loss = soma::sum(p * 2.0f) + soma::sum(q * 3.0f);
  soma::backward_and_update(loss, std::vector<Tensor>{p, q}, -0.5f);
  expect_values(p, {-1.5f, -0.5f});
  expect_values(q, {-1.5f, -0.5f});
}

// A graph part of which an earlier backward released is refused before any parameter
// changes (the layer after the released part would otherwise be updated first).
TEST(EngineTest, BackwardAndUpdateThroughAReleasedGraphChangesNothing) {
  Tensor first = parameter({1.0f, 2.0f});
  Tensor second = parameter({3.0f, 4.0f});
  const Tensor hidden = soma::tanh(first * 2.0f);
  soma::sum(hidden).backward();
  first.clear_grad();
  EXPECT_SOMA_ERROR(
      soma::backward_and_update(soma::sum(hidden * second), std::vector<Tensor>{first, second},
                                -0.5f),
      "backward: the graph through 'tanh' was already released by an earlier backward(); pass "
      "retain_graph=true to the first backward() to backpropagate through it again");
  expect_values(second, {3.0f, 4.0f});
  expect_values(first, {1.0f, 2.0f});
}

}  // namespace
