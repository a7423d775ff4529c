// Micro-benchmarks (Google Benchmark) of what is built on the kernels: a Dense layer forward
// + backward, W4's whole forward call, one whole W1 and W2 training step; and the machine's
// ceiling, multiply-adds on registers alone. Part of soma_kernels_benchmark (see
// kernels_benchmark.cpp for how to run it).
#include <benchmark/benchmark.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "benchmark_support.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/autograd/grad_mode.hpp"
#include "soma/kernels/thread_pool.hpp"
#include "soma/kernels/threads.hpp"
#include "soma/nn/dense.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/tensor/generator.hpp"
#include "soma/train/loss_kind.hpp"
#include "workloads.hpp"

namespace soma::bench {

namespace {

// --- the machine's ceiling -------------------------------------------------------------------

// Independent multiply-adds on registers alone, with the widest vectors the CPU has: the most
// floating-point work its cores give at this moment, a ceiling for every product above. On a
// shared host the ceiling itself moves (a core's other hardware thread may belong to another
// guest), which is why bench/compare.sh alternates soma and the peers round by round.
#if defined(__x86_64__)
// Twelve chains of 8 floats (AVX2) or sixteen of 16 (AVX-512): more than FMA latency times
// the FMA ports of current cores, so that the ports, not the chains, limit.
constexpr int avx2_chains = 12;
constexpr int avx2_lanes = 8;
constexpr int avx512_chains = 16;
constexpr int avx512_lanes = 16;

// The loop, written once and defined for each instruction set under its own target (a
// template cannot be: the intrinsics must be compiled inside a function of that target).
// The function returns the sum of every lane of every chain, so that none can be left out.
#define SOMA_INDEPENDENT_MULTIPLY_ADDS(name, target_isa, Vector, chains, lanes, broadcast, fmadd, \
                                       store)                                                     \
  __attribute__((target(target_isa))) float name(int64_t iterations) {                            \
    Vector sums[chains];                                                                          \
    for (int i = 0; i < (chains); ++i) sums[i] = broadcast(0.001f * static_cast<float>(i));       \
    const Vector scale = broadcast(0.999f);                                                       \
    const Vector offset = broadcast(1e-4f);                                                       \
    for (int64_t iteration = 0; iteration < iterations; ++iteration) {                            \
      _Pragma("GCC unroll 16") for (int i = 0; i < (chains); ++i) {                               \
        sums[i] = fmadd(sums[i], scale, offset);                                                  \
      }                                                                                           \
    }                                                                                             \
    float values[lanes];                                                                          \
    float total = 0.0f;                                                                           \
    for (int i = 0; i < (chains); ++i) {                                                          \
      store(values, sums[i]);                                                                     \
      for (const float value : values) total += value;                                            \
    }                                                                                             \
    return total;                                                                                 \
  }

SOMA_INDEPENDENT_MULTIPLY_ADDS(multiply_adds_avx2, "avx2,fma", __m256, avx2_chains, avx2_lanes,
                               _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps)
SOMA_INDEPENDENT_MULTIPLY_ADDS(multiply_adds_avx512, "avx512f", __m512, avx512_chains, avx512_lanes,
                               _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps)
#undef SOMA_INDEPENDENT_MULTIPLY_ADDS

// on_every_thread: one loop on each of soma's threads at once, through soma's pool.
void fma_throughput(benchmark::State& state, bool on_every_thread) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    state.SkipWithError("needs AVX2 and FMA, or AVX-512F");
    return;
  }
  const int64_t iterations = int64_t{1} << 18;
  // Two floating-point operations per lane and chain in every iteration.
  const double flops_per_loop =
      2.0 * (avx512 ? avx512_chains * avx512_lanes : avx2_chains * avx2_lanes);
  const int threads = on_every_thread ? kernels::thread_count() : 1;
  if (on_every_thread && kernels::parts_for(threads, 1) != threads) {
    state.SkipWithError("the pool would not run one loop per thread");
    return;
  }
  std::vector<float> sums(static_cast<size_t>(threads), 0.0f);
  const auto loop = [&](int64_t begin, int64_t end) {
    for (int64_t part = begin; part < end; ++part) {
      // Opaque to the compiler on every call, so that no call can be hoisted out of the
      // timing loop as a pure function of a constant.
      int64_t count = iterations;
      benchmark::DoNotOptimize(count);
      sums[static_cast<size_t>(part)] +=
          avx512 ? multiply_adds_avx512(count) : multiply_adds_avx2(count);
    }
  };
  for (auto _ : state) {
    if (on_every_thread) {
      kernels::parallel_for(threads, 1, loop);
    } else {
      loop(0, 1);
    }
    benchmark::DoNotOptimize(sums.data());
  }
  count_flops(state, flops_per_loop * static_cast<double>(iterations) * threads);
  state.SetLabel(std::string(avx512 ? "AVX-512" : "AVX2") + ", " + std::to_string(threads) +
                 " thread" + (threads == 1 ? "" : "s"));
}
#endif

