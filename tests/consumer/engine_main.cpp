// Uses soma's engine alone (soma::engine, without the pictures or Cairo): a network built
// from its sizes, counted, and one backward pass through it.
#include <cstdio>

#include "soma/autograd/engine.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/ops/reduction.hpp"
#include "soma/tensor/generator.hpp"

int main() {
  soma::Generator generator(0);
  const auto network =
      soma::nn::build_network({.layer_sizes = soma::nn::parse_layer_sizes("8-9-9-9-4")}, generator);
  soma::Tensor loss = soma::sum((*network)(soma::ones(soma::Shape{2, 8})));
  soma::backward(loss);
  const soma::Tensor first_weight = network->parameters().front();
  std::printf("parameters %lld, first weight's gradient of shape %s\n",
              static_cast<long long>(network->parameter_count()),
              first_weight.grad().shape().to_string().c_str());
  return 0;
}
