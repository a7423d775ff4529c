// Tests network specs: parse_layer_sizes and its errors, the layers and parameters
// build_network makes, seeded reproducibility, architecture text round trips, and layer
// descriptions counted exactly and refused before building when memory cannot hold them.
#include "soma/nn/network_spec.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/nn/dense.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::Shape;
using soma::Tensor;
using soma::nn::Activation;
using soma::nn::ActivationKind;
using soma::nn::Dense;
using soma::nn::Initializer;
using soma::nn::LayerRole;
using soma::nn::LayerSpec;
using soma::nn::NetworkSpec;
using soma::nn::Sequential;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::shared_ptr<Sequential> build(const std::vector<int64_t>& sizes, uint64_t seed,
                                  ActivationKind hidden = ActivationKind::relu,
                                  ActivationKind output = ActivationKind::identity) {
  Generator generator(seed);
  NetworkSpec spec;
  spec.layer_sizes = sizes;
  spec.hidden_activation = hidden;
  spec.output_activation = output;
  return soma::nn::build_network(spec, generator);
}

std::vector<std::string> describe_layers(const Sequential& network) {
  std::vector<std::string> layers;
  for (size_t i = 0; i < network.size(); ++i) layers.push_back(network.layer(i).describe());
  return layers;
}

TEST(NetworkSpecTest, ParsesLayerSizes) {
  EXPECT_EQ(soma::nn::parse_layer_sizes("2-16-16-1"), (std::vector<int64_t>{2, 16, 16, 1}));
  EXPECT_EQ(soma::nn::parse_layer_sizes("2-1"), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(soma::nn::parse_layer_sizes("784-128-10"), (std::vector<int64_t>{784, 128, 10}));
}

TEST(NetworkSpecTest, LayerSizeErrorsNameThePart) {
  const std::string hint = "' is not a layer size (write sizes joined by '-', e.g. 2-16-16-1)";
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2"); }),
            "architecture '2' needs at least an input and an output size, e.g. 2-1");
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2--1"); }),
            "architecture '2--1': '" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2-x-1"); }),
            "architecture '2-x-1': 'x" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("0-1"); }),
            "architecture '0-1': '0" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes(""); }), "architecture '': '" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("-2-1"); }),
            "architecture '-2-1': '" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2-16-"); }),
            "architecture '2-16-': '" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2-1.5"); }),
            "architecture '2-1.5': '1.5" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2- 3"); }),
            "architecture '2- 3': ' 3" + hint);
  EXPECT_EQ(error_message([] { soma::nn::parse_layer_sizes("2-99999999-1"); }),
            "architecture '2-99999999-1': '99999999" + hint);
}

TEST(NetworkSpecTest, BuildsDenseAndActivationLayers) {
  auto network = build({2, 16, 16, 1}, 1);
  EXPECT_EQ(describe_layers(*network),
            (std::vector<std::string>{"Dense(2 -> 16)", "ReLU", "Dense(16 -> 16)", "ReLU",
                                      "Dense(16 -> 1)"}));  // identity output: no layer
  ASSERT_EQ(network->size(), 5u);
  EXPECT_NE(dynamic_cast<Dense*>(&network->layer(0)), nullptr);
  auto* relu = dynamic_cast<Activation*>(&network->layer(1));
  ASSERT_NE(relu, nullptr);
  EXPECT_EQ(relu->kind(), ActivationKind::relu);
  EXPECT_NE(dynamic_cast<Dense*>(&network->layer(4)), nullptr);
  EXPECT_EQ(network->output_features(2), 1);

  auto classifier = build({3, 5, 2}, 1, ActivationKind::tanh, ActivationKind::softmax);
  EXPECT_EQ(describe_layers(*classifier),
            (std::vector<std::string>{"Dense(3 -> 5)", "Tanh", "Dense(5 -> 2)", "Softmax"}));

  // A single neuron with a sigmoid: the lecture's logistic regression.
  auto neuron = build({2, 1}, 1, ActivationKind::relu, ActivationKind::sigmoid);
  EXPECT_EQ(describe_layers(*neuron), (std::vector<std::string>{"Dense(2 -> 1)", "Sigmoid"}));
  auto linear = build({2, 1}, 1);
  EXPECT_EQ(describe_layers(*linear), (std::vector<std::string>{"Dense(2 -> 1)"}));

  Generator generator(1);
  EXPECT_EQ(error_message([&] { soma::nn::build_network(NetworkSpec{{4}}, generator); }),
            "build_network: at least an input and an output size are needed");
}

