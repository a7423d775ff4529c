// Tests Dense: the forward pass against hand loops and a hand-worked case, shape errors,
// the no-bias option, a single neuron, initial weights, and the backward pass by formula.
#include "soma/nn/dense.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/reduction.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::Shape;
using soma::Tensor;
using soma::nn::Dense;
using soma::nn::DenseOptions;
using soma::nn::Initializer;

void set_values(const Tensor& target, const std::vector<float>& values) {
  ASSERT_EQ(target.numel(), static_cast<int64_t>(values.size()));
  Tensor handle = target;
  for (size_t i = 0; i < values.size(); ++i) handle.data()[i] = values[i];
}

// y[i][j] = sum_k x[i][k] w[k][j] + b[j], by plain loops in double.
std::vector<float> reference_forward(const std::vector<float>& x, const std::vector<float>& w,
                                     const std::vector<float>& b, int64_t samples, int64_t inputs,
                                     int64_t outputs) {
  std::vector<float> y(static_cast<size_t>(samples * outputs));
  for (int64_t i = 0; i < samples; ++i) {
    for (int64_t j = 0; j < outputs; ++j) {
      double total = b.empty() ? 0.0 : b[static_cast<size_t>(j)];
      for (int64_t k = 0; k < inputs; ++k) {
        total += static_cast<double>(x[static_cast<size_t>(i * inputs + k)]) *
                 w[static_cast<size_t>(k * outputs + j)];
      }
      y[static_cast<size_t>(i * outputs + j)] = static_cast<float>(total);
    }
  }
  return y;
}

void expect_near_all(const std::vector<float>& actual, const std::vector<float>& expected,
                     float tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "element " << i;
  }
}

TEST(DenseTest, ForwardIsXWPlusB) {
  Generator generator(1);
  Dense dense(2, 3, generator);
  const std::vector<float> w = {1.0f, 2.0f, 3.0f, -1.0f, 0.5f, 0.0f};  // (2x3)
  const std::vector<float> b = {0.1f, -0.2f, 0.3f};
  set_values(dense.weight(), w);
  set_values(dense.bias(), b);
  const std::vector<float> x = {1.0f, 2.0f, -1.0f, 0.0f, 0.5f, 0.5f, 3.0f, -2.0f};  // (4x2)
  const Tensor y = dense.forward(soma::from_values(Shape{4, 2}, x));
  ASSERT_EQ(y.shape(), (Shape{4, 3}));
  // Row 0 by hand: [1 2] W = [1 - 2, 2 + 1, 3 + 0] = [-1, 3, 3]; plus b.
  EXPECT_FLOAT_EQ(y.at({0, 0}), -0.9f);
  EXPECT_FLOAT_EQ(y.at({0, 1}), 2.8f);
  EXPECT_FLOAT_EQ(y.at({0, 2}), 3.3f);
  expect_near_all(y.to_vector(), reference_forward(x, w, b, 4, 2, 3), 1e-6f);
}

TEST(DenseTest, ForwardMatchesLoopsOnRandomWeights) {
  Generator generator(2);
  Dense dense(7, 5, generator, DenseOptions{.bias_init = Initializer::uniform(-1.0f, 1.0f)});
  const Tensor x = soma::normal(Shape{6, 7}, 0.0f, 1.0f, generator);
  const Tensor y = dense(x);
  ASSERT_EQ(y.shape(), (Shape{6, 5}));
  expect_near_all(y.to_vector(),
                  reference_forward(x.to_vector(), dense.weight().to_vector(),
                                    dense.bias().to_vector(), 6, 7, 5),
                  1e-5f);
}

TEST(DenseTest, ShapeErrorsNameTheLayerAndShapes) {
  Generator generator(3);
  Dense dense(2, 3, generator);
  EXPECT_EQ(error_message([&] {
              dense.forward(soma::zeros(Shape{4, 5}));
            }),
            "Dense(2 -> 3): expects input of shape (samples x 2), got (4x5)");
  EXPECT_EQ(error_message([&] { dense.forward(soma::zeros(Shape{2})); }),
            "Dense(2 -> 3): expects input of shape (samples x 2), got (2)");
  EXPECT_EQ(error_message([&] { dense.output_features(4); }),
            "Dense(2 -> 3): receives 4 features per sample, expects 2");
  EXPECT_EQ(dense.output_features(2), 3);
  EXPECT_EQ(error_message([&] { Dense(0, 3, generator); }),
            "Dense: inputs and outputs must be positive, got 0 -> 3");
  EXPECT_EQ(error_message([&] { Dense(2, -1, generator); }),
            "Dense: inputs and outputs must be positive, got 2 -> -1");
}

TEST(DenseTest, DescribesItself) {
  Generator generator(4);
  Dense dense(2, 16, generator);
  EXPECT_EQ(dense.describe(), "Dense(2 -> 16)");
  EXPECT_EQ(dense.architecture(), "dense 2 16");
  EXPECT_EQ(dense.inputs(), 2);
  EXPECT_EQ(dense.outputs(), 16);
  EXPECT_TRUE(dense.has_bias());
}

