// Gradient checks of whole networks: for every hidden activation and every loss, a 3-4-4-k
// network's backpropagated parameter gradients against finite differences.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/gradcheck.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/linear_algebra.hpp"
#include "soma/train/loss_kind.hpp"

namespace {

using soma::Generator;
using soma::Shape;
using soma::Tensor;
using soma::nn::Activation;
using soma::nn::ActivationKind;
using soma::nn::Dense;
using soma::nn::Sequential;
using soma::train::LossKind;

struct LossCase {
  const char* name;
  LossKind loss;
  ActivationKind output_activation;
  int64_t outputs;
  int64_t classes;  // 0: regression targets (samples x outputs)
};

// Names the case in gtest's messages.
void PrintTo(const LossCase& loss_case, std::ostream* out) {
  *out << loss_case.name;
}

const LossCase loss_cases[] = {
    {"squared_error", LossKind::squared_error, ActivationKind::identity, 2, 0},
    {"bce_sigmoid_output", LossKind::binary_cross_entropy, ActivationKind::sigmoid, 1, 2},
    {"bce_with_logits", LossKind::binary_cross_entropy_with_logits, ActivationKind::identity, 1, 2},
    {"softmax_cross_entropy", LossKind::softmax_cross_entropy, ActivationKind::identity, 3, 3},
    {"softmax_output_squared_error", LossKind::squared_error, ActivationKind::softmax, 3, 3},
};

// Every element-wise activation of the table but step, through which no gradient flows.
const std::vector<ActivationKind> hidden_activations = [] {
  std::vector<ActivationKind> kinds;
  for (const soma::ActivationFunction& function : soma::activation_functions()) {
    if (function.elementwise && function.name != "step") {
      kinds.push_back(soma::nn::parse_activation(function.name));
    }
  }
  return kinds;
}();

constexpr int64_t samples = 6;
constexpr int64_t inputs = 3;
constexpr float leaky_slope = 0.1f;
// The hidden layers' weights are drawn before the output layer's, so every loss case sees
// the same hidden pre-activations; with this seed none lies within kink_margin of the
// relu / leaky_relu kink at 0 (checked below). The checker moves a parameter by at most
// 2/128, which moves a pre-activation by less than that margin for inputs of this size.
constexpr uint64_t network_seed = 148;
constexpr uint64_t data_seed = 1000;
constexpr float kink_margin = 0.05f;

std::shared_ptr<Sequential> make_network(ActivationKind hidden, const LossCase& loss_case) {
  Generator generator(network_seed);
  soma::nn::NetworkSpec spec;
  spec.layer_sizes = {inputs, 4, 4, loss_case.outputs};
  spec.hidden_activation = hidden;
  spec.output_activation = loss_case.output_activation;
  spec.negative_slope = leaky_slope;
  spec.bias_init = soma::nn::Initializer::uniform(-0.5f, 0.5f);  // non-zero biases
  return soma::nn::build_network(spec, generator);
}

soma::data::Dataset make_data(const LossCase& loss_case) {
  Generator generator(data_seed);
  soma::data::Dataset dataset;
  dataset.features = soma::normal(Shape{samples, inputs}, 0.0f, 1.0f, generator);
  dataset.classes = loss_case.classes;
  if (loss_case.classes == 0) {
    dataset.targets = soma::normal(Shape{samples, loss_case.outputs}, 0.0f, 1.0f, generator);
  } else {
    dataset.targets = soma::zeros(Shape{samples});
    for (int64_t i = 0; i < samples; ++i) {
      dataset.targets.data()[i] = static_cast<float>(i % loss_case.classes);
    }
  }
  return dataset;
}

// check_gradients differentiates with respect to the tensors it passes in, so the checked
// function runs the network's own layer list (the Dense and Activation objects that
// build_network made, in order) with those tensors in place of the layers' parameters:
// parameters[0] is 0.weight, [1] 0.bias, and so on, covering every parameter. The second
// test below confirms that the network's own forward and backward give exactly that loss and
// those gradients. Records each activation's input in `pre_activations` if given.
Tensor forward_with(const Sequential& network, const std::vector<Tensor>& parameters,
                    const Tensor& x, std::vector<Tensor>* pre_activations = nullptr) {
  size_t next = 0;
  Tensor h = x;
  for (size_t i = 0; i < network.size(); ++i) {
    const soma::nn::Module& layer = network.layer(i);
    if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
      h = soma::matmul(h, parameters.at(next++));
      if (dense->has_bias()) h = soma::add(h, parameters.at(next++));
    } else if (const auto* activation = dynamic_cast<const Activation*>(&layer)) {
      if (pre_activations != nullptr) pre_activations->push_back(h);
      h = soma::nn::apply_activation(activation->kind(), h, activation->negative_slope());
    } else {
      ADD_FAILURE() << "unexpected layer " << layer.describe();
    }
  }
  EXPECT_EQ(next, parameters.size());
  return h;
}