TEST(NetworkSpecTest, CountsParameters) {
  // 8 x 9 + 9 = 81, 9 x 9 + 9 = 90 twice, 9 x 4 + 4 = 40.
  EXPECT_EQ(build({8, 9, 9, 9, 4}, 1)->parameter_count(), 81 + 90 + 90 + 40);
  EXPECT_EQ(build({8, 9, 9, 9, 4}, 1)->parameter_count(), 301);
  EXPECT_EQ(build({2, 1}, 1)->parameter_count(), 3);
  EXPECT_EQ(build({2, 16, 16, 1}, 1)->parameter_count(), 48 + 272 + 17);
}

TEST(NetworkSpecTest, SameSeedGivesBitIdenticalNetworks) {
  auto a = build({3, 7, 5, 2}, 42, ActivationKind::tanh);
  auto b = build({3, 7, 5, 2}, 42, ActivationKind::tanh);
  auto c = build({3, 7, 5, 2}, 43, ActivationKind::tanh);
  const auto pa = a->parameters();
  const auto pb = b->parameters();
  const auto pc = c->parameters();
  ASSERT_EQ(pa.size(), 6u);
  bool any_difference = false;
  for (size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa[i].shape(), pb[i].shape());
    EXPECT_EQ(std::memcmp(pa[i].data(), pb[i].data(), static_cast<size_t>(pa[i].numel()) * 4), 0);
    any_difference = any_difference || pa[i].to_vector() != pc[i].to_vector();
  }
  EXPECT_TRUE(any_difference);
}

// Layers draw their weights one after the other from the one generator.
TEST(NetworkSpecTest, DrawsWeightsLayerByLayer) {
  auto network = build({3, 4, 2}, 5);
  Generator reference(5);
  Tensor first = soma::zeros(Shape{3, 4});
  soma::nn::initialize(first, Initializer::glorot_uniform(), 3, 4, reference);
  Tensor second = soma::zeros(Shape{4, 2});
  soma::nn::initialize(second, Initializer::glorot_uniform(), 4, 2, reference);
  EXPECT_EQ(dynamic_cast<Dense&>(network->layer(0)).weight().to_vector(), first.to_vector());
  EXPECT_EQ(dynamic_cast<Dense&>(network->layer(2)).weight().to_vector(), second.to_vector());
  EXPECT_EQ(dynamic_cast<Dense&>(network->layer(2)).bias().to_vector(),
            std::vector<float>(2, 0.0f));
}

TEST(NetworkSpecTest, UsesTheSpecsInitializersAndSlope) {
  Generator generator(6);
  NetworkSpec spec;
  spec.layer_sizes = {2, 3, 1};
  spec.hidden_activation = ActivationKind::leaky_relu;
  spec.negative_slope = 0.2f;
  spec.weight_init = Initializer::constant(-1.5f);
  spec.bias_init = Initializer::constant(0.25f);
  auto network = soma::nn::build_network(spec, generator);
  const auto& dense = dynamic_cast<const Dense&>(network->layer(0));
  EXPECT_EQ(dense.weight().to_vector(), std::vector<float>(6, -1.5f));
  EXPECT_EQ(dense.bias().to_vector(), std::vector<float>(3, 0.25f));
  const auto& leaky = dynamic_cast<const Activation&>(network->layer(1));
  EXPECT_EQ(leaky.kind(), ActivationKind::leaky_relu);
  EXPECT_EQ(leaky.negative_slope(), 0.2f);
  // x = (1, 1): hidden pre-activations -1.5 - 1.5 + 0.25 = -2.75, leaky 0.2 -> -0.55 each;
  // output -1.5 * 3 * -0.55 + 0.25 = 2.725.
  const Tensor y = network->forward(soma::tensor({{1.0f, 1.0f}}));
  EXPECT_NEAR(y.item(), 2.725f, 1e-5f);
}

