// Tests the layer registry through every entry: its example line read, built and written back
// unchanged, its description, parameters and count agreeing with the built layer's, and the
// built layer read back to the same description; then the messages for unknown layers.
#include "soma/nn/layer_registry.hpp"

#include <gtest/gtest.h>

#include <string>

#include "soma/nn/network_spec.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

TEST(LayerRegistryTest, EveryTypeRoundTripsItsExampleLine) {
  ASSERT_EQ(soma::nn::layer_types().size(), 3u);
  for (const soma::nn::LayerType& type : soma::nn::layer_types()) {
    const std::string line(type.example);
    SCOPED_TRACE(line);
    EXPECT_EQ(line.substr(0, line.find(' ')), type.keyword);
    const std::vector<soma::nn::LayerSpec> specs = soma::nn::parse_architecture(line);
    ASSERT_EQ(specs.size(), 1u);
    const auto network = soma::nn::build_from_architecture(line);
    ASSERT_EQ(network->size(), 1u);
    const soma::nn::Module& layer = network->layer(0);
    EXPECT_EQ(layer.architecture(), line);
    EXPECT_EQ(specs[0].description, layer.describe());
    EXPECT_EQ(soma::nn::spec_of(layer).description, layer.describe());
    EXPECT_EQ(soma::nn::parameter_count(specs[0]), layer.parameter_count());
    const auto shapes = soma::nn::parameter_shapes(specs);
    const auto parameters = network->named_parameters();
    ASSERT_EQ(shapes.size(), parameters.size());
    for (size_t i = 0; i < shapes.size(); ++i) {
      EXPECT_EQ(shapes[i].name, parameters[i].first);
      EXPECT_EQ(shapes[i].shape, parameters[i].second.shape());
    }
    const int64_t features = specs[0].inputs != 0 ? specs[0].inputs : 5;
    EXPECT_EQ(layer.output_features(features), specs[0].outputs != 0 ? specs[0].outputs : features);
  }
}

TEST(LayerRegistryTest, UnknownLayersListTheKnownOnes) {
  EXPECT_EQ(error_message([] { soma::nn::parse_architecture("conv 3 3"); }),
            "architecture line 1 ('conv 3 3'): unknown layer 'conv' (expected dense, activation "
            "or dropout)");
  // A layer that is not one line of architecture text has no entry.
  soma::nn::Sequential inner;
  inner.emplace<soma::nn::Activation>(soma::nn::ActivationKind::relu);
  inner.emplace<soma::nn::Activation>(soma::nn::ActivationKind::tanh);
  EXPECT_EQ(error_message([&] { soma::nn::spec_of(inner); }), "Sequential: not one layer but 2");
}

TEST(LayerRegistryTest, FormulasComeFromTheParameterExtents) {
  const auto layers = soma::nn::parse_architecture("dense 8 9\ndense 9 4 no_bias\ndropout 0.5");
  EXPECT_EQ(soma::nn::parameter_formula(layers[0]), "8 x 9 + 9");
  EXPECT_EQ(soma::nn::parameter_formula(layers[1]), "9 x 4");
  EXPECT_EQ(soma::nn::parameter_formula(layers[2]), "");
  EXPECT_EQ(soma::nn::parameter_count(layers[2]), 0);
}

}  // namespace
