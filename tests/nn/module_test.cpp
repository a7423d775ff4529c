// Tests the Module base through Sequential and Dense: parameter names and order, counts,
// train/eval propagation, zero_grad, and snapshot/restore of parameter values in place.
#include "soma/nn/module.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/nn/activation_layer.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/sequential.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::Shape;
using soma::Tensor;
using soma::nn::ActivationKind;
using soma::nn::Dense;
using soma::nn::DenseOptions;
using soma::nn::Sequential;

// 2 -> 3 -> relu -> 1: parameters 0.weight (2x3), 0.bias (3), 2.weight (3x1), 2.bias (1).
std::shared_ptr<Sequential> small_network(Generator& generator, int64_t hidden = 3) {
  auto network = std::make_shared<Sequential>();
  network->emplace<Dense>(2, hidden, generator);
  network->emplace<soma::nn::Activation>(ActivationKind::relu);
  network->emplace<Dense>(hidden, 1, generator);
  return network;
}

// A module of our own that registers a parameter under an explicit name and one child.
class Scaled : public soma::nn::Module {
 public:
  explicit Scaled(Generator& generator) {
    scale_ = register_parameter("scale", soma::full(Shape{1}, 2.0f));
    register_module("inner", std::make_shared<Dense>(2, 2, generator));
  }
  Tensor forward(const Tensor& input) override { return input; }
  std::string describe() const override { return "Scaled"; }
  int64_t output_features(int64_t input_features) const override { return input_features; }
  std::string architecture() const override { return "scaled"; }
  void register_twice() { register_parameter("scale", soma::zeros(Shape{1})); }
  void register_null_child() { register_module("missing", nullptr); }

 private:
  Tensor scale_;
};

std::vector<std::string> names_of(const soma::nn::Module& module) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : module.named_parameters()) names.push_back(name);
  return names;
}

TEST(ModuleTest, SequentialNamesParametersByPosition) {
  Generator generator(1);
  auto network = small_network(generator);
  const auto named = network->named_parameters();
  ASSERT_EQ(named.size(), 4u);
  EXPECT_EQ(names_of(*network),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(named[0].second.shape(), (Shape{2, 3}));
  EXPECT_EQ(named[1].second.shape(), (Shape{3}));
  EXPECT_EQ(named[2].second.shape(), (Shape{3, 1}));
  EXPECT_EQ(named[3].second.shape(), (Shape{1}));
  // The handles are the layers' own tensors, not copies.
  const auto& first = dynamic_cast<const Dense&>(network->layer(0));
  const auto& last = dynamic_cast<const Dense&>(network->layer(2));
  EXPECT_TRUE(named[0].second.same_as(first.weight()));
  EXPECT_TRUE(named[1].second.same_as(first.bias()));
  EXPECT_TRUE(named[2].second.same_as(last.weight()));
  EXPECT_TRUE(named[3].second.same_as(last.bias()));
  for (const auto& [name, tensor] : named) EXPECT_TRUE(tensor.requires_grad()) << name;
}

TEST(ModuleTest, NestedModulesAreNamedDepthFirstByPath) {
  Generator generator(2);
  auto inner = small_network(generator);
  Sequential outer;
  outer.add(inner);
  outer.emplace<Scaled>(generator);
  outer.emplace<Dense>(2, 1, generator, DenseOptions{.bias = false});
  EXPECT_EQ(names_of(outer),
            (std::vector<std::string>{"0.0.weight", "0.0.bias", "0.2.weight", "0.2.bias", "1.scale",
                                      "1.inner.weight", "1.inner.bias", "2.weight"}));
  // Own parameters come before the children's.
  Scaled scaled(generator);
  EXPECT_EQ(names_of(scaled), (std::vector<std::string>{"scale", "inner.weight", "inner.bias"}));
}

TEST(ModuleTest, ParametersAndCountFollowNamedParameters) {
  Generator generator(3);
  auto network = small_network(generator);
  const auto named = network->named_parameters();
  const auto parameters = network->parameters();
  ASSERT_EQ(parameters.size(), named.size());
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_TRUE(parameters[i].same_as(named[i].second)) << named[i].first;
  }
  EXPECT_EQ(network->parameter_count(), 2 * 3 + 3 + 3 * 1 + 1);
  EXPECT_EQ(network->layer(1).parameter_count(), 0);
  EXPECT_TRUE(network->layer(1).parameters().empty());

  auto wide = small_network(generator, 10);
  EXPECT_EQ(wide->parameter_count(), 2 * 10 + 10 + 10 * 1 + 1);
}

TEST(ModuleTest, TrainAndEvalReachEveryDescendant) {
  Generator generator(4);
  auto inner = small_network(generator);
  Sequential outer;
  outer.add(inner);
  outer.emplace<Dense>(1, 1, generator);
  auto all_modes = [&] {
    std::vector<bool> modes{outer.is_training(), inner->is_training(),
                            outer.layer(1).is_training()};
    for (size_t i = 0; i < inner->size(); ++i) modes.push_back(inner->layer(i).is_training());
    return modes;
  };
  EXPECT_EQ(all_modes(), std::vector<bool>(6, true));  // training is the default
  outer.eval();
  EXPECT_EQ(all_modes(), std::vector<bool>(6, false));
  outer.train();
  EXPECT_EQ(all_modes(), std::vector<bool>(6, true));
  outer.train(false);
  EXPECT_EQ(all_modes(), std::vector<bool>(6, false));
  // A child switched on its own leaves its parent alone.
  inner->train(true);
  EXPECT_FALSE(outer.is_training());
  EXPECT_TRUE(inner->layer(2).is_training());
  EXPECT_FALSE(outer.layer(1).is_training());
}

