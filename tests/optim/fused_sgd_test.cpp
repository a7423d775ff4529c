// Tests backward_and_update, plain SGD's step fused into the backward pass: the summed
// gradient applied once, linear's weight updated by its own GEMM after being read, which
// parameter its node may update, shared and detached buffers, and refused calls.
#include "soma/optim/fused_sgd.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "optim/optimizer_test_support.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"
#include "support/offer_spy.hpp"

namespace {

using soma::backward_and_update;
using soma::Shape;
using soma::Tensor;
using soma::testing::expect_values;
using soma::testing::offer_spy;
using soma::testing::parameter;

// backward_and_update with x used three times (x * x + x): the engine applies the summed
// gradient 2x + 1 = [-1, 2, 5] once it is complete: x - 0.1 (2x + 1) = [-0.9, 0.3, 1.5].
TEST(FusedSgdTest, AddsTheScaledGradientOnceItIsComplete) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  Tensor unreached = parameter({7.0f});
  backward_and_update(soma::sum(x * x + x), std::vector<Tensor>{x, unreached}, -0.1f);
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
TEST(FusedSgdTest, LetsLinearUpdateItsWeightAfterReadingIt) {
  Tensor x = soma::from_values(Shape{2, 3}, {1, 2, 0, 0, 1, -1});
  x.set_requires_grad();
  Tensor weight = soma::from_values(Shape{3, 2}, {1, 0, 0, 1, 2, -1});
  weight.set_requires_grad();
  Tensor bias = parameter({0.5f, -0.5f});
  const Tensor c = soma::from_values(Shape{2, 2}, {1, 2, 3, 4});
  const Tensor loss = soma::sum(soma::linear(x, weight, bias) * c);
  backward_and_update(loss, std::vector<Tensor>{weight, bias}, -0.5f);
  expect_values(weight, {0.5f, -1.0f, -2.5f, -3.0f, 3.5f, 1.0f});
  expect_values(bias, {-1.5f, -3.5f});
  expect_values(x.grad(), {1.0f, 2.0f, 0.0f, 3.0f, 4.0f, 2.0f});
  EXPECT_FALSE(weight.grad().defined());
  EXPECT_FALSE(bias.grad().defined());
}

// What the planner lets the engine offer a node for a parameter: its values, with the
// scale, when the node is its only use; nothing when it has other uses (the engine then
// updates it at the leaf, with every contribution summed).
TEST(FusedSgdTest, OffersAParameterToItsOnlyUserOnly) {
  // A marker the engine never offers, so that each check sees the offer of its own pass.
  float not_offered = 0.0f;
  const soma::Node::LeafTarget unset{&not_offered, 0.0f};
  soma::Node::LeafTarget offered = unset;
  Tensor p = parameter({1.0f, 2.0f});
  backward_and_update(soma::sum(offer_spy(p, &offered)), std::vector<Tensor>{p}, -0.5f);
  EXPECT_EQ(offered.buffer, p.data());
  EXPECT_EQ(offered.scale, -0.5f);
  expect_values(p, {0.5f, 1.5f});  // spy returned the gradient: the engine applied it

  offered = unset;
  backward_and_update(soma::sum(offer_spy(p, &offered) + p), std::vector<Tensor>{p}, -0.5f);
  EXPECT_EQ(offered.buffer, nullptr);
  expect_values(p, {-0.5f, 0.5f});  // gradient 1 + 1
}
TEST(FusedSgdTest, RefusesWhatItCannotUpdate) {
  Tensor p = parameter({1.0f, 2.0f});
  soma::backward(soma::sum(p * p));
  EXPECT_SOMA_ERROR(
      backward_and_update(soma::sum(p * 3.0f), std::vector<Tensor>{p}, -0.1f),
      "backward_and_update: parameter 0 of shape (2) already has a gradient (drop it with "
      "clear_grad first: it would be neither applied nor kept)");
  p.clear_grad();
  const Tensor twice = p * 2.0f;
  EXPECT_SOMA_ERROR(
      backward_and_update(soma::sum(twice * p), std::vector<Tensor>{p, twice}, -0.1f),
      "backward_and_update: parameter 1 is not a leaf tensor that requires gradients");
  EXPECT_SOMA_ERROR(backward_and_update(p * 3.0f, std::vector<Tensor>{p}, -0.1f),
                    "backward_and_update: the output has shape (2); it needs a single value "
                    "(reduce with sum or mean)");
  expect_values(p, {1.0f, 2.0f});  // nothing was changed by the refused calls
}

// The root itself as the parameter: d(p)/d(p) = 1, so p = 3 - 0.5 = 2.5.
TEST(FusedSgdTest, UpdatesTheRootItself) {
  Tensor p = soma::scalar(3.0f);
  p.set_requires_grad();
  backward_and_update(p, std::vector<Tensor>{p}, -0.5f);
  EXPECT_EQ(p.item(), 2.5f);
  EXPECT_FALSE(p.grad().defined());
}

// linear(W, W) uses W twice in one node: it must not be handed its own values as the buffer
// (the GEMM would read what it writes). L = sum(W W) with W = [[1, 2], [3, 4]]:
// dL/dW = 1 W^T + W^T 1 = [[3, 7], [3, 7]] + [[4, 4], [6, 6]] = [[7, 11], [9, 13]],
// so W - 0.1 dL/dW = [[0.3, 0.9], [2.1, 2.7]].
TEST(FusedSgdTest, UpdatesAWeightMultipliedByItself) {
  Tensor w = soma::from_values(Shape{2, 2}, {1, 2, 3, 4});
  w.set_requires_grad();
  backward_and_update(soma::sum(soma::linear(w, w, Tensor())), std::vector<Tensor>{w}, -0.1f);
  expect_values(w, {0.3f, 0.9f, 2.1f, 2.7f});
}

// One weight in two layers: updated once, after both have read it. With x1 = [[1, 2]],
// x2 = [[3, -1]] and W = [[1], [1]]: dW = x1^T 1 + x2^T 1 = [[4], [1]], W - 0.5 dW =
// [[-1], [0.5]]; dx1 = 1 W^T with the old W = [[1, 1]].
TEST(FusedSgdTest, UpdatesAWeightSharedByTwoLayersOnce) {
  Tensor x1 = soma::from_values(Shape{1, 2}, {1, 2});
  x1.set_requires_grad();
  const Tensor x2 = soma::from_values(Shape{1, 2}, {3, -1});
  Tensor w = soma::from_values(Shape{2, 1}, {1, 1});
  w.set_requires_grad();
  const Tensor loss =
      soma::sum(soma::linear(x1, w, Tensor())) + soma::sum(soma::linear(x2, w, Tensor()));
  backward_and_update(loss, std::vector<Tensor>{w}, -0.5f);
  expect_values(w, {-1.0f, 0.5f});
  expect_values(x1.grad(), {1.0f, 1.0f});
}

// L = sum(p.detach() * c) + sum(2 p): the first product reads p's buffer through a detached
// copy, which the walk reaches after p itself. p must keep its values until the walk ends:
// dL/dc = p = [1, 2] (the old values), so c = [1, 1] - 0.5 [1, 2] = [0.5, 0]; p = [1, 2] -
// 0.5 [2, 2] = [0, 1].
TEST(FusedSgdTest, WaitsForReadersOfADetachedCopy) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor c = parameter({1.0f, 1.0f});
  const Tensor loss = soma::sum(p.detach() * c) + soma::sum(p * 2.0f);
  backward_and_update(loss, std::vector<Tensor>{p, c}, -0.5f);
  expect_values(c, {0.5f, 0.0f});
  expect_values(p, {0.0f, 1.0f});
}

