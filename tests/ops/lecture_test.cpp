// The lecture's backpropagation examples, derived by hand in the comments and checked against
// soma: a chain, a neuron, a layer on a batch, softmax cross-entropy, equal-weight symmetry.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "soma/soma.hpp"

namespace {

using soma::Shape;
using soma::Tensor;

Tensor parameter(Tensor t) {
  t.set_requires_grad();
  return t;
}

double sigmoid(double t) {
  return 1.0 / (1.0 + std::exp(-t));
}

// (1) The chain x -> y = 2x -> z = y^2 -> l = 3z at x = 1.5:
//   y = 3, z = 9, l = 27;
//   dl/dz = 3, dl/dy = dl/dz * dz/dy = 3 * 2y = 18, dl/dx = dl/dy * dy/dx = 18 * 2 = 36.
TEST(LectureTest, ChainRuleThroughThreeFunctions) {
  Tensor x = parameter(soma::scalar(1.5f));
  Tensor y = x * 2.0f;
  Tensor z = soma::square(y);
  const Tensor l = z * 3.0f;
  y.retain_grad();
  z.retain_grad();
  EXPECT_FLOAT_EQ(l.item(), 27.0f);
  soma::backward(l);
  EXPECT_FLOAT_EQ(z.grad().item(), 3.0f);
  EXPECT_FLOAT_EQ(y.grad().item(), 18.0f);
  EXPECT_FLOAT_EQ(x.grad().item(), 36.0f);
}

// The same chain ending in l = e^z, at x = 0.5: y = 1, z = 1, l = e;
//   dl/dz = e^z = e, dl/dy = e * 2y = 2e, dl/dx = 2e * 2 = 4e.
TEST(LectureTest, ChainRuleEndingInExp) {
  Tensor x = parameter(soma::scalar(0.5f));
  Tensor y = x * 2.0f;
  Tensor z = soma::pow(y, 2.0f);
  const Tensor l = soma::exp(z);
  y.retain_grad();
  z.retain_grad();
  const double e = std::exp(1.0);
  EXPECT_NEAR(l.item(), e, 1e-6);
  soma::backward(l);
  EXPECT_NEAR(z.grad().item(), e, 1e-6);
  EXPECT_NEAR(y.grad().item(), 2 * e, 1e-6);
  EXPECT_NEAR(x.grad().item(), 4 * e, 1e-6);
}

// (2) The neuron L = sigmoid(w1 x + w2 y + b) at x = 1, y = -2, w1 = 0.5, w2 = 0.25, b = 0.1:
//   t = 0.5 - 0.5 + 0.1 = 0.1, s = sigmoid(0.1) = 0.52497918747894,
//   s' = s (1 - s) = 0.24937604019289, and by the chain rule through t:
//   dL/dx = s' w1, dL/dy = s' w2, dL/dw1 = s' x, dL/dw2 = s' y, dL/db = s'.
TEST(LectureTest, SingleNeuron) {
  Tensor x = parameter(soma::scalar(1.0f));
  Tensor y = parameter(soma::scalar(-2.0f));
  Tensor w1 = parameter(soma::scalar(0.5f));
  Tensor w2 = parameter(soma::scalar(0.25f));
  Tensor b = parameter(soma::scalar(0.1f));
  const Tensor s = soma::sigmoid(w1 * x + w2 * y + b);
  const double ds = 0.24937604019289;
  EXPECT_NEAR(s.item(), 0.52497918747894, 1e-6);
  soma::backward(s);
  EXPECT_NEAR(x.grad().item(), ds * 0.5, 1e-6);
  EXPECT_NEAR(y.grad().item(), ds * 0.25, 1e-6);
  EXPECT_NEAR(w1.grad().item(), ds * 1.0, 1e-6);
  EXPECT_NEAR(w2.grad().item(), ds * -2.0, 1e-6);
  EXPECT_NEAR(b.grad().item(), ds, 1e-6);
}

// (3) A fully connected layer on a batch, in soma's convention X_i = g(X_{i-1} W_i + b_i):
// x is (n x p), W is (p x q), b is (q), t = x W + b, y = g(t) with g = sigmoid, and
// L = squared_error(y, target) = sum (y - target)^2 / (n q). Backpropagation gives
//   dL/dy = 2 (y - target) / (n q),
//   dL/dt = dL/dy (.) g'(t) = dL/dy (.) y (1 - y)  (Hadamard product),
//   dL/dW = x^T dL/dt,  dL/db = sum over the batch of dL/dt,  dL/dx = dL/dt W^T.
// The test computes these with plain loops in double and compares.
TEST(LectureTest, FullyConnectedLayerMatchesTheMatrixFormulas) {
  const int n = 5;
  const int p = 4;
  const int q = 3;
  soma::Generator generator(31);
  Tensor x = parameter(soma::uniform(Shape{n, p}, -1.0f, 1.0f, generator));
  Tensor w = parameter(soma::uniform(Shape{p, q}, -1.0f, 1.0f, generator));
  Tensor b = parameter(soma::uniform(Shape{q}, -1.0f, 1.0f, generator));
  const Tensor target = soma::uniform(Shape{n, q}, 0.0f, 1.0f, generator);
  const Tensor loss = soma::squared_error(soma::sigmoid(soma::matmul(x, w) + b), target);
  soma::backward(loss);

  // The forward pass and the formulas above, by hand.
  std::vector<double> d_t(n * q);
  double expected_loss = 0.0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < q; ++j) {
      double t = b.at({j});
      for (int k = 0; k < p; ++k) t += static_cast<double>(x.at({i, k})) * w.at({k, j});
      const double y = sigmoid(t);
      const double error = y - target.at({i, j});
      expected_loss += error * error / (n * q);
      d_t[i * q + j] = 2.0 * error / (n * q) * y * (1.0 - y);
    }
  }
  EXPECT_NEAR(loss.item(), expected_loss, 1e-6);
  for (int k = 0; k < p; ++k) {
    for (int j = 0; j < q; ++j) {
      double d_w = 0.0;  // (x^T dL/dt)[k][j]
      for (int i = 0; i < n; ++i) d_w += x.at({i, k}) * d_t[i * q + j];
      EXPECT_NEAR(w.grad().at({k, j}), d_w, 1e-6) << "dL/dW[" << k << "][" << j << "]";
    }
  }
  for (int j = 0; j < q; ++j) {
    double d_b = 0.0;
    for (int i = 0; i < n; ++i) d_b += d_t[i * q + j];
    EXPECT_NEAR(b.grad().at({j}), d_b, 1e-6) << "dL/db[" << j << "]";
  }
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < p; ++k) {
      double d_x = 0.0;  // (dL/dt W^T)[i][k]
      for (int j = 0; j < q; ++j) d_x += d_t[i * q + j] * w.at({k, j});
      EXPECT_NEAR(x.grad().at({i, k}), d_x, 1e-6) << "dL/dx[" << i << "][" << k << "]";
    }
  }
}

