// Tests trace_graph: every tensor a result depends on, inputs before their users, the root
// last, each listed once with its operation and the positions of its inputs.
#include "soma/autograd/graph_trace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"

namespace {

using soma::Tensor;
using soma::TracedNode;

std::vector<std::string> operations(const std::vector<TracedNode>& trace) {
  std::vector<std::string> names;
  for (const TracedNode& node : trace) names.push_back(node.operation);
  return names;
}

// The neuron sigmoid(w x + b): depth-first, w and x come before their product, b before
// the sum, and the sigmoid last.
TEST(GraphTraceTest, NeuronIsListedInputsFirstRootLast) {
  Tensor w = soma::scalar(0.5f);
  w.set_requires_grad();
  const Tensor x = soma::scalar(2.0f);
  Tensor b = soma::scalar(-1.0f);
  b.set_requires_grad();
  const Tensor product = w * x;
  const Tensor weighted_sum = product + b;
  const Tensor root = soma::sigmoid(weighted_sum);

  const std::vector<TracedNode> trace = soma::trace_graph(root);
  ASSERT_EQ(trace.size(), 6u);
  EXPECT_EQ(operations(trace),
            (std::vector<std::string>{"leaf", "leaf", "mul", "leaf", "add", "sigmoid"}));
  EXPECT_TRUE(trace[0].tensor.same_as(w));
  EXPECT_TRUE(trace[1].tensor.same_as(x));
  EXPECT_TRUE(trace[2].tensor.same_as(product));
  EXPECT_TRUE(trace[3].tensor.same_as(b));
  EXPECT_TRUE(trace[4].tensor.same_as(weighted_sum));
  EXPECT_TRUE(trace[5].tensor.same_as(root));
  EXPECT_TRUE(trace[0].input_indices.empty());
  EXPECT_EQ(trace[2].input_indices, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(trace[4].input_indices, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(trace[5].input_indices, (std::vector<size_t>{4}));
}

TEST(GraphTraceTest, EveryInputComesBeforeItsUser) {
  Tensor w = soma::scalar(0.5f);
  w.set_requires_grad();
  const Tensor x = soma::scalar(2.0f);
  const Tensor root = soma::sigmoid(soma::exp(w * x) + w / x);
  const std::vector<TracedNode> trace = soma::trace_graph(root);
  EXPECT_TRUE(trace.back().tensor.same_as(root));
  for (size_t i = 0; i < trace.size(); ++i) {
    for (size_t input : trace[i].input_indices) EXPECT_LT(input, i) << "node " << i;
  }
}

// y = x*x + x uses x three times; it is listed once and referred to by index.
TEST(GraphTraceTest, ValueUsedTwiceAppearsOnce) {
  Tensor x = soma::scalar(3.0f);
  x.set_requires_grad();
  const Tensor y = x * x + x;
  const std::vector<TracedNode> trace = soma::trace_graph(y);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(operations(trace), (std::vector<std::string>{"leaf", "mul", "add"}));
  EXPECT_EQ(trace[1].input_indices, (std::vector<size_t>{0, 0}));
  EXPECT_EQ(trace[2].input_indices, (std::vector<size_t>{1, 0}));
}

TEST(GraphTraceTest, OperationDetailIsAppended) {
  Tensor x = soma::scalar(3.0f);
  x.set_requires_grad();
  const std::vector<TracedNode> trace = soma::trace_graph(soma::pow(x, 2.0f));
  EXPECT_EQ(operations(trace), (std::vector<std::string>{"leaf", "pow ^2"}));
  EXPECT_EQ(operations(soma::trace_graph(soma::pow(x, 0.5f))),
            (std::vector<std::string>{"leaf", "pow ^0.5"}));
}

TEST(GraphTraceTest, LeafAloneIsOneNode) {
  const Tensor x = soma::scalar(1.0f);
  const std::vector<TracedNode> trace = soma::trace_graph(x);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].operation, "leaf");
  EXPECT_TRUE(trace[0].tensor.same_as(x));
}

}  // namespace
