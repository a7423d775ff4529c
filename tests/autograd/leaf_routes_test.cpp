// Tests of where the backpropagation engine sends a leaf's gradient: the buffer it offers
// the nodes that read the leaf, and leaf routes (a gradient added, scaled, into a buffer of
// the caller's: by the leaf's nodes, at the leaf, or after the whole walk).
#include <gtest/gtest.h>

#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/node.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"
#include "support/offer_spy.hpp"
#include "support/tensor_values.hpp"

namespace {

using soma::testing::expect_values;
using soma::testing::offer_spy;
using soma::testing::parameter;
using When = soma::LeafRoute::When;

using soma::Shape;
using soma::Tensor;

// What the engine offers a node for a leaf input in a plain backward: the leaf's existing
// gradient (scale 1), nothing when it has none.
TEST(EngineTest, EngineOffersALeafItsExistingGradientOnly) {
  soma::Node::LeafTarget offered;
  Tensor p = parameter({1.0f, 2.0f});
  soma::backward(soma::sum(offer_spy(p, &offered)));
  EXPECT_EQ(offered.buffer, nullptr);
  soma::backward(soma::sum(offer_spy(p, &offered)));
  EXPECT_EQ(offered.buffer, p.grad().data());
  EXPECT_EQ(offered.scale, 1.0f);
  expect_values(p.grad(), {2.0f, 2.0f});
}

// The routes of the leaves at `leaves`, all alike, one route per tensor of `order`.
std::vector<soma::LeafRoute> routes_for(const soma::TopologicalOrder& order,
                                        const std::vector<Tensor>& leaves,
                                        const soma::LeafRoute& route) {
  std::vector<soma::LeafRoute> routes(order.tensors.size());
  for (const Tensor& leaf : leaves) {
    routes[static_cast<size_t>(order.position.find(leaf.impl()))] = route;
  }
  return routes;
}

// y = sum(x x + x + c x): x's gradient 2x + 1 + c = [0, 3, 7] is complete only at the leaf;
// routed there with scale -2 into a buffer of 10s it leaves [10, 4, -4] and no grad(), while
// c, without a route, gets its gradient x = [-1, 0.5, 2] as usual.
TEST(EngineTest, LeafRouteAddsTheScaledTotalIntoItsBuffer) {
  Tensor x = parameter({-1.0f, 0.5f, 2.0f});
  Tensor c = parameter({1.0f, 1.0f, 2.0f});
  const Tensor y = soma::sum(x * x + x + c * x);
  std::vector<float> buffer(3, 10.0f);
  const soma::TopologicalOrder order = soma::topological_order(y);
  const auto routes = routes_for(order, {x}, {buffer.data(), -2.0f, When::at_leaf});
  soma::backpropagate(order, soma::scalar(1.0f), false, routes);
  EXPECT_EQ(buffer, (std::vector<float>{10.0f, 4.0f, -4.0f}));
  EXPECT_FALSE(x.grad().defined());
  expect_values(c.grad(), {-1.0f, 0.5f, 2.0f});
}

// by_its_nodes: each node that reads the leaf is offered the route's buffer and scale (here
// two spies, which return their share instead, so the engine adds 1 + 1 at the leaf);
// at_leaf: no node is offered it.
TEST(EngineTest, LeafRouteOffersItsBufferToTheLeafsNodesOnlyWhenItSaysSo) {
  Tensor p = parameter({1.0f, 2.0f});
  std::vector<float> buffer(2, 0.0f);
  soma::Node::LeafTarget first;
  soma::Node::LeafTarget second;
  for (const When when : {When::by_its_nodes, When::at_leaf}) {
    first = second = {};
    const Tensor y = soma::sum(offer_spy(p, &first) + offer_spy(p, &second));
    const soma::TopologicalOrder order = soma::topological_order(y);
    soma::backpropagate(order, soma::scalar(1.0f), false,
                        routes_for(order, {p}, {buffer.data(), 0.5f, when}));
    const bool offered = when == When::by_its_nodes;
    EXPECT_EQ(first.buffer, offered ? buffer.data() : nullptr);
    EXPECT_EQ(second.buffer, offered ? buffer.data() : nullptr);
    EXPECT_EQ(first.scale, offered ? 0.5f : 1.0f);
  }
  EXPECT_EQ(buffer, (std::vector<float>{2.0f, 2.0f}));  // 0.5 x 2 per pass
  EXPECT_FALSE(p.grad().defined());
}

// L = sum(p.detach() * c) + sum(2 p), with p's gradient routed into p's own values: the
// product reads p's buffer through the detached copy, after the walk has reached p, so
// after_walk must keep the old values for it: dL/dc = p = [1, 2], and then p = [1, 2] -
// 0.5 [2, 2] = [0, 1].
TEST(EngineTest, LeafRouteAfterTheWalkWaitsForEveryBackwardFunction) {
  Tensor p = parameter({1.0f, 2.0f});
  Tensor c = parameter({1.0f, 1.0f});
  const Tensor loss = soma::sum(p.detach() * c) + soma::sum(p * 2.0f);
  const soma::TopologicalOrder order = soma::topological_order(loss);
  soma::backpropagate(order, soma::scalar(1.0f), false,
                      routes_for(order, {p}, {p.data(), -0.5f, When::after_walk}));
  expect_values(c.grad(), {1.0f, 2.0f});
  expect_values(p, {0.0f, 1.0f});
}

TEST(EngineTest, BackpropagateRefusesRoutesThatDoNotMatchTheOrder) {
  Tensor x = parameter({1.0f});
  const soma::TopologicalOrder order = soma::topological_order(x * 2.0f);
  const std::vector<soma::LeafRoute> routes(3);
  EXPECT_SOMA_ERROR(soma::backpropagate(order, soma::ones(Shape{1}), false, routes),
                    "backpropagate: 3 routes for an order of 2 tensors (make it with "
                    "topological_order)");
  const soma::TopologicalOrder empty;
  EXPECT_SOMA_ERROR(soma::backpropagate(empty, soma::ones(Shape{1}), false),
                    "backpropagate: 0 routes for an order of 0 tensors (make it with "
                    "topological_order)");
}

}  // namespace