// Two parameters on one buffer (q is a detached p, made a parameter): each update waits
// for the end of the walk, then both apply, as two separate steps would: [1, 2] - 0.5 * 2 -
// 0.5 * 3 = [-1.5, -0.5].
TEST(FusedSgdTest, UpdatesTwoParametersOnOneBufferAfterTheWalk) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor q = p.detach();
  q.set_requires_grad();
  const Tensor loss = soma::sum(p * 2.0f) + soma::sum(q * 3.0f);
  backward_and_update(loss, std::vector<Tensor>{p, q}, -0.5f);
  expect_values(p, {-1.5f, -0.5f});
  expect_values(q, {-1.5f, -0.5f});
}

// A graph part of which an earlier backward released is refused before any parameter
// changes (the layer after the released part would otherwise be updated first).
TEST(FusedSgdTest, RefusesAReleasedGraphBeforeAnyChange) {
  Tensor first = parameter({1.0f, 2.0f});
  Tensor second = parameter({3.0f, 4.0f});
  const Tensor hidden = soma::tanh(first * 2.0f);
  soma::backward(soma::sum(hidden));
  first.clear_grad();
  EXPECT_SOMA_ERROR(
      backward_and_update(soma::sum(hidden * second), std::vector<Tensor>{first, second}, -0.5f),
      "backward: the graph through 'tanh' was already released by an earlier backward(); pass "
      "retain_graph=true to the first backward() to backpropagate through it again");
  expect_values(second, {3.0f, 4.0f});
  expect_values(first, {1.0f, 2.0f});
}

}  // namespace