using Param = std::tuple<ActivationKind, LossCase>;

class NetworkGradCheck : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    const auto& [hidden, loss_case] = GetParam();
    network_ = make_network(hidden, loss_case);
    data_ = make_data(loss_case);
    targets_ = soma::train::prepare_targets(loss_case.loss, data_, loss_case.outputs);
  }

  Tensor loss_with(const std::vector<Tensor>& parameters) const {
    return soma::train::compute_loss(std::get<1>(GetParam()).loss,
                                     forward_with(*network_, parameters, data_.features), targets_);
  }

  std::shared_ptr<Sequential> network_;
  soma::data::Dataset data_;
  Tensor targets_;
};

TEST_P(NetworkGradCheck, EveryParameterMatchesFiniteDifferences) {
  const auto& [hidden, loss_case] = GetParam();
  const std::vector<Tensor> parameters = network_->parameters();
  // 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias: every parameter is checked.
  ASSERT_EQ(parameters.size(), 6u);
  ASSERT_EQ(network_->parameter_count(), 16 + 20 + 5 * loss_case.outputs);

  if (hidden == ActivationKind::relu || hidden == ActivationKind::leaky_relu) {
    std::vector<Tensor> pre_activations;
    forward_with(*network_, parameters, data_.features, &pre_activations);
    // The first two are the hidden layers' (a sigmoid or softmax output adds a third).
    ASSERT_GE(pre_activations.size(), 2u);
    for (int layer = 0; layer < 2; ++layer) {
      for (float z : pre_activations[static_cast<size_t>(layer)].to_vector()) {
        ASSERT_GT(std::fabs(z), kink_margin) << "hidden layer " << layer << " is near the kink";
      }
    }
  }

  const soma::GradCheckReport report = soma::check_gradients(
      [this](const std::vector<Tensor>& in) { return loss_with(in); }, parameters);
  EXPECT_TRUE(report.passed) << report.to_string();
  ASSERT_EQ(report.inputs.size(), parameters.size());

  // The check is not vacuous: every parameter tensor has a non-zero gradient.
  std::vector<Tensor> copies;
  for (const Tensor& p : parameters) copies.push_back(p.clone().set_requires_grad(true));
  soma::backward(loss_with(copies));
  for (size_t i = 0; i < copies.size(); ++i) {
    ASSERT_TRUE(copies[i].grad().defined()) << "parameter " << i;
    const std::vector<float> g = copies[i].grad().to_vector();
    EXPECT_TRUE(std::any_of(g.begin(), g.end(), [](float v) { return v != 0.0f; }))
        << "parameter " << i;
  }
}

// The network's own forward and backward: the same loss and gradients as the checked form.
TEST_P(NetworkGradCheck, NetworkBackwardEqualsTheCheckedGradients) {
  const auto& [hidden, loss_case] = GetParam();
  const std::vector<Tensor> parameters = network_->parameters();
  std::vector<Tensor> copies;
  for (const Tensor& p : parameters) copies.push_back(p.clone().set_requires_grad(true));
  const Tensor checked_loss = loss_with(copies);
  soma::backward(checked_loss);

  network_->zero_grad();
  const Tensor loss =
      soma::train::compute_loss(loss_case.loss, network_->forward(data_.features), targets_);
  EXPECT_EQ(loss.item(), checked_loss.item());
  soma::backward(loss);
  for (size_t i = 0; i < parameters.size(); ++i) {
    ASSERT_TRUE(parameters[i].grad().defined()) << "parameter " << i;
    EXPECT_EQ(parameters[i].grad().to_vector(), copies[i].grad().to_vector()) << "parameter " << i;
  }
}

std::string case_name(const ::testing::TestParamInfo<Param>& info) {
  return std::string(soma::nn::activation_name(std::get<0>(info.param))) + "_" +
         std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(AllActivationsAndLosses, NetworkGradCheck,
                         ::testing::Combine(::testing::ValuesIn(hidden_activations),
                                            ::testing::ValuesIn(loss_cases)),
                         case_name);

}  // namespace
