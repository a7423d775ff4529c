// Uses soma from outside its build: a matrix product and a backward pass.
#include <cstdio>

#include "soma/soma.hpp"

int main() {
  // L = sum((x W)^2) for x = [1 2], W = [[3], [4]]: xW = 11, L = 121, dL/dW = 2*11*x^T.
  soma::Tensor x = soma::tensor({{1.0f, 2.0f}});
  soma::Tensor w = soma::tensor({{3.0f}, {4.0f}}).set_requires_grad();
  soma::Tensor loss = soma::sum(soma::square(soma::matmul(x, w)));
  soma::backward(loss);
  std::printf("loss %g grad %g %g\n", static_cast<double>(loss.item()),
              static_cast<double>(w.grad().at({0, 0})), static_cast<double>(w.grad().at({1, 0})));
  return 0;
}
