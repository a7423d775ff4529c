// Micro-benchmarks (Google Benchmark) of the kernels that decide the workloads' speed:
// gemm at every shape of the W1/W2/W3 training steps and of W4's forward pass, W2's products
// on one thread on the portable backend beside OpenBLAS, element-wise
// activations, the bias-row add, axpy, W2's batch gathering, the thread pool's dispatch, the
// buffer pool, a Dense layer forward + backward, W4's whole forward call, one whole W1 and W2
// training step, and the machine's ceiling: multiply-adds on registers alone.
// Run: build/release/bench/soma_kernels_benchmark [--benchmark_filter=REGEX]; with
// SOMA_GEMM=openblas, onednn or portable, every product runs on that one backend (but those
// of gemm_one_thread/, which name theirs).
#include <benchmark/benchmark.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/grad_mode.hpp"
#include "soma/kernels/axpy.hpp"
#include "soma/kernels/gather_rows.hpp"
#include "soma/kernels/gemm.hpp"
#include "soma/kernels/thread_pool.hpp"
#include "soma/kernels/threads.hpp"
#include "soma/nn/dense.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/tensor/generator.hpp"
#include "soma/train/loss_kind.hpp"
#include "workloads.hpp"

namespace {

using namespace soma;

// Registers a benchmark timed by the wall clock: soma's pool runs products on several
// threads, and the CPU time of the calling thread alone would overstate their speed.
template <class Function, class... Arguments>
void register_benchmark(const std::string& name, Function function, Arguments... arguments) {
  benchmark::RegisterBenchmark(name.c_str(), function, arguments...)->UseRealTime();
}

// Reports floating-point operations per second next to the time per iteration.
void count_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOP/s"] =
      benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

// --- gemm at the shapes of one training step --------------------------------------------

struct GemmShape {
  bool transpose_a = false;
  bool transpose_b = false;
  int64_t m = 0;
  int64_t n = 0;
  int64_t k = 0;
  // A as a ReLU leaves it, about half zeros (the input of every layer but the first).
  bool a_after_relu = false;
  // On this backend and one thread; by default as SOMA_GEMM chooses, on soma's threads.
  std::optional<kernels::GemmBackend> one_thread_on = std::nullopt;
};

void gemm_at_shape(benchmark::State& state, GemmShape shape) {
  Generator generator(0);
  // op(A) is (m x k) and op(B) is (k x n); as stored, A^T is (k x m) and B^T is (n x k).
  const int64_t a_columns = shape.transpose_a ? shape.m : shape.k;
  const int64_t b_columns = shape.transpose_b ? shape.k : shape.n;
  const Tensor a_values = uniform(Shape{shape.m * shape.k}, -1.0f, 1.0f, generator);
  const Tensor a = shape.a_after_relu ? relu(a_values) : a_values;
  const Tensor b = uniform(Shape{shape.k * shape.n}, -1.0f, 1.0f, generator);
  Tensor c = Tensor::empty(Shape{shape.m * shape.n});
  const kernels::GemmArgs args{.transpose_a = shape.transpose_a,
                               .transpose_b = shape.transpose_b,
                               .m = shape.m,
                               .n = shape.n,
                               .k = shape.k,
                               .a = a.data(),
                               .lda = a_columns,
                               .b = b.data(),
                               .ldb = b_columns,
                               .c = c.data(),
                               .ldc = shape.n};
  const int threads = kernels::thread_count();
  if (shape.one_thread_on) kernels::set_thread_count(1);
  for (auto _ : state) {
    if (shape.one_thread_on) {
      kernels::gemm(args, *shape.one_thread_on);
    } else {
      kernels::gemm(args);
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  kernels::set_thread_count(threads);
  count_flops(state, 2.0 * static_cast<double>(shape.m * shape.n * shape.k));
}

// For each Dense layer of the workload: the forward product, the weight gradient and (but
// for the first layer, whose input needs no gradient) the input gradient, each named e.g.
// "W2/layer1/forward/NN/128x256x784".
std::vector<std::pair<std::string, GemmShape>> training_products(
    const bench::TrainingWorkload& workload) {
  const std::vector<int64_t>& sizes = workload.layer_sizes;
  const int64_t batch = workload.batch_size;
  std::vector<std::pair<std::string, GemmShape>> products;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    const int64_t in = sizes[i];
    const int64_t out = sizes[i + 1];
    const std::string layer = std::string(workload.name) + "/layer" + std::to_string(i + 1) + "/";
    const auto shape_name = [](const GemmShape& s) {
      return std::string(s.transpose_a ? "T" : "N") + (s.transpose_b ? "T" : "N") + "/" +
             std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
    };
    const GemmShape forward{.m = batch, .n = out, .k = in};
    const GemmShape weight_gradient{.transpose_a = true, .m = in, .n = out, .k = batch};
    const GemmShape input_gradient{.transpose_b = true, .m = batch, .n = in, .k = out};
    products.emplace_back(layer + "forward/" + shape_name(forward), forward);
    products.emplace_back(layer + "weight_grad/" + shape_name(weight_gradient), weight_gradient);
    if (i > 0) {
      products.emplace_back(layer + "input_grad/" + shape_name(input_gradient), input_gradient);
    }
  }
  return products;
}

void register_gemm_benchmarks(const bench::TrainingWorkload& workload) {
  for (const auto& [name, shape] : training_products(workload)) {
    register_benchmark("gemm/" + name, gemm_at_shape, shape);
  }
}

// W2's products on one thread, on the portable backend and on OpenBLAS where this build has
// it: the portable GEMM is meant to reach at least a quarter of OpenBLAS's FLOP/s at each.
void register_one_thread_gemm_benchmarks() {
  const std::pair<kernels::GemmBackend, const char*> backends[] = {
      {kernels::GemmBackend::openblas, "openblas"}, {kernels::GemmBackend::portable, "portable"}};
  for (const auto& [name, product] :
       training_products(bench::w2_mnist_shaped_workload(bench::Scale::full))) {
    for (const auto& [backend, backend_name] : backends) {
      if (!kernels::gemm_backend_built(backend)) continue;
      GemmShape shape = product;
      shape.one_thread_on = backend;
      register_benchmark("gemm_one_thread/" + name + "/" + backend_name, gemm_at_shape, shape);
    }
  }
}

// W4: the W2 network's forward products alone, at batch 1 and 128. The second and third
// layers read a ReLU's output, as in the network: the row kernel skips its zeros.
void register_inference_gemm_benchmarks() {
  const std::vector<int64_t> sizes =
      bench::w2_mnist_shaped_workload(bench::Scale::full).layer_sizes;
  for (const int64_t batch : {int64_t{1}, int64_t{128}}) {
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
      const GemmShape forward{.m = batch, .n = sizes[i + 1], .k = sizes[i], .a_after_relu = i > 0};
      register_benchmark("gemm/W4/layer" + std::to_string(i + 1) + "/forward/NN/" +
                             std::to_string(batch) + "x" + std::to_string(sizes[i + 1]) + "x" +
                             std::to_string(sizes[i]) + (i > 0 ? "/relu_input" : ""),
                         gemm_at_shape, forward);
    }
  }
}

// --- element-wise ops --------------------------------------------------------------------

using UnaryOp = Tensor (*)(const Tensor&);

// The op alone (no graph), then with the input requiring gradients so that a node is
// recorded: the difference is the graph's cost per op.
void activation(benchmark::State& state, UnaryOp op, int64_t rows, int64_t columns, bool recorded) {
  Generator generator(0);
  Tensor x = uniform(Shape{rows, columns}, -2.0f, 2.0f, generator);
  if (recorded) x.set_requires_grad();
  for (auto _ : state) {
    Tensor y = op(x);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * columns);
}

// x (rows x columns) + b (columns): the bias row of a Dense layer, broadcast.
void add_bias_row(benchmark::State& state, int64_t rows, int64_t columns, bool recorded) {
  Generator generator(0);
  Tensor x = uniform(Shape{rows, columns}, -1.0f, 1.0f, generator);
  Tensor b = uniform(Shape{columns}, -1.0f, 1.0f, generator);
  if (recorded) b.set_requires_grad();
  for (auto _ : state) {
    Tensor y = add(x, b);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * columns);
}

void register_elementwise_benchmarks() {
  const std::vector<std::pair<const char*, UnaryOp>> ops = {
      {"sigmoid", &soma::sigmoid}, {"tanh", &soma::tanh}, {"relu", &soma::relu}};
  const std::vector<std::pair<int64_t, int64_t>> shapes = {{32, 16}, {128, 256}};
  for (const bool recorded : {false, true}) {
    const std::string mode = recorded ? "/recorded" : "/no_grad";
    for (const auto& [rows, columns] : shapes) {
      const std::string size = std::to_string(rows) + "x" + std::to_string(columns);
      for (const auto& [name, op] : ops) {
        register_benchmark(std::string("elementwise/") + name + "/" + size + mode, activation, op,
                           rows, columns, recorded);
      }
      register_benchmark("add_bias_row/" + size + mode, add_bias_row, rows, columns, recorded);
    }
  }
}

// --- axpy, the thread pool and the buffer pool ------------------------------------------------

// y += alpha x over `count` floats: gradient accumulation and the SGD update. Bytes/s
// counts the two reads and the write.
void axpy_benchmark(benchmark::State& state, int64_t count) {
  std::vector<float> x(static_cast<size_t>(count), 0.5f);
  std::vector<float> y(static_cast<size_t>(count), 1.0f);
  for (auto _ : state) {
    kernels::axpy(count, -1e-3f, x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  state.SetBytesProcessed(state.iterations() * count * 3 * static_cast<int64_t>(sizeof(float)));
}

// One parallel_for with a part per thread and (almost) nothing to do: what splitting a
// product costs beyond the product.
void parallel_for_dispatch(benchmark::State& state) {
  std::vector<int64_t> sums(64, 0);
  for (auto _ : state) {
    kernels::parallel_for(kernels::thread_count(), 1, [&](int64_t begin, int64_t end) {
      sums[static_cast<size_t>(begin)] += end - begin;
    });
  }
  benchmark::DoNotOptimize(sums.data());
}

// W2's batch gathering: 128 rows of 784 floats from 60,000, in a shuffled order (each batch
// of the benchmark takes the next 128 rows of one permutation). Bytes/s counts the copy.
// Both buffers are tensors, so that they live in memory as a training's do (the dataset's
// on huge pages where the system has them).
void gather_rows_benchmark(benchmark::State& state) {
  const int64_t samples = 60'000;
  const int64_t row_size = 784;
  const int64_t batch = 128;
  const Tensor data = full(Shape{samples, row_size}, 0.5f);
  std::vector<int64_t> order(static_cast<size_t>(samples));
  std::iota(order.begin(), order.end(), int64_t{0});
  Generator generator(3);
  generator.shuffle(order);
  Tensor out = Tensor::empty(Shape{batch, row_size});
  int64_t start = 0;
  for (auto _ : state) {
    kernels::gather_rows(data.data(), row_size, order.data() + start, batch, out.data());
    benchmark::DoNotOptimize(out.data());
    start = start + 2 * batch <= samples ? start + batch : 0;
  }
  state.SetBytesProcessed(state.iterations() * batch * row_size *
                          static_cast<int64_t>(sizeof(float)));
}

// A tensor of 32 x 16 floats made and freed: the buffer comes from the pool.
void tensor_made_and_freed(benchmark::State& state) {
  for (auto _ : state) {
    Tensor t = Tensor::empty(Shape{32, 16});
    benchmark::DoNotOptimize(t.data());
  }
}

void register_support_benchmarks() {
  register_benchmark("axpy/W1/16x16", axpy_benchmark, int64_t{16 * 16});
  register_benchmark("axpy/W2/784x256", axpy_benchmark, int64_t{784 * 256});
  register_benchmark("axpy/W3/4096x4096", axpy_benchmark, int64_t{4096} * 4096);
  register_benchmark("gather_rows/W2/128_of_60000x784", gather_rows_benchmark);
  register_benchmark("thread_pool/parallel_for_dispatch", parallel_for_dispatch);
  register_benchmark("buffer_pool/tensor_32x16_made_and_freed", tensor_made_and_freed);
}

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

int main(int argc, char** argv) {
  for (const auto& workload : {bench::w1_tiny_workload(bench::Scale::full),
                               bench::w2_mnist_shaped_workload(bench::Scale::full),
                               bench::w3_wide_workload(bench::Scale::full)}) {
    register_gemm_benchmarks(workload);
  }
  register_one_thread_gemm_benchmarks();
  register_inference_gemm_benchmarks();
  register_elementwise_benchmarks();
  register_support_benchmarks();
  register_dense_benchmarks();
  register_machine_benchmarks();
  register_benchmark("w4_forward/batch1", w4_forward, int64_t{1});
  register_benchmark("w4_forward/batch128", w4_forward, int64_t{128});
  register_benchmark("w1_training_step", training_step,
                     bench::w1_tiny_workload(bench::Scale::full));
  register_benchmark("w2_training_step", training_step,
                     bench::w2_mnist_shaped_workload(bench::Scale::full));

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