// The same layer on a tiny case where every number is exact in binary:
//   x = [[1, 2], [-2, -4]], W = [[0.5], [-0.25]], b = [0], target = [[1], [0.25]].
//   t = x W + b = [[0.5 - 0.5], [-1 + 1]] = [[0], [0]], so y = sigmoid(0) = [[0.5], [0.5]]
//   and g'(t) = 0.5 (1 - 0.5) = 0.25.
//   L = ((0.5 - 1)^2 + (0.5 - 0.25)^2) / 2 = (0.25 + 0.0625) / 2 = 0.15625.
//   dL/dy = 2 (y - target) / 2 = [[-0.5], [0.25]], dL/dt = 0.25 dL/dy = [[-0.125], [0.0625]].
//   dL/dW = x^T dL/dt = [[1 (-0.125) + (-2) 0.0625], [2 (-0.125) + (-4) 0.0625]]
//         = [[-0.25], [-0.5]],
//   dL/db = -0.125 + 0.0625 = -0.0625,
//   dL/dx = dL/dt W^T = [[-0.125 * 0.5, -0.125 * -0.25], [0.0625 * 0.5, 0.0625 * -0.25]]
//         = [[-0.0625, 0.03125], [0.03125, -0.015625]].
TEST(LectureTest, FullyConnectedLayerTinyCaseByHand) {
  Tensor x = parameter(soma::tensor({{1.0f, 2.0f}, {-2.0f, -4.0f}}));
  Tensor w = parameter(soma::from_values(Shape{2, 1}, {0.5f, -0.25f}));
  Tensor b = parameter(soma::tensor({0.0f}));
  const Tensor target = soma::from_values(Shape{2, 1}, {1.0f, 0.25f});
  const Tensor y = soma::sigmoid(soma::matmul(x, w) + b);
  EXPECT_EQ(y.to_vector(), (std::vector<float>{0.5f, 0.5f}));
  const Tensor loss = soma::squared_error(y, target);
  EXPECT_EQ(loss.item(), 0.15625f);
  soma::backward(loss);
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{-0.25f, -0.5f}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{-0.0625f}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{-0.0625f, 0.03125f, 0.03125f, -0.015625f}));
}

