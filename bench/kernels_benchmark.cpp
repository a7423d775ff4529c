// Micro-benchmarks (Google Benchmark) of the kernels that decide the workloads' speed:
// gemm at every shape of the W1/W2/W3 training steps and of W4's forward pass, W2's products
// on one thread on the portable backend beside OpenBLAS, element-wise activations, the
// bias-row add, axpy, W2's batch gathering, the thread pool's dispatch and the buffer pool.
// steps_benchmark.cpp adds what is built on them, and the machine's ceiling.
// Run: build/release/bench/soma_kernels_benchmark [--benchmark_filter=REGEX]; with
// SOMA_GEMM=openblas, onednn or portable, every product runs on that one backend (but those
// of gemm_one_thread/, which name theirs).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "benchmark_support.hpp"
#include "soma/kernels/axpy.hpp"
#include "soma/kernels/gather_rows.hpp"
#include "soma/kernels/gemm.hpp"
#include "soma/kernels/thread_pool.hpp"
#include "soma/kernels/threads.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/tensor/generator.hpp"
#include "workloads.hpp"

namespace {

using namespace soma;
using bench::count_flops;
using bench::register_benchmark;

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
  bench::register_step_benchmarks();

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
