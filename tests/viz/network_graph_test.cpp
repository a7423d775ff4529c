// Tests network_to_dot: a network without dropout drawn in order, inputs by name with the head
// and loss after the outputs,
// dropout at each of the three levels (dashed neurons with a note; a "dropout p=0.25
// (training only)" operation between arrays; a mask product per scalar), its share of the
// operator level's node count, and the layer orders a stage cannot take.
#include "soma/viz/network_graph.hpp"

#include <gtest/gtest.h>

#include <string>

#include "soma/nn/dropout.hpp"
#include "soma/nn/network_spec.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;
using soma::viz::GraphLevel;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::shared_ptr<soma::nn::Sequential> network_with_dropout() {
  soma::Generator generator(0);
  return soma::nn::build_network({.layer_sizes = {2, 2, 1},
                                  .weight_init = soma::nn::Initializer::constant(0.5f),
                                  .dropout = 0.25f},
                                 generator);
}

// Neurons grow with their labels (no fixed size that a label could overflow), and each
// column is held in order by invisible edges within one rank.
TEST(NetworkGraphTest, ANetworkWithoutDropoutIsDrawnInOrder) {
  soma::Generator generator(0);
  const auto network = soma::nn::build_network(
      {.layer_sizes = {2, 1}, .output_activation = soma::nn::ActivationKind::sigmoid}, generator);
  EXPECT_EQ(soma::viz::network_to_dot(*network, GraphLevel::neuron),
            "digraph network {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n"
            "  edge [fontname=\"Helvetica\", fontsize=9];\n"
            "  node [shape=circle, width=0.9];\n"
            "  n0_0 [label=\"x1\", shape=box];\n  n0_1 [label=\"x2\", shape=box];\n"
            "  { rank=same; n0_0 -> n0_1 [style=invis]; }\n"
            "  n1_0 [label=\"y1\\nSigmoid\\nb=0\"];\n"
            "  n0_0 -> n1_0 [color=\"#0877bd\", penwidth=1.36, label=\"0.286\"];\n"
            "  n0_1 -> n1_0 [color=\"#0877bd\", penwidth=2.60, label=\"0.701\"];\n}\n");
}

TEST(NetworkGraphTest, DropoutAtTheNeuronLevelIsANoteOnDashedNeurons) {
  const std::string dot = soma::viz::network_to_dot(*network_with_dropout(), GraphLevel::neuron);
  EXPECT_TRUE(contains(dot,
                       "  n1_0 [label=\"h1,1\\nReLU\\nb=0\\ndropout p=0.25\", "
                       "style=\"dashed\"];\n"))
      << dot;
  // An identity output is the raw output: no "Identity" on it.
  EXPECT_TRUE(contains(dot, "  n2_0 [label=\"y1\\nb=0\"];\n")) << dot;
}

TEST(NetworkGraphTest, DropoutAtTheLayerLevelIsAnOperationBetweenArrays) {
  const std::string dot = soma::viz::network_to_dot(*network_with_dropout(), GraphLevel::layer);
  EXPECT_TRUE(contains(dot,
                       "  A1 [shape=box, style=filled, fillcolor=\"#eef3f8\", "
                       "label=\"A1\\n(n x 2)\"];\n"
                       "  dropout1 [shape=ellipse, label=\"dropout p=0.25\\n(training "
                       "only)\"];\n  g1 -> A1;\n  A1 -> dropout1;\n"))
      << dot;
  EXPECT_TRUE(contains(dot, "  dropout1 -> X1;\n")) << dot;
  EXPECT_FALSE(contains(dot, "dropout2")) << dot;
}

TEST(NetworkGraphTest, DropoutAtTheOperatorLevelIsAMaskProductPerValue) {
  const auto network = network_with_dropout();
  const std::string dot = soma::viz::network_to_dot(*network, GraphLevel::operator_);
  EXPECT_TRUE(contains(dot,
                       "  m1_2 [shape=plaintext, label=\"m = 0 or 1/(1-p)\\np=0.25, "
                       "training only\"];\n  d1_2 [shape=circle, label=\"*\"];\n"
                       "  g1_2 -> d1_2;\n  m1_2 -> d1_2;\n"))
      << dot;
  EXPECT_TRUE(contains(dot, "  d1_2 -> mul2_1_2;\n")) << dot;
  // 2 inputs, 2 hidden neurons of 2 x 2 + 3 nodes and 2 for the mask, 1 output of 2 x 2 + 3.
  EXPECT_EQ(error_message([&] {
              soma::viz::network_to_dot(*network, GraphLevel::operator_,
                                        {.max_operator_nodes = 26});
            }),
            "--level operator draws every scalar operation: this network has 27 of them, more "
            "than 26 (use --level neuron or layer, or a smaller network)");
}

TEST(NetworkGraphTest, StagesTakeDenseThenActivationThenDropout) {
  EXPECT_EQ(error_message([] {
              soma::viz::network_to_dot(
                  *soma::nn::build_from_architecture("dense 2 2\ndropout 0.5\nactivation relu"),
                  GraphLevel::layer);
            }),
            "network_to_dot: an activation must follow a dense layer");
  EXPECT_EQ(error_message([] {
              soma::viz::network_to_dot(
                  *soma::nn::build_from_architecture("dropout 0.5\ndense 2 2"), GraphLevel::layer);
            }),
            "network_to_dot: a dropout must follow a dense layer or its activation");
  // Dropout straight after a dense layer is drawn after its sum.
  const std::string dot = soma::viz::network_to_dot(
      *soma::nn::build_from_architecture("dense 2 2\ndropout 0.5\ndense 2 1"), GraphLevel::layer);
  EXPECT_TRUE(contains(dot, "  add1 -> A1;\n  A1 -> dropout1;\n")) << dot;
}

TEST(NetworkGraphTest, InputsByNameThenTheHeadAndTheLoss) {
  soma::Generator generator(0);
  const auto network = soma::nn::build_network({.layer_sizes = {2, 1}}, generator);
  const std::string dot =
      soma::viz::network_to_dot(*network, GraphLevel::neuron,
                                {.input_names = {"x1^2", "a \"b\""},
                                 .head = soma::nn::ActivationKind::sigmoid,
                                 .loss = soma::train::LossKind::binary_cross_entropy_with_logits});
  EXPECT_TRUE(contains(dot, "  n0_0 [label=\"x1^2\", shape=box];\n")) << dot;
  EXPECT_TRUE(contains(dot, "  n0_1 [label=\"a \\\"b\\\"\", shape=box];\n")) << dot;
  EXPECT_TRUE(contains(dot,
                       "  head [shape=box, style=\"rounded,dashed\", "
                       "label=\"Sigmoid\\n(prediction)\"];\n  n1_0 -> head [style=dashed];\n"))
      << dot;
  EXPECT_TRUE(contains(dot, "label=\"loss\\nbce_with_logits\"];\n  n1_0 -> loss;\n")) << dot;
}

}  // namespace
