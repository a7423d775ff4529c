// Training with the C++ API, as README.md shows it: a 2-16-16-1 tanh network learns the
// two concentric circles with Adam, a validation split and early stopping, and is saved.
#include <cstdio>

#include "soma/soma.hpp"

using namespace soma;

int main(int argc, char** argv) {
  const bool small = argc > 1 && std::string(argv[1]) == "--small";
  Generator generator(1);
  data::Dataset circles = data::circles(400, 0.1, generator);
  auto network = nn::build_network({.layer_sizes = {2, 16, 16, 1},
                                    .hidden_activation = nn::ActivationKind::tanh,
                                    .output_activation = nn::ActivationKind::sigmoid},
                                   generator);
  Adam optimizer(network->parameters(), {.learning_rate = 0.01f});
  train::FitOptions options;
  options.loss = train::LossKind::binary_cross_entropy;
  options.epochs = 150;
  options.validation_split = 0.2;
  options.patience = 10;  // early stopping, restoring the best epoch's weights
  train::History history = train::fit(*network, optimizer, circles, options);
  const std::string path = small ? "train_circles_small.soma" : "circles.soma";
  io::save_model(path, *network);

  const train::EpochRecord& best = history.epochs[static_cast<size_t>(history.best_epoch - 1)];
  std::printf("%zu epochs, best %d: validation accuracy %.3f; saved %s\n", history.epochs.size(),
              history.best_epoch, best.validation_accuracy, path.c_str());
  const bool learnt = best.validation_accuracy >= 0.95;
  if (small) std::remove(path.c_str());
  return learnt ? 0 : 1;
}