// (4) For L = -(1/n) sum_i log softmax(z_i)[label_i], dL/dz = (softmax(z) - onehot(label)) / n:
// d/dz_ik of -log softmax(z_i)[c] = -(delta_kc - softmax(z_i)[k]).
TEST(LectureTest, SoftmaxCrossEntropyGradientIsSoftmaxMinusOneHot) {
  const int n = 3;
  const int classes = 4;
  const std::vector<int64_t> labels = {1, 3, 0};
  soma::Generator generator(5);
  Tensor z = parameter(soma::uniform(Shape{n, classes}, -3.0f, 3.0f, generator));
  const Tensor loss = soma::softmax_cross_entropy(z, labels);
  soma::backward(loss);
  double expected_loss = 0.0;
  for (int i = 0; i < n; ++i) {
    double total = 0.0;
    for (int k = 0; k < classes; ++k) total += std::exp(static_cast<double>(z.at({i, k})));
    for (int k = 0; k < classes; ++k) {
      const double probability = std::exp(static_cast<double>(z.at({i, k}))) / total;
      const double one_hot = k == labels[static_cast<size_t>(i)] ? 1.0 : 0.0;
      if (one_hot == 1.0) expected_loss -= std::log(probability) / n;
      EXPECT_NEAR(z.grad().at({i, k}), (probability - one_hot) / n, 1e-7)
          << "row " << i << ", class " << k;
    }
  }
  EXPECT_NEAR(loss.item(), expected_loss, 1e-6);
  // Each row of the gradient sums to (1 - 1) / n = 0.
  for (int i = 0; i < n; ++i) {
    double row = 0.0;
    for (int k = 0; k < classes; ++k) row += z.grad().at({i, k});
    EXPECT_NEAR(row, 0.0, 1e-7);
  }
}

// (5) With every hidden unit given the same incoming and outgoing weights, the units compute
// the same function, so backpropagation gives each the same gradient: gradient descent can
// never tell them apart. That is why weights are initialised randomly.
TEST(LectureTest, EqualWeightsGiveEveryHiddenUnitTheSameGradient) {
  const int n = 4;
  const int p = 3;
  const int hidden = 5;
  soma::Generator generator(9);
  const Tensor x = soma::uniform(Shape{n, p}, -1.0f, 1.0f, generator);
  const Tensor target = soma::uniform(Shape{n, 1}, 0.0f, 1.0f, generator);
  Tensor w1 = parameter(soma::full(Shape{p, hidden}, 0.3f));
  Tensor b1 = parameter(soma::full(Shape{hidden}, 0.1f));
  Tensor w2 = parameter(soma::full(Shape{hidden, 1}, -0.2f));
  Tensor b2 = parameter(soma::full(Shape{1}, 0.05f));
  const Tensor h = soma::sigmoid(soma::matmul(x, w1) + b1);
  soma::backward(soma::squared_error(soma::matmul(h, w2) + b2, target));

  const Tensor d_w1 = w1.grad();
  for (int k = 0; k < p; ++k) {
    EXPECT_NE(d_w1.at({k, 0}), 0.0f);
    for (int j = 1; j < hidden; ++j) {
      EXPECT_NEAR(d_w1.at({k, j}), d_w1.at({k, 0}), 1e-7f) << "input " << k << ", unit " << j;
    }
  }
  for (int j = 1; j < hidden; ++j) {
    EXPECT_NEAR(b1.grad().at({j}), b1.grad().at({0}), 1e-7f) << "unit " << j;
    EXPECT_NEAR(w2.grad().at({j, 0}), w2.grad().at({0, 0}), 1e-7f) << "unit " << j;
  }
  // Rows of the input differ, so the symmetry is not a matter of identical inputs.
  EXPECT_NE(x.at({0, 0}), x.at({1, 0}));
}

}  // namespace