void register_machine_benchmarks() {
#if defined(__x86_64__)
  register_benchmark("machine/fma_throughput/one_thread", fma_throughput, false);
  register_benchmark("machine/fma_throughput/every_thread", fma_throughput, true);
#endif
}

// --- a Dense layer, forward and backward ---------------------------------------------------

// y = x W + b, then backward from y with a seed of ones: one linear node and its gradients
// (into the parameters' gradients from the second iteration on), plus the graph's
// bookkeeping. The input needs no gradient, as for a first layer.
void dense_forward_backward(benchmark::State& state, int64_t batch, int64_t inputs,
                            int64_t outputs) {
  Generator generator(0);
  nn::Dense layer(inputs, outputs, generator);
  const Tensor x = uniform(Shape{batch, inputs}, -1.0f, 1.0f, generator);
  const Tensor seed = ones(Shape{batch, outputs});
  for (auto _ : state) {
    layer.zero_grad();
    Tensor y = layer.forward(x);
    soma::backward(y, seed);
    benchmark::DoNotOptimize(layer.weight().grad().data());
  }
  count_flops(state, 4.0 * static_cast<double>(batch * inputs * outputs));
}

void register_dense_benchmarks() {
  struct DenseSize {
    const char* workload;
    int64_t batch, inputs, outputs;
  };
  for (const DenseSize& size : {DenseSize{"W1", 32, 2, 16}, DenseSize{"W1", 32, 16, 16},
                                DenseSize{"W2", 128, 784, 256}, DenseSize{"W2", 128, 256, 128}}) {
    const std::string name = std::string("dense_forward_backward/") + size.workload + "/" +
                             std::to_string(size.batch) + "x" + std::to_string(size.inputs) + "->" +
                             std::to_string(size.outputs);
    register_benchmark(name, dense_forward_backward, size.batch, size.inputs, size.outputs);
  }
}

// --- W4: one forward call of the W2 network without a graph ---------------------------------

void w4_forward(benchmark::State& state, int64_t batch) {
  const bench::TrainingWorkload workload = bench::w2_mnist_shaped_workload(bench::Scale::full);
  const auto network = bench::make_workload_network(workload, 1);
  network->eval();
  Generator generator(0);
  const Tensor x = uniform(Shape{batch, workload.layer_sizes.front()}, 0.0f, 1.0f, generator);
  NoGradGuard no_grad;
  for (auto _ : state) {
    Tensor y = network->forward(x);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

// --- one whole W1 or W2 training step -----------------------------------------------------

// What train::fit does per batch: gather the batch's rows, drop the gradients, forward, the
// loss (W1: fused sigmoid + binary cross-entropy; W2: softmax cross-entropy), backward with
// the SGD step fused in. Batches walk a fixed shuffled order so that the gathering reads
// scattered rows as in training.
void training_step(benchmark::State& state, const bench::TrainingWorkload& workload) {
  const data::Dataset data = bench::make_workload_data(workload, 0);
  const auto network = bench::make_workload_network(workload, 1);
  Sgd optimizer(network->parameters(), {.learning_rate = workload.learning_rate});
  const Tensor targets = train::prepare_targets(workload.loss, data, workload.layer_sizes.back());
  std::vector<int64_t> order(static_cast<size_t>(data.size()));
  std::iota(order.begin(), order.end(), 0);
  Generator generator(2);
  generator.shuffle(order);
  const int64_t batch = workload.batch_size;
  int64_t start = 0;
  for (auto _ : state) {
    if (start + batch > data.size()) start = 0;
    const std::span<const int64_t> rows(order.data() + start, static_cast<size_t>(batch));
    start += batch;
    const Tensor x = data::gather_rows(data.features, rows);
    const Tensor t = data::gather_rows(targets, rows);
    optimizer.zero_grad(/*set_to_none=*/true);
    const Tensor loss = train::compute_loss(workload.loss, network->forward(x), t);
    benchmark::DoNotOptimize(loss.item());
    optimizer.backward_and_step(loss);
  }
  state.SetItemsProcessed(state.iterations() * batch);  // samples per second
}

}  // namespace

void register_step_benchmarks() {
  register_dense_benchmarks();
  register_machine_benchmarks();
  register_benchmark("w4_forward/batch1", w4_forward, int64_t{1});
  register_benchmark("w4_forward/batch128", w4_forward, int64_t{128});
  register_benchmark("w1_training_step", training_step, w1_tiny_workload(Scale::full));
  register_benchmark("w2_training_step", training_step, w2_mnist_shaped_workload(Scale::full));
}

}  // namespace soma::bench
