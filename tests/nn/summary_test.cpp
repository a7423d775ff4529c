// Tests summarize: the rows, output sizes, parameter counts and formulas of an 8-9-9-9-4
// network, the rendered table, the error when layer sizes do not chain, dropout's rows, and
// summaries of layer descriptions that are never built.
#include "soma/nn/summary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/network_spec.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::nn::ActivationKind;
using soma::nn::Dense;
using soma::nn::DenseOptions;
using soma::nn::LayerSpec;
using soma::nn::NetworkSpec;
using soma::nn::Sequential;
using soma::nn::Summary;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Summary summary_of_8_9_9_9_4() {
  Generator generator(1);
  NetworkSpec spec;
  spec.layer_sizes = {8, 9, 9, 9, 4};
  spec.hidden_activation = ActivationKind::relu;
  auto network = soma::nn::build_network(spec, generator);
  return soma::nn::summarize(*network, 8);
}

TEST(SummaryTest, RowsOfAnEightNineNineNineFourNetwork) {
  const Summary summary = summary_of_8_9_9_9_4();
  ASSERT_EQ(summary.rows.size(), 7u);
  const std::vector<std::string> layers = {"Dense(8 -> 9)", "ReLU", "Dense(9 -> 9)", "ReLU",
                                           "Dense(9 -> 9)", "ReLU", "Dense(9 -> 4)"};
  const std::vector<int64_t> outputs = {9, 9, 9, 9, 9, 9, 4};
  const std::vector<int64_t> parameters = {81, 0, 90, 0, 90, 0, 40};
  const std::vector<std::string> formulas = {"8 x 9 + 9", "", "9 x 9 + 9", "",
                                             "9 x 9 + 9", "", "9 x 4 + 4"};
  for (size_t i = 0; i < summary.rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(summary.rows[i].layer, layers[i]);
    EXPECT_EQ(summary.rows[i].output_features, outputs[i]);
    EXPECT_EQ(summary.rows[i].parameters, parameters[i]);
    EXPECT_EQ(summary.rows[i].formula, formulas[i]);
  }
  EXPECT_EQ(summary.total_parameters, 301);
}

TEST(SummaryTest, RendersATableEndingWithTheTotal) {
  const std::string text = summary_of_8_9_9_9_4().to_string();
  EXPECT_TRUE(contains(text, "total parameters: 301")) << text;
  EXPECT_EQ(text.substr(text.size() - 22), "total parameters: 301\n");
  // The header, then a row: layer padded to 20, shape to 16, count to 12, then the formula.
  EXPECT_EQ(text.substr(0, text.find('\n') + 1),
            "layer               output shape    parameters  formula\n");
  EXPECT_TRUE(contains(text, "\nDense(8 -> 9)       (n x 9)         81          8 x 9 + 9\n"))
      << text;
  EXPECT_TRUE(contains(text, "\nReLU                (n x 9)         0           \n")) << text;
  EXPECT_TRUE(contains(text, "\nDense(9 -> 4)       (n x 4)         40          9 x 4 + 4\n"))
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 7 + 1);
}

TEST(SummaryTest, FormulaWithoutBias) {
  Generator generator(2);
  Sequential network;
  network.emplace<Dense>(3, 5, generator, DenseOptions{.bias = false});
  const Summary summary = soma::nn::summarize(network, 3);
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(summary.rows[0].formula, "3 x 5");
  EXPECT_EQ(summary.rows[0].parameters, 15);
  EXPECT_EQ(summary.total_parameters, 15);
}

TEST(SummaryTest, ChainMismatchNamesTheLayer) {
  Generator generator(3);
  Sequential network;
  network.emplace<Dense>(2, 3, generator);
  network.emplace<Dense>(4, 1, generator);
  EXPECT_EQ(error_message([&] { soma::nn::summarize(network, 2); }),
            "Dense(4 -> 1): receives 3 features per sample, expects 4");
  EXPECT_EQ(error_message([&] { soma::nn::summarize(network, 5); }),
            "Dense(2 -> 3): receives 5 features per sample, expects 2");
}