TEST(NetworkSpecTest, ArchitectureTextRoundTrips) {
  auto network = build({2, 16, 16, 1}, 7, ActivationKind::tanh, ActivationKind::sigmoid);
  const std::string text = network->architecture();
  EXPECT_EQ(text,
            "dense 2 16\nactivation tanh\ndense 16 16\nactivation tanh\ndense 16 1\n"
            "activation sigmoid\n");
  auto rebuilt = soma::nn::build_from_architecture(text);
  EXPECT_EQ(rebuilt->architecture(), text);
  const auto original = network->named_parameters();
  const auto copy = rebuilt->named_parameters();
  ASSERT_EQ(copy.size(), original.size());
  for (size_t i = 0; i < copy.size(); ++i) {
    EXPECT_EQ(copy[i].first, original[i].first);
    EXPECT_EQ(copy[i].second.shape(), original[i].second.shape()) << copy[i].first;
    for (float value : copy[i].second.to_vector()) EXPECT_EQ(value, 0.0f) << copy[i].first;
  }
  EXPECT_EQ(describe_layers(*rebuilt), describe_layers(*network));
}

TEST(NetworkSpecTest, ArchitectureKeepsTheLeakySlope) {
  Generator generator(8);
  NetworkSpec spec{{2, 3, 1}, ActivationKind::leaky_relu};
  spec.negative_slope = 0.2f;
  auto network = soma::nn::build_network(spec, generator);
  const std::string text = network->architecture();
  EXPECT_TRUE(contains(text, "activation leaky_relu 0.2")) << text;
  auto rebuilt = soma::nn::build_from_architecture(text);
  EXPECT_EQ(rebuilt->architecture(), text);
  const auto& leaky = dynamic_cast<const Activation&>(rebuilt->layer(1));
  EXPECT_EQ(leaky.kind(), ActivationKind::leaky_relu);
  EXPECT_EQ(leaky.negative_slope(), 0.2f);  // bit-exact through the text

  auto defaulted = soma::nn::build_from_architecture("activation leaky_relu\n");
  EXPECT_EQ(dynamic_cast<const Activation&>(defaulted->layer(0)).negative_slope(), 0.01f);
  const Tensor y = defaulted->forward(soma::tensor({{-2.0f, 3.0f}}));
  EXPECT_EQ(y.to_vector(), (std::vector<float>{-0.02f, 3.0f}));
}

// Every activation of the table is a layer whose architecture text ("activation gelu")
// rebuilds it, described by the table's label, computing the table's function.
TEST(NetworkSpecTest, EveryActivationOfTheTableRoundTripsThroughArchitectureText) {
  const Tensor x = soma::tensor({{-1.5f, 0.25f, 2.0f}});
  for (const soma::ActivationFunction& function : soma::activation_functions()) {
    const std::string name(function.name);
    SCOPED_TRACE(name);
    auto network = soma::nn::build_from_architecture("dense 2 3\nactivation " + name + "\n");
    const std::string text = network->architecture();  // leaky_relu's slope written out
    EXPECT_EQ(text.rfind("dense 2 3\nactivation " + name, 0), 0u) << text;
    EXPECT_EQ(soma::nn::build_from_architecture(text)->architecture(), text);
    const auto& layer = dynamic_cast<const Activation&>(network->layer(1));
    EXPECT_EQ(soma::nn::activation_name(layer.kind()), name);
    EXPECT_EQ(layer.kind(), soma::nn::parse_activation(name));
    EXPECT_EQ(layer.describe(), function.label);
    EXPECT_EQ(network->layer(1).forward(x).to_vector(),
              soma::activate(function, x, function.default_parameter).to_vector());
  }
  EXPECT_EQ(describe_layers(*build({2, 3, 1}, 1, soma::nn::parse_activation("gelu"))),
            (std::vector<std::string>{"Dense(2 -> 3)", "GELU", "Dense(3 -> 1)"}));
}

