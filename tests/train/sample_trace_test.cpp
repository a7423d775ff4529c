// Tests trace_sample: a 2-1 sigmoid neuron worked out by hand, and three 2-3-x networks
// whose values and gradients PyTorch computed for the same weights and sample
// (tests/train/sample_trace_reference.py prints every constant below).
#include "soma/train/sample_trace.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "soma/core/error.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/tensor/generator.hpp"

namespace soma::train {
namespace {

using nn::ActivationKind;

constexpr float tolerance = 2e-6f;

void expect_near(const std::vector<float>& actual, const std::vector<float>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "element " << i;
  }
}

// A network of `sizes` whose parameters take `values`, in named_parameters() order.
std::shared_ptr<nn::Sequential> network_with(std::vector<int64_t> sizes, ActivationKind hidden,
                                             ActivationKind output,
                                             const std::vector<std::vector<float>>& values) {
  Generator generator(0);
  auto network = nn::build_network(
      {.layer_sizes = std::move(sizes), .hidden_activation = hidden, .output_activation = output},
      generator);
  std::vector<Tensor> parameters = network->parameters();
  EXPECT_EQ(parameters.size(), values.size());
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_EQ(parameters[i].numel(), static_cast<int64_t>(values[i].size()));
    std::copy(values[i].begin(), values[i].end(), parameters[i].data());
  }
  return network;
}

// x = (1, 2), w = (0.5, -0.25), b = 0.1: z = 0.5 - 0.5 + 0.1 = 0.1, a = sigmoid(0.1).
// Squared error against 1: L = (a - 1)^2, dL/da = 2 (a - 1), dL/dz = dL/da a (1 - a),
// dL/dw = x dL/dz, dL/db = dL/dz, dL/dx = w dL/dz.
TEST(SampleTraceTest, ASigmoidNeuronByHand) {
  auto network = network_with({2, 1}, ActivationKind::identity, ActivationKind::sigmoid,
                              {{0.5f, -0.25f}, {0.1f}});
  const SampleTrace trace = trace_sample(*network, {1.0f, 2.0f}, LossKind::squared_error,
                                         ActivationKind::identity, from_values({1, 1}, {1.0f}));
  const double a = 1.0 / (1.0 + std::exp(-0.1));
  const double dl_da = 2.0 * (a - 1.0);
  const auto dl_dz = static_cast<float>(dl_da * a * (1.0 - a));
  EXPECT_NEAR(trace.loss, (a - 1.0) * (a - 1.0), 1e-6);
  ASSERT_EQ(trace.layers.size(), 2u);
  EXPECT_EQ(trace.layers[0].op, "linear");
  EXPECT_EQ(trace.layers[1].op, "sigmoid");
  expect_near(trace.layers[0].value, {0.1f});
  expect_near(trace.layers[0].grad, {dl_dz});
  expect_near(trace.layers[1].value, {static_cast<float>(a)});
  expect_near(trace.layers[1].grad, {static_cast<float>(dl_da)});
  ASSERT_EQ(trace.parameters.size(), 2u);
  EXPECT_EQ(trace.parameters[0].name, "0.weight");
  EXPECT_EQ(trace.parameters[0].shape, (Shape{2, 1}));
  expect_near(trace.parameters[0].grad, {dl_dz, 2.0f * dl_dz});
  EXPECT_EQ(trace.parameters[1].name, "0.bias");
  expect_near(trace.parameters[1].grad, {dl_dz});
  expect_near(trace.input_grad, {0.5f * dl_dz, -0.25f * dl_dz});
  expect_near(trace.prediction, {static_cast<float>(a)});
  expect_near(trace.target, {1.0f});
}

// The same neuron trained on logits: L = log(1 + e^-z) for class 1, dL/dz = sigmoid(z) - 1,
// and the head turns the logit into the probability that is predicted.
TEST(SampleTraceTest, ALogitNeuronByHand) {
  auto network = network_with({2, 1}, ActivationKind::identity, ActivationKind::identity,
                              {{0.5f, -0.25f}, {0.1f}});
  const SampleTrace trace =
      trace_sample(*network, {1.0f, 2.0f}, LossKind::binary_cross_entropy_with_logits,
                   ActivationKind::sigmoid, from_values({1, 1}, {1.0f}));
  const double p = 1.0 / (1.0 + std::exp(-0.1));
  EXPECT_NEAR(trace.loss, std::log(1.0 + std::exp(-0.1)), 1e-6);
  ASSERT_EQ(trace.layers.size(), 1u);
  expect_near(trace.layers[0].grad, {static_cast<float>(p - 1.0)});
  expect_near(trace.prediction, {static_cast<float>(p)});
  expect_near(trace.parameters[0].grad,
              {static_cast<float>(p - 1.0), static_cast<float>(2 * (p - 1.0))});
}

const std::vector<float> w1 = {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f};
const std::vector<float> b1 = {0.01f, -0.02f, 0.03f};
const std::vector<float> w2 = {0.7f, -0.8f, 0.9f, 0.15f, -0.35f, 0.25f};
const std::vector<float> b2 = {0.05f, -0.05f};
const std::vector<float> z1 = {-0.340000004f, -0.620000005f, 0.779999971f};

