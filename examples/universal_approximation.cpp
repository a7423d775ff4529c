// Universal approximation: one hidden layer of q tanh neurons fits sin(2 pi x) on [0, 1],
// and the worst error shrinks as q grows (q = 1, 2, 4, 8, 16, 32).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common.hpp"
#include "soma/autograd/grad_mode.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/ops/shape_ops.hpp"

using namespace soma;

int main(int argc, char** argv) {
  const bool small = example::small_run(argc, argv);
  const int epochs = small ? 1500 : 3000;
  Generator generator(8);
  const data::Dataset samples =
      data::regression_1d(data::Function1d::sine, small ? 100 : 200, 0.0, generator);
  // The worst error is measured on a fine grid, not only at the training points.
  const Tensor grid = reshape(arange(0.0f, 1.0f, 0.001f), {-1, 1});

  std::printf("   q   worst |error| on [0, 1]\n");
  std::vector<double> worst_errors;
  for (int64_t q : {1, 2, 4, 8, 16, 32}) {
    Generator weights(static_cast<uint64_t>(q));
    auto network = nn::build_network(
        {.layer_sizes = {1, q, 1}, .hidden_activation = nn::ActivationKind::tanh}, weights);
    Adam optimizer(network->parameters(), {.learning_rate = 0.01f});
    train::FitOptions options;
    options.loss = train::LossKind::squared_error;
    options.epochs = epochs;
    options.batch_size = 0;  // full-batch gradient descent
    train::fit(*network, optimizer, samples, options);
    const Tensor predicted = train::predict(*network, grid);
    double worst = 0.0;
    for (int64_t i = 0; i < grid.numel(); ++i) {
      const double x = grid.data()[i];
      worst = std::max(worst, std::fabs(predicted.data()[i] - std::sin(2.0 * M_PI * x)));
    }
    worst_errors.push_back(worst);
    std::printf("%4lld   %.4f\n", static_cast<long long>(q), worst);
  }
  example::Claims claims;
  claims.check(worst_errors.front() > 0.5, "one neuron cannot follow a whole sine period");
  claims.check(
      *std::min_element(worst_errors.begin() + 3, worst_errors.end()) < worst_errors.front() / 4,
      "a wider hidden layer approximates it far better");
  return claims.exit_code();
}