TEST(NetworkSpecTest, ArchitectureNoBiasFlag) {
  auto network = soma::nn::build_from_architecture("dense 3 2 no_bias\nactivation relu\n");
  ASSERT_EQ(network->size(), 2u);
  const auto& dense = dynamic_cast<const Dense&>(network->layer(0));
  EXPECT_FALSE(dense.has_bias());
  EXPECT_EQ(network->parameter_count(), 6);
  EXPECT_EQ(network->architecture(), "dense 3 2 no_bias\nactivation relu\n");
}

TEST(NetworkSpecTest, ArchitectureAcceptsBlankLinesAndAliases) {
  auto network = soma::nn::build_from_architecture("\n  dense 2 3  \n\nactivation linear");
  EXPECT_EQ(network->architecture(), "dense 2 3\nactivation identity\n");
}

TEST(NetworkSpecTest, ArchitectureErrorsNameTheLine) {
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense 2 3\nconv 3"); }),
            "architecture line 2 ('conv 3'): unknown layer 'conv' (expected dense, activation or "
            "dropout)");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense 2"); }),
            "architecture line 1 ('dense 2'): expected 'dense INPUTS OUTPUTS'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense 0 3"); }),
            "architecture line 1 ('dense 0 3'): expected 'dense INPUTS OUTPUTS'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense two 3"); }),
            "architecture line 1 ('dense two 3'): expected 'dense INPUTS OUTPUTS'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense 2 3 bias"); }),
            "architecture line 1 ('dense 2 3 bias'): unknown flag 'bias'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense 2 3 no_bias x"); }),
            "architecture line 1 ('dense 2 3 no_bias x'): unexpected 'x'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("dense 2 3\n\nactivation"); }),
            "architecture line 3 ('activation'): expected 'activation NAME'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("activation leaky_relu 0.1x"); }),
            "architecture line 1 ('activation leaky_relu 0.1x'): bad slope '0.1x'");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("activation leaky_relu 0.1 2"); }),
            "architecture line 1 ('activation leaky_relu 0.1 2'): unexpected '2'");
  const std::string unknown =
      error_message([] { soma::nn::build_from_architecture("dense 2 3\nactivation swish"); });
  EXPECT_TRUE(contains(unknown,
                       "architecture line 2 ('activation swish'): unknown activation "
                       "'swish' (valid: step, sigmoid, tanh, relu"))
      << unknown;
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture(""); }),
            "architecture: no layers");
  EXPECT_EQ(error_message([] { soma::nn::build_from_architecture("\n  \n"); }),
            "architecture: no layers");
}

TEST(NetworkSpecTest, ArchitectureErrorsShowControlCharactersEscaped) {
  // A model file's architecture is untrusted text: its error stays on one line.
  EXPECT_EQ(error_message([] { soma::nn::parse_architecture("dense 2 3\r\nlayer\x01\x7F 2"); }),
            "architecture line 2 ('layer\\x01\\x7F 2'): unknown layer 'layer\\x01\\x7F' "
            "(expected dense, activation or dropout)");
}

TEST(NetworkSpecTest, ParsesArchitectureIntoLayersWithoutBuilding) {
  const std::vector<LayerSpec> layers = soma::nn::parse_architecture(
      "dense 3 4\nactivation leaky_relu 0.2\ndense 4 2 no_bias\nactivation softmax\n");
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0].description, "Dense(3 -> 4)");
  EXPECT_EQ(layers[0].inputs, 3);
  EXPECT_EQ(layers[0].outputs, 4);
  EXPECT_EQ(layers[0].role, LayerRole::affine);
  EXPECT_EQ(soma::nn::parameter_formula(layers[0]), "3 x 4 + 4");
  EXPECT_EQ(layers[1].description, "LeakyReLU");
  EXPECT_EQ(layers[1].role, LayerRole::activation);
  EXPECT_EQ(layers[1].label, "LeakyReLU");
  EXPECT_EQ(layers[1].inputs, 0);  // any number of features, as many out
  EXPECT_EQ(layers[1].outputs, 0);
  EXPECT_EQ(soma::nn::parameter_formula(layers[2]), "4 x 2");  // no bias
  EXPECT_EQ(layers[3].label, "Softmax");
  EXPECT_EQ(soma::nn::parameter_count(layers), 3 * 4 + 4 + 4 * 2);
  // The slope is in the layer the description builds.
  Generator weights(1);
  Generator seeds(2);
  const auto leaky = layers[1].build({Initializer::zeros(), Initializer::zeros(), weights, seeds});
  EXPECT_EQ(dynamic_cast<const Activation&>(*leaky).negative_slope(), 0.2f);
}