TEST(ModuleTest, ZeroGradZeroesEveryParameterGradient) {
  Generator generator(5);
  auto network = small_network(generator);
  // Biases of 1 keep every hidden unit active, so every parameter gets a gradient.
  for (const Tensor& p : network->parameters()) {
    Tensor handle = p;
    for (int64_t i = 0; i < handle.numel(); ++i) handle.data()[i] = 1.0f;
  }
  const Tensor x = soma::tensor({{1.0f, 2.0f}, {0.5f, -0.25f}});
  soma::backward(soma::sum(network->forward(x)));
  for (const auto& [name, p] : network->named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    bool any_nonzero = false;
    for (float g : p.grad().to_vector()) any_nonzero = any_nonzero || g != 0.0f;
    EXPECT_TRUE(any_nonzero) << name;
  }
  network->zero_grad();
  for (const auto& [name, p] : network->named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;  // the buffer is kept
    for (float g : p.grad().to_vector()) EXPECT_EQ(g, 0.0f) << name;
  }
  // Gradients accumulate again from zero: a second pass gives the first pass's values.
  soma::backward(soma::sum(network->forward(x)));
  const auto& last = dynamic_cast<const Dense&>(network->layer(2));
  EXPECT_FLOAT_EQ(last.bias().grad().item(), 2.0f);  // d sum(y) / d b = number of samples
}

TEST(ModuleTest, SnapshotAndRestoreRoundTripInPlace) {
  Generator generator(6);
  auto network = small_network(generator);
  const std::vector<Tensor> handles = network->parameters();
  std::vector<std::vector<float>> original;
  for (const Tensor& p : handles) original.push_back(p.to_vector());

  const soma::nn::ParameterSnapshot snapshot = soma::nn::snapshot_parameters(*network);
  ASSERT_EQ(snapshot.values.size(), 4u);
  EXPECT_EQ(snapshot.values[0].first, "0.weight");
  EXPECT_EQ(snapshot.values[3].first, "2.bias");
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_FALSE(snapshot.values[i].second.same_as(handles[i]));  // a copy, not a handle
  }

  // Overwrite every parameter; the snapshot must not see it.
  for (Tensor p : handles) {
    for (int64_t i = 0; i < p.numel(); ++i) p.data()[i] = 7.0f + static_cast<float>(i);
  }
  EXPECT_EQ(snapshot.values[0].second.to_vector(), original[0]);

  soma::nn::restore_parameters(*network, snapshot);
  const auto after = network->parameters();
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_TRUE(after[i].same_as(handles[i]));       // the same tensors...
    EXPECT_EQ(handles[i].to_vector(), original[i]);  // ...holding the saved values
    EXPECT_TRUE(handles[i].requires_grad());
  }
  // The forward pass uses the restored values.
  const Tensor x = soma::tensor({{0.3f, -0.7f}});
  const Tensor restored_output = network->forward(x);
  Generator again(6);
  auto fresh = small_network(again);
  EXPECT_EQ(restored_output.to_vector(), fresh->forward(x).to_vector());
}

TEST(ModuleTest, RestoreRejectsAMismatchedSnapshot) {
  Generator generator(7);
  auto network = small_network(generator, 3);
  const auto snapshot = soma::nn::snapshot_parameters(*network);

  auto wider = small_network(generator, 4);
  const std::vector<float> before = wider->parameters()[0].to_vector();
  EXPECT_EQ(error_message([&] { soma::nn::restore_parameters(*wider, snapshot); }),
            "restore_parameters: parameter '0.weight' (2x4) does not match the snapshot's "
            "'0.weight' (2x3)");
  EXPECT_EQ(wider->parameters()[0].to_vector(), before);

  Sequential no_bias;
  no_bias.emplace<Dense>(2, 3, generator, DenseOptions{.bias = false});
  EXPECT_EQ(error_message([&] { soma::nn::restore_parameters(no_bias, snapshot); }),
            "restore_parameters: the snapshot has 4 parameters, the module 1");

  // Same count and shapes, different names: 0.weight/2.weight versus 0.weight/1.weight.
  Sequential with_activation;
  with_activation.emplace<Dense>(2, 2, generator, DenseOptions{.bias = false});
  with_activation.emplace<soma::nn::Activation>(ActivationKind::tanh);
  with_activation.emplace<Dense>(2, 2, generator, DenseOptions{.bias = false});
  Sequential two_dense;
  two_dense.emplace<Dense>(2, 2, generator, DenseOptions{.bias = false});
  two_dense.emplace<Dense>(2, 2, generator, DenseOptions{.bias = false});
  const auto two_dense_snapshot = soma::nn::snapshot_parameters(two_dense);
  const std::vector<float> first_before = with_activation.parameters()[0].to_vector();
  EXPECT_EQ(
      error_message([&] { soma::nn::restore_parameters(with_activation, two_dense_snapshot); }),
      "restore_parameters: parameter '2.weight' (2x2) does not match the snapshot's "
      "'1.weight' (2x2)");
  // A failed restore changes nothing, not even the parameters before the mismatch.
  EXPECT_EQ(with_activation.parameters()[0].to_vector(), first_before);
  EXPECT_NE(first_before, two_dense_snapshot.values[0].second.to_vector());
}

TEST(ModuleTest, RegistrationErrors) {
  Generator generator(8);
  Scaled scaled(generator);
  EXPECT_EQ(error_message([&] { scaled.register_twice(); }),
            "register_parameter: 'scale' is already registered");
  EXPECT_EQ(error_message([&] { scaled.register_null_child(); }),
            "register_module: 'missing' is null");
}

}  // namespace
