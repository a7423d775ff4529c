// The tour of soma's C++ API from README.md, as a program that is built and run by the
// tests, so the README cannot drift from what the library does.
#include <iostream>

#include "soma/soma.hpp"

int main() {
  using namespace soma;

  // Tensors: float32, row-major, 0-d up to 8-d. Random numbers come from an explicit seed.
  Generator generator(42);
  Tensor x = normal({4, 3}, 0.0f, 1.0f, generator);  // a batch of 4 samples, 3 features
  Tensor w = uniform({3, 2}, -0.5f, 0.5f, generator).set_requires_grad();
  Tensor b = zeros({2}).set_requires_grad();
  std::cout << "x = " << x << "\n";

  // A layer X W + b with a sigmoid: each operation records one node of the graph.
  Tensor y = sigmoid(matmul(x, w) + b);  // (4x3)(3x2) + (2) -> (4x2)
  Tensor target = tensor({{0, 1}, {1, 0}, {0, 1}, {1, 0}});
  Tensor loss = squared_error(y, target);

  // Backpropagation fills w.grad() and b.grad() with d(loss)/dw and d(loss)/db.
  backward(loss);
  std::cout << "loss = " << loss.item() << "\n";
  std::cout << "dloss/db = " << b.grad() << "\n";

  // Inference without recording a graph.
  {
    NoGradGuard no_grad;
    Tensor prediction = sigmoid(matmul(x, w) + b);
    std::cout << "records a graph: " << std::boolalpha << prediction.requires_grad() << "\n";
  }

  // Shape errors name the operation and the shapes.
  try {
    matmul(x, x);
  } catch (const Error& error) {
    std::cout << error.what() << "\n";
  }

  // Backpropagation checked against finite differences.
  GradCheckReport report = check_gradients(
      [&](const std::vector<Tensor>& in) {
        return squared_error(sigmoid(matmul(x, in[0]) + in[1]), target);
      },
      {w, b});
  std::cout << report.to_string();
  return report.passed ? 0 : 1;
}