// parameter_shapes must name and shape parameters exactly as the built network does: the
// model loader compares a file's tensors with it before building anything.
TEST(NetworkSpecTest, ParameterShapesAreThoseOfTheBuiltNetwork) {
  for (const char* text : {"dense 3 4\nactivation tanh\ndense 4 2 no_bias\ndense 2 5\n",
                           "activation relu\ndense 1 1\n"}) {
    SCOPED_TRACE(text);
    const auto network = soma::nn::build_from_architecture(text);
    const auto expected = network->named_parameters();
    const auto shapes = soma::nn::parameter_shapes(soma::nn::parse_architecture(text));
    ASSERT_EQ(shapes.size(), expected.size());
    for (size_t i = 0; i < shapes.size(); ++i) {
      EXPECT_EQ(shapes[i].name, expected[i].first);
      EXPECT_EQ(shapes[i].shape, expected[i].second.shape()) << shapes[i].name;
    }
    EXPECT_EQ(soma::nn::parameter_count(soma::nn::parse_architecture(text)),
              network->parameter_count());
  }
  NetworkSpec spec{{2, 16, 16, 1}, ActivationKind::tanh, ActivationKind::sigmoid};
  const std::vector<LayerSpec> layers = soma::nn::layers_of(spec);
  Generator generator(1);
  EXPECT_EQ(soma::nn::build_network(spec, generator)->architecture(),
            soma::nn::build_layers(layers, {}, generator)->architecture());
}

TEST(NetworkSpecTest, CountsParametersOfHugeNetworksExactlyAndRefusesOverflow) {
  // 2 x 2^24 + 2^24, 2^24 x 2^24 + 2^24 and 2^24 + 1: counted, nothing allocated.
  const std::vector<LayerSpec> huge =
      soma::nn::layers_of({.layer_sizes = {2, 1 << 24, 1 << 24, 1}});
  EXPECT_EQ(soma::nn::parameter_count(huge), 281475060596737);
  EXPECT_EQ(
      error_message([] {
        soma::nn::parameter_count(soma::nn::parse_architecture("dense 9223372036854775807 2"));
      }),
      "Dense(9223372036854775807 -> 2): the parameter count overflows a 64-bit integer");
  // Each layer 2^62 parameters: the sum overflows.
  EXPECT_EQ(error_message([] {
              soma::nn::parameter_count(soma::nn::parse_architecture(
                  "dense 4611686018427387904 1 no_bias\ndense 1 4611686018427387904 no_bias"));
            }),
            "the network's parameter count overflows a 64-bit integer");
}

TEST(NetworkSpecTest, NetworksLargerThanMemoryAreRefusedBeforeBuilding) {
  const int64_t limit = soma::nn::buildable_parameter_limit();
  EXPECT_GE(limit, int64_t{1} << 24);  // any machine that runs the tests holds 64 MiB
  Generator generator(1);
  // 1 PiB of weights: more than any machine's memory, refused at once instead of bad_alloc.
  const std::string message = error_message([&] {
    soma::nn::build_network({.layer_sizes = {2, 1 << 24, 1 << 24, 1}}, generator);
  });
  EXPECT_TRUE(contains(message,
                       "a network of 281475060596737 parameters needs 1.0 PiB for its float32 "
                       "weights alone, more than this machine's "))
      << message;
  EXPECT_TRUE(message.ends_with(" of memory")) << message;
  EXPECT_TRUE(contains(
      error_message([] { soma::nn::build_from_architecture("dense 100000000 100000000 no_bias"); }),
      "a network of 10000000000000000 parameters needs 35.5 PiB"));
  EXPECT_EQ(error_message([&] {
              soma::nn::build_network({.layer_sizes = {2, 0, 1}}, generator);
            }),
            "build_network: layer sizes must be positive, got 0");
}

}  // namespace