TEST(DenseTest, WithoutBiasComputesXW) {
  Generator generator(5);
  Dense dense(2, 3, generator, DenseOptions{.bias = false});
  EXPECT_FALSE(dense.has_bias());
  EXPECT_FALSE(dense.bias().defined());
  ASSERT_EQ(dense.named_parameters().size(), 1u);
  EXPECT_EQ(dense.named_parameters()[0].first, "weight");
  EXPECT_EQ(dense.parameter_count(), 6);
  EXPECT_EQ(dense.architecture(), "dense 2 3 no_bias");
  const std::vector<float> w = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f};
  set_values(dense.weight(), w);
  const Tensor y = dense.forward(soma::tensor({{1.0f, -1.0f}, {2.0f, 0.5f}}));
  // [1 -1] W = [1-4, 2-5, 3-6]; [2 0.5] W = [2+2, 4+2.5, 6+3].
  EXPECT_EQ(y.to_vector(), (std::vector<float>{-3.0f, -3.0f, -3.0f, 4.0f, 6.5f, 9.0f}));
}

TEST(DenseTest, ASingleNeuronIsDenseWithOneOutput) {
  Generator generator(6);
  Dense neuron(3, 1, generator);
  set_values(neuron.weight(), {0.5f, -1.0f, 2.0f});
  set_values(neuron.bias(), {0.25f});
  const Tensor y = neuron.forward(soma::tensor({{1.0f, 1.0f, 1.0f}, {2.0f, 0.0f, -1.0f}}));
  ASSERT_EQ(y.shape(), (Shape{2, 1}));
  // w . x + b: 0.5 - 1 + 2 + 0.25 = 1.75; 1 + 0 - 2 + 0.25 = -0.75.
  EXPECT_EQ(y.to_vector(), (std::vector<float>{1.75f, -0.75f}));
  EXPECT_EQ(neuron.parameter_count(), 4);
}

TEST(DenseTest, InitialWeightsComeFromTheInitializerAndGenerator) {
  Generator generator(7);
  Dense dense(4, 3, generator,
              DenseOptions{.weight_init = Initializer::he_normal(),
                           .bias_init = Initializer::constant(0.5f)});
  Generator reference(7);
  Tensor expected = soma::zeros(Shape{4, 3});
  soma::nn::initialize(expected, Initializer::he_normal(), 4, 3, reference);
  EXPECT_EQ(dense.weight().to_vector(), expected.to_vector());
  EXPECT_EQ(dense.bias().to_vector(), std::vector<float>(3, 0.5f));

  Generator default_generator(7);
  Dense glorot(4, 3, default_generator);
  Generator glorot_reference(7);
  soma::nn::initialize(expected, Initializer::glorot_uniform(), 4, 3, glorot_reference);
  EXPECT_EQ(glorot.weight().to_vector(), expected.to_vector());
  EXPECT_EQ(glorot.bias().to_vector(), std::vector<float>(3, 0.0f));  // zeros by default
}

// For y = x W + b and L = sum(y * G): dL/dy = G, dL/dW = x^T G, dL/db = column sums of G,
// dL/dx = G W^T.
TEST(DenseTest, BackwardGivesXTransposeGAndColumnSums) {
  Generator generator(8);
  const int64_t samples = 4;
  const int64_t inputs = 3;
  const int64_t outputs = 2;
  Dense dense(inputs, outputs, generator,
              DenseOptions{.bias_init = Initializer::uniform(-1.0f, 1.0f)});
  Tensor x = soma::normal(Shape{samples, inputs}, 0.0f, 1.0f, generator);
  x.set_requires_grad(true);
  const Tensor g = soma::normal(Shape{samples, outputs}, 0.0f, 1.0f, generator);
  soma::backward(soma::sum(soma::mul(dense.forward(x), g)));

  const std::vector<float> xv = x.to_vector();
  const std::vector<float> gv = g.to_vector();
  const std::vector<float> wv = dense.weight().to_vector();
  std::vector<float> expected_dw(static_cast<size_t>(inputs * outputs), 0.0f);
  std::vector<float> expected_db(static_cast<size_t>(outputs), 0.0f);
  std::vector<float> expected_dx(static_cast<size_t>(samples * inputs), 0.0f);
  for (int64_t i = 0; i < samples; ++i) {
    for (int64_t j = 0; j < outputs; ++j) {
      const float gij = gv[static_cast<size_t>(i * outputs + j)];
      expected_db[static_cast<size_t>(j)] += gij;
      for (int64_t k = 0; k < inputs; ++k) {
        expected_dw[static_cast<size_t>(k * outputs + j)] +=
            xv[static_cast<size_t>(i * inputs + k)] * gij;
        expected_dx[static_cast<size_t>(i * inputs + k)] +=
            gij * wv[static_cast<size_t>(k * outputs + j)];
      }
    }
  }
  ASSERT_TRUE(dense.weight().grad().defined());
  ASSERT_TRUE(dense.bias().grad().defined());
  EXPECT_EQ(dense.weight().grad().shape(), (Shape{inputs, outputs}));
  EXPECT_EQ(dense.bias().grad().shape(), (Shape{outputs}));
  expect_near_all(dense.weight().grad().to_vector(), expected_dw, 1e-5f);
  expect_near_all(dense.bias().grad().to_vector(), expected_db, 1e-5f);
  expect_near_all(x.grad().to_vector(), expected_dx, 1e-5f);
}

}  // namespace
