// Helpers shared by the examples: the rings dataset, train a classifier in a few lines, and
// check a claim (an example exits non-zero when what it demonstrates does not hold, so the
// tests run every example as a test).
#pragma once

#include <cstdio>
#include <cstring>
#include <memory>

#include "soma/data/dataset.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/optim/adam.hpp"
#include "soma/train/fit.hpp"

namespace example {

// "--small" runs the example with fewer samples and epochs (as the tests do).
inline bool small_run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--small") == 0) return true;
  }
  return false;
}

// Two noisy concentric rings, 1000 samples (300 with --small) drawn from `seed`: data no
// linear model separates.
inline soma::data::Dataset rings(bool small, uint64_t seed) {
  soma::Generator generator(seed);
  return soma::data::circles(small ? 300 : 1000, 0.05, generator);
}

// Trains with Adam on binary cross-entropy (the network ends in a sigmoid) and returns the
// training accuracy.
inline double train_binary_classifier(soma::nn::Module& network, const soma::data::Dataset& data,
                                      int epochs, float learning_rate = 0.02f, uint64_t seed = 1) {
  soma::Adam optimizer(network.parameters(), {.learning_rate = learning_rate});
  soma::train::FitOptions options;
  options.loss = soma::train::LossKind::binary_cross_entropy;
  options.epochs = epochs;
  options.batch_size = 32;
  options.seed = seed;
  soma::train::fit(network, optimizer, data, options);
  return soma::train::evaluate(network, data, options.loss).accuracy;
}

class Claims {
 public:
  void check(bool holds, const char* claim) {
    std::printf("  [%s] %s\n", holds ? "ok" : "FAILED", claim);
    failures_ += holds ? 0 : 1;
  }
  int exit_code() const { return failures_ == 0 ? 0 : 1; }

 private:
  int failures_ = 0;
};

}  // namespace example