TEST(SummaryTest, EmptyNetworkHasNoRows) {
  const Summary summary = soma::nn::summarize(Sequential(), 3);
  EXPECT_TRUE(summary.rows.empty());
  EXPECT_EQ(summary.total_parameters, 0);
  EXPECT_TRUE(contains(summary.to_string(), "total parameters: 0\n"));
}

TEST(SummaryTest, LayerDescriptionsGiveTheSameTableAsTheBuiltNetwork) {
  const NetworkSpec spec{.layer_sizes = {8, 9, 9, 9, 4},
                         .output_activation = ActivationKind::softmax};
  Generator generator(1);
  const Summary built = soma::nn::summarize(*soma::nn::build_network(spec, generator), 8);
  const Summary described = soma::nn::summarize(soma::nn::layers_of(spec), 8);
  EXPECT_EQ(described.to_string(), built.to_string());
  EXPECT_EQ(described.total_parameters, 301);
  EXPECT_EQ(described.rows.back().layer, "Softmax");

  const Summary no_bias = soma::nn::summarize(
      soma::nn::parse_architecture("dense 3 5 no_bias\nactivation leaky_relu"), 3);
  ASSERT_EQ(no_bias.rows.size(), 2u);
  EXPECT_EQ(no_bias.rows[0].formula, "3 x 5");
  EXPECT_EQ(no_bias.rows[1].layer, "LeakyReLU");
  EXPECT_EQ(no_bias.rows[1].output_features, 5);
}

TEST(SummaryTest, DropoutRowsHaveNoParameters) {
  const NetworkSpec spec{.layer_sizes = {2, 4, 1}, .dropout = 0.25f};
  Generator generator(1);
  const Summary built = soma::nn::summarize(*soma::nn::build_network(spec, generator), 2);
  EXPECT_EQ(soma::nn::summarize(soma::nn::layers_of(spec), 2).to_string(), built.to_string());
  ASSERT_EQ(built.rows.size(), 4u);
  EXPECT_EQ(built.rows[2].layer, "Dropout(p=0.25)");
  EXPECT_EQ(built.rows[2].output_features, 4);
  EXPECT_EQ(built.rows[2].parameters, 0);
  EXPECT_EQ(built.rows[2].formula, "");
  EXPECT_EQ(built.total_parameters, 12 + 5);
}

// soma summary --arch 2-16777216-16777216-1 once built the network to count it (bad_alloc).
TEST(SummaryTest, HugeNetworksAreCountedFromTheirShapes) {
  const Summary summary =
      soma::nn::summarize(soma::nn::layers_of({.layer_sizes = {2, 1 << 24, 1 << 24, 1}}), 2);
  ASSERT_EQ(summary.rows.size(), 5u);
  EXPECT_EQ(summary.rows[2].layer, "Dense(16777216 -> 16777216)");
  EXPECT_EQ(summary.rows[2].parameters, 281474993487872);
  EXPECT_EQ(summary.rows[2].formula, "16777216 x 16777216 + 16777216");
  EXPECT_EQ(summary.total_parameters, 281475060596737);
}

TEST(SummaryTest, LayerDescriptionsThatDoNotChainOrOverflowAreRefused) {
  EXPECT_EQ(error_message([] {
              soma::nn::summarize(soma::nn::parse_architecture("dense 2 3\ndense 4 1"), 2);
            }),
            "Dense(4 -> 1): receives 3 features per sample, expects 4");
  EXPECT_EQ(error_message([] {
              soma::nn::summarize(soma::nn::parse_architecture("dense 3 9223372036854775807"), 3);
            }),
            "Dense(3 -> 9223372036854775807): the parameter count overflows a 64-bit integer");
  EXPECT_EQ(error_message([] {
              soma::nn::summarize(
                  soma::nn::parse_architecture("dense 4611686018427387904 1 no_bias\n"
                                               "dense 1 4611686018427387904 no_bias"),
                  4611686018427387904);
            }),
            "summary: the network's parameter count overflows a 64-bit integer");
}

}  // namespace