TEST(SampleTraceTest, TanhAndCrossEntropyMatchPyTorch) {
  auto network =
      network_with({2, 3, 2}, ActivationKind::tanh, ActivationKind::identity, {w1, b1, w2, b2});
  const SampleTrace trace = trace_sample(*network, {0.5f, -1.0f}, LossKind::softmax_cross_entropy,
                                         ActivationKind::softmax, from_values({1}, {1.0f}));
  EXPECT_NEAR(trace.loss, 0.264166594, 1e-6);
  expect_near(trace.input_grad, {-0.0171423331f, 0.232939631f});
  ASSERT_EQ(trace.layers.size(), 3u);
  expect_near(trace.layers[0].value, z1);
  expect_near(trace.layers[0].grad, {0.310886711f, 0.121229492f, -0.0799503475f});
  expect_near(trace.layers[1].value, {-0.327477396f, -0.55112803f, 0.652706683f});
  expect_near(trace.layers[1].grad, {0.348231554f, 0.174115792f, -0.139292628f});
  expect_near(trace.layers[2].value, {-0.903696716f, 0.29248938f});
  expect_near(trace.layers[2].grad, {0.232154384f, -0.232154369f});
  expect_near(trace.parameters[0].grad, {0.155443355f, 0.0606147461f, -0.0399751738f, -0.310886711f,
                                         -0.121229492f, 0.0799503475f});
  expect_near(trace.parameters[1].grad, {0.310886711f, 0.121229492f, -0.0799503475f});
  expect_near(trace.parameters[2].grad, {-0.0760253146f, 0.0760253072f, -0.127946794f, 0.127946779f,
                                         0.151528716f, -0.151528701f});
  expect_near(trace.parameters[3].grad, {0.232154384f, -0.232154369f});
  // The head's probabilities: softmax of the logits, whose class-1 share is e^-L.
  EXPECT_NEAR(trace.prediction[1], std::exp(-0.264166594), 1e-6);
}

TEST(SampleTraceTest, ReluAndLogitsMatchPyTorch) {
  auto network = network_with({2, 3, 1}, ActivationKind::relu, ActivationKind::identity,
                              {w1, b1, {0.7f, 0.9f, -0.35f}, {0.05f}});
  const SampleTrace trace =
      trace_sample(*network, {0.5f, -1.0f}, LossKind::binary_cross_entropy_with_logits,
                   ActivationKind::sigmoid, from_values({1, 1}, {1.0f}));
  EXPECT_NEAR(trace.loss, 0.810850441, 1e-6);
  expect_near(trace.input_grad, {0.0583296232f, -0.116659246f});
  expect_near(trace.layers[0].grad, {0.0f, 0.0f, 0.194432065f});
  expect_near(trace.layers[1].value, {0.0f, 0.0f, 0.779999971f});
  expect_near(trace.layers[1].grad, {-0.38886413f, -0.499968141f, 0.194432065f});
  expect_near(trace.layers[2].value, {-0.222999975f});
  expect_near(trace.layers[2].grad, {-0.555520177f});
  expect_near(trace.parameters[0].grad, {0.0f, 0.0f, 0.0972160324f, 0.0f, 0.0f, -0.194432065f});
  expect_near(trace.parameters[2].grad, {0.0f, 0.0f, -0.433305711f});
  expect_near(trace.parameters[3].grad, {-0.555520177f});
}

TEST(SampleTraceTest, SigmoidAndSquaredErrorMatchPyTorch) {
  auto network =
      network_with({2, 3, 2}, ActivationKind::sigmoid, ActivationKind::identity, {w1, b1, w2, b2});
  const SampleTrace trace =
      trace_sample(*network, {0.5f, -1.0f}, LossKind::squared_error, ActivationKind::identity,
                   from_values({1, 2}, {0.3f, -0.2f}));
  EXPECT_NEAR(trace.loss, 0.00756465597, 1e-7);
  expect_near(trace.input_grad, {-0.00581213273f, 0.0211511087f});
  expect_near(trace.layers[0].grad, {0.0116902627f, 0.0251268595f, -0.00651928969f});
  expect_near(trace.layers[1].value, {0.415809453f, 0.349781424f, 0.685680151f});
  expect_near(trace.layers[1].grad, {0.0481255129f, 0.110479601f, -0.0302487127f});
  expect_near(trace.layers[2].value, {0.415881842f, -0.158760294f});
  expect_near(trace.layers[2].grad, {0.11588183f, 0.0412397087f});
  expect_near(trace.parameters[2].grad, {0.0481847599f, 0.0171478614f, 0.0405333117f, 0.0144248838f,
                                         0.0794578716f, 0.02827725f});
}

// Tracing leaves training mode and gradients as they were, and refuses a wrong input size.
TEST(SampleTraceTest, LeavesTheNetworkAsItWas) {
  auto network = network_with({2, 1}, ActivationKind::identity, ActivationKind::sigmoid,
                              {{0.5f, -0.25f}, {0.1f}});
  Tensor weight = network->parameters()[0];
  weight.impl()->grad = from_values({2, 1}, {7.0f, 8.0f}).impl_ptr();
  network->train();
  trace_sample(*network, {1.0f, 2.0f}, LossKind::squared_error, ActivationKind::identity,
               from_values({1, 1}, {1.0f}));
  EXPECT_TRUE(network->is_training());
  EXPECT_EQ(weight.grad().to_vector(), (std::vector<float>{7.0f, 8.0f}));
  EXPECT_FALSE(network->parameters()[1].grad().defined());
  EXPECT_THROW(trace_sample(*network, {1.0f}, LossKind::squared_error, ActivationKind::identity,
                            from_values({1, 1}, {1.0f})),
               Error);
}

}  // namespace
}  // namespace soma::train
