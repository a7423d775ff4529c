// Counts what a backward pass asks of the general allocator, in an executable of its own
// (it replaces operator new): a W1 step lasts a few microseconds, so each allocation shows.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "soma/autograd/engine.hpp"
#include "soma/core/sanitizer.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/ops/loss.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/tensor/generator.hpp"

namespace {

std::atomic<long> allocations{0};

}  // namespace

void* operator new(std::size_t bytes) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* block = std::malloc(bytes == 0 ? 1 : bytes)) return block;
  throw std::bad_alloc();
}
void operator delete(void* block) noexcept {
  std::free(block);
}
void operator delete(void* block, std::size_t) noexcept {
  std::free(block);
}

namespace {

using soma::Tensor;

// W1's network and batch (2-16-16-1 tanh, 32 samples, logistic loss), every other step a
// plain backward and a fused SGD step. Once the pools hold the step's tensors and nodes,
// the engine's bookkeeping is four arrays per pass (the order, its positions, the sort's
// stack, the pending gradients), and the fused step's plan two more (the routes, the
// parameters' buffers); each node's backward function returns its list of gradients.
TEST(EngineAllocationsTest, APassAllocatesFourArraysAndOneListPerNode) {
  if (soma::built_with_address_sanitizer) {
    GTEST_SKIP() << "the pools step aside under AddressSanitizer: every tensor is allocated";
  }
  soma::Generator generator(1);
  const auto network = soma::nn::build_network(
      {.layer_sizes = {2, 16, 16, 1}, .hidden_activation = soma::nn::ActivationKind::tanh},
      generator);
  soma::Sgd sgd(network->parameters(), {.learning_rate = 0.1f});
  const Tensor batch = soma::uniform(soma::Shape{32, 2}, -1.0f, 1.0f, generator);
  const Tensor target = soma::uniform(soma::Shape{32, 1}, 0.0f, 1.0f, generator);
  for (int step = 0; step < 6; ++step) {
    const Tensor loss = soma::binary_cross_entropy_with_logits((*network)(batch), target);
    long nodes = 0;
    for (const Tensor& tensor : soma::topological_order(loss).tensors) nodes += !tensor.is_leaf();
    const bool fused = step % 2 == 1;
    const long before = allocations.load();
    if (fused) {
      sgd.backward_and_step(loss);
    } else {
      soma::backward(loss);
    }
    const long used = allocations.load() - before;
    sgd.zero_grad(/*set_to_none=*/true);
    if (step < 2) continue;  // the pools fill on the first steps
    EXPECT_EQ(nodes, 6);     // three linear, two tanh, the loss
    EXPECT_LE(used, nodes + (fused ? 6 : 4)) << (fused ? "fused SGD step" : "plain backward");
  }
}

}  // namespace
