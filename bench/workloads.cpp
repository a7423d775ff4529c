// The workloads W1-W4 of soma's speed benchmark, timed with a steady clock around
// train::fit (training) or each forward call (latency). Data and networks are built
// outside the timed regions.
#include "workloads.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>

#include "soma/autograd/grad_mode.hpp"
#include "soma/core/buffer_pool.hpp"
#include "soma/core/error.hpp"
#include "soma/data/synthetic.hpp"
#include "soma/kernels/gemm.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/tensor/generator.hpp"
#include "soma/train/fit.hpp"

namespace soma::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t data_seed = 0;
constexpr uint64_t network_seed = 1;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check_options(const RunOptions& options) {
  if (options.repetitions < 1) {
    throw Error("bench: the number of repetitions must be at least 1, got " +
                std::to_string(options.repetitions));
  }
}

// GFLOP/s of training a fully connected network: per sample 6 flops per parameter, forward
// (2 per weight), weight gradients (2) and input gradients (2), the convention.
double gflops(int64_t parameters, double samples_per_second) {
  return 6.0 * static_cast<double>(parameters) * samples_per_second / 1e9;
}

// The prefix of `dataset` with `samples` rows (the warm-up's data).
data::Dataset first_samples(const data::Dataset& dataset, int64_t samples) {
  std::vector<int64_t> rows(static_cast<size_t>(std::min(samples, dataset.size())));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  return data::subset(dataset, rows);
}

train::FitOptions fit_options(const TrainingWorkload& workload, int epochs, uint64_t seed) {
  train::FitOptions options;
  options.loss = workload.loss;
  options.epochs = epochs;
  options.batch_size = workload.batch_size;
  options.seed = seed;
  options.shuffle = true;
  return options;
}

// Trains `network` with `optimizer` and returns the seconds train::fit took.
double timed_fit(nn::Sequential& network, Sgd& optimizer, const data::Dataset& data,
                 const train::FitOptions& options) {
  const Clock::time_point start = Clock::now();
  train::fit(network, optimizer, data, options);
  return seconds_since(start);
}

TrainingMeasurement summarize(const TrainingWorkload& workload, std::vector<double> run_seconds,
                              int64_t parameters) {
  TrainingMeasurement measurement;
  measurement.samples_per_run = workload.samples * workload.epochs;
  measurement.parameters = parameters;
  measurement.median_seconds = median(run_seconds);
  measurement.samples_per_second =
      static_cast<double>(measurement.samples_per_run) / measurement.median_seconds;
  measurement.run_seconds = std::move(run_seconds);
  return measurement;
}

// W2 and W3: one network trained on, one epoch per run, after a short warm-up.
TrainingMeasurement run_continued_training(const TrainingWorkload& workload,
                                           const RunOptions& options) {
  check_options(options);
  const data::Dataset data = make_workload_data(workload, data_seed);
  const std::shared_ptr<nn::Sequential> network = make_workload_network(workload, network_seed);
  Sgd optimizer(network->parameters(), {.learning_rate = workload.learning_rate});
  timed_fit(*network, optimizer, first_samples(data, workload.warm_up_samples),
            fit_options(workload, 1, 0));
  std::vector<double> run_seconds;
  for (int run = 1; run <= options.repetitions; ++run) {
    run_seconds.push_back(
        timed_fit(*network, optimizer, data,
                  fit_options(workload, workload.epochs, static_cast<uint64_t>(run))));
  }
  return summarize(workload, std::move(run_seconds), network->parameter_count());
}

// Seconds for `steps` training steps' worth of matrix products of a fully connected
// network with `sizes`, batch `batch`, on preallocated random buffers. The weight-gradient
// products write gradient buffers (beta 0), or with `into_weights` add -1e-4 x the
// gradient into the weights themselves (beta 1), as the fused SGD step does.
double time_bare_gemm_steps(const std::vector<int64_t>& sizes, int64_t batch, int steps,
                            bool into_weights) {
  Generator generator(data_seed);
  const size_t layers = sizes.size() - 1;
  std::vector<Tensor> activations;  // (batch x sizes[i]), i = 0..layers
  std::vector<Tensor> gradients;    // (batch x sizes[i]), i = 0..layers
  std::vector<Tensor> weights;      // (sizes[i] x sizes[i + 1])
  std::vector<Tensor> weight_gradients;
  for (size_t i = 0; i <= layers; ++i) {
    activations.push_back(uniform(Shape{batch, sizes[i]}, -1.0f, 1.0f, generator));
    gradients.push_back(uniform(Shape{batch, sizes[i]}, -1.0f, 1.0f, generator));
    if (i < layers) {
      weights.push_back(uniform(Shape{sizes[i], sizes[i + 1]}, -0.1f, 0.1f, generator));
      if (!into_weights) weight_gradients.push_back(Tensor::empty(Shape{sizes[i], sizes[i + 1]}));
    }
  }
  const Clock::time_point start = Clock::now();
  for (int step = 0; step < steps; ++step) {
    for (size_t i = 0; i < layers; ++i) {  // forward: A[i+1] = A[i] W[i]
      kernels::gemm({.m = batch,
                     .n = sizes[i + 1],
                     .k = sizes[i],
                     .a = activations[i].data(),
                     .lda = sizes[i],
                     .b = weights[i].data(),
                     .ldb = sizes[i + 1],
                     .c = activations[i + 1].data(),
                     .ldc = sizes[i + 1]});
    }
    // backward, as linear's: G[i] = G[i+1] W[i]^T (reads W), then dW[i] = A[i]^T G[i+1]
    for (size_t i = layers; i-- > 0;) {
      if (i > 0) {
        kernels::gemm({.transpose_b = true,
                       .m = batch,
                       .n = sizes[i],
                       .k = sizes[i + 1],
                       .a = gradients[i + 1].data(),
                       .lda = sizes[i + 1],
                       .b = weights[i].data(),
                       .ldb = sizes[i + 1],
                       .c = gradients[i].data(),
                       .ldc = sizes[i]});
      }
      kernels::gemm({.transpose_a = true,
                     .m = sizes[i],
                     .n = sizes[i + 1],
                     .k = batch,
                     .alpha = into_weights ? -1e-4f : 1.0f,
                     .a = activations[i].data(),
                     .lda = sizes[i],
                     .b = gradients[i + 1].data(),
                     .ldb = sizes[i + 1],
                     .beta = into_weights ? 1.0f : 0.0f,
                     .c = into_weights ? weights[i].data() : weight_gradients[i].data(),
                     .ldc = sizes[i + 1]});
    }
  }
  return seconds_since(start);
}

// Median microseconds of single forward calls of `network` on `input`, over `calls`
// calls after `warm_up_calls` untimed ones.
double median_forward_us(nn::Sequential& network, const Tensor& input, int64_t warm_up_calls,
                         int64_t calls) {
  for (int64_t i = 0; i < warm_up_calls; ++i) network.forward(input);
  std::vector<double> call_us(static_cast<size_t>(calls));
  for (double& us : call_us) {
    const Clock::time_point start = Clock::now();
    const Tensor output = network.forward(input);
    us = seconds_since(start) * 1e6;
  }  // the output is freed outside the timed region, as in the peers
  return median(std::move(call_us));
}

// The workload's bare products, each way: one warm-up step, then runs of
// `full_scale_steps` steps each (two when quick), the two ways alternating; the faster way's
// median run.
BareGemmMeasurement measure_bare_gemm(const TrainingWorkload& workload, const RunOptions& options,
                                      int full_scale_steps, int64_t parameters) {
  const int steps_per_run = options.scale == Scale::quick ? 2 : full_scale_steps;
  std::array<std::vector<double>, 2> run_seconds;  // [into_weights]
  for (const bool into_weights : {false, true}) {
    time_bare_gemm_steps(workload.layer_sizes, workload.batch_size, 1, into_weights);
  }
  for (int run = 0; run < options.repetitions; ++run) {
    for (const bool into_weights : {false, true}) {
      run_seconds[into_weights].push_back(time_bare_gemm_steps(
          workload.layer_sizes, workload.batch_size, steps_per_run, into_weights));
    }
  }
  const double into_gradients_seconds = median(std::move(run_seconds[0]));
  const double into_weights_seconds = median(std::move(run_seconds[1]));
  BareGemmMeasurement bare;
  bare.into_weights = into_weights_seconds < into_gradients_seconds;
  bare.samples_per_second = static_cast<double>(workload.batch_size * steps_per_run) /
                            std::min(into_gradients_seconds, into_weights_seconds);
  bare.gflops = gflops(parameters, bare.samples_per_second);
  return bare;
}

}  // namespace

// The workloads, each spelled out field by field: alike in shape, different in every value.
TrainingWorkload w1_tiny_workload(Scale scale) {
  const bool quick = scale == Scale::quick;
  return {.name = "W1",
          .data = WorkloadData::circles,
          .layer_sizes = {2, 16, 16, 1},
          .hidden_activation = nn::ActivationKind::tanh,
          .loss = train::LossKind::binary_cross_entropy_with_logits,
          .learning_rate = 0.1f,
          .samples = quick ? 1'000 : 10'000,
          .batch_size = 32,
          .epochs = quick ? 1 : 20,
          .warm_up_samples = quick ? 1'000 : 10'000};
}

TrainingWorkload w2_mnist_shaped_workload(Scale scale) {
  const bool quick = scale == Scale::quick;
  return {.name = "W2",
          .data = WorkloadData::uniform_with_random_classes,
          .layer_sizes = {784, 256, 128, 10},
          .hidden_activation = nn::ActivationKind::relu,
          .loss = train::LossKind::softmax_cross_entropy,
          .learning_rate = 0.01f,
          .samples = quick ? 1'024 : 60'000,
          .batch_size = 128,
          .epochs = 1,
          .warm_up_samples = quick ? 256 : 128 * 20};
}

TrainingWorkload w3_wide_workload(Scale scale) {
  const bool quick = scale == Scale::quick;
  return {.name = "W3",
          .data = WorkloadData::uniform_with_random_targets,
          .layer_sizes = quick ? std::vector<int64_t>{256, 512, 512, 256}
                               : std::vector<int64_t>{1024, 4096, 4096, 1024},
          .hidden_activation = nn::ActivationKind::relu,
          .loss = train::LossKind::squared_error,
          .learning_rate = 0.001f,
          .samples = quick ? 512 : 16'384,
          .batch_size = 256,
          .epochs = 1,
          .warm_up_samples = 256 * (quick ? 1 : 3)};
}

data::Dataset make_workload_data(const TrainingWorkload& workload, uint64_t seed) {
  Generator generator(seed);
  const int64_t inputs = workload.layer_sizes.front();
  const int64_t outputs = workload.layer_sizes.back();
  if (workload.data == WorkloadData::circles) {
    return data::circles(workload.samples, 0.1, generator);
  }
  data::Dataset dataset;
  dataset.features = uniform(Shape{workload.samples, inputs}, 0.0f, 1.0f, generator);
  if (workload.data == WorkloadData::uniform_with_random_classes) {
    dataset.classes = outputs;
    dataset.targets = Tensor::empty(Shape{workload.samples});
    float* labels = dataset.targets.data();
    for (int64_t i = 0; i < workload.samples; ++i) {
      labels[i] = static_cast<float>(generator.below(static_cast<uint64_t>(outputs)));
    }
  } else {
    dataset.targets = uniform(Shape{workload.samples, outputs}, 0.0f, 1.0f, generator);
  }
  for (int64_t i = 0; i < inputs; ++i) dataset.feature_names.push_back("x" + std::to_string(i + 1));
  return dataset;
}

std::shared_ptr<nn::Sequential> make_workload_network(const TrainingWorkload& workload,
                                                      uint64_t seed) {
  Generator generator(seed);
  return nn::build_network({.layer_sizes = workload.layer_sizes,
                            .hidden_activation = workload.hidden_activation,
                            .output_activation = nn::ActivationKind::identity},
                           generator);
}

W1Result run_w1_tiny(const RunOptions& options) {
  check_options(options);
  const TrainingWorkload workload = w1_tiny_workload(options.scale);
  const data::Dataset data = make_workload_data(workload, data_seed);
  std::shared_ptr<nn::Sequential> network;
  auto train_fresh_network = [&](int epochs) {
    network = make_workload_network(workload, network_seed);
    Sgd optimizer(network->parameters(), {.learning_rate = workload.learning_rate});
    return timed_fit(*network, optimizer, data, fit_options(workload, epochs, 0));
  };
  train_fresh_network(1);  // warm-up
  std::vector<double> run_seconds;
  for (int run = 0; run < options.repetitions; ++run) {
    run_seconds.push_back(train_fresh_network(workload.epochs));
  }
  W1Result result;
  result.training = summarize(workload, std::move(run_seconds), network->parameter_count());
  result.train_accuracy = train::evaluate(*network, data, workload.loss).accuracy;
  return result;
}

double share_of_bare_gemm(const TrainingMeasurement& training, const BareGemmMeasurement& bare) {
  return training.samples_per_second / bare.samples_per_second;
}

W2Result run_w2_mnist_shaped(const RunOptions& options) {
  const TrainingWorkload workload = w2_mnist_shaped_workload(options.scale);
  W2Result result;
  result.training = run_continued_training(workload, options);
  // The dataset's freed buffer (179 MiB at full scale) goes back to the system first, so
  // that the bare products' buffers never raise the peak memory W2 is measured by.
  buffer_pool::trim();
  // A W2 step's products take about a millisecond: 64 of them make a run long enough for
  // the clock, as W3's 8 steps of about 50 ms do.
  result.bare_gemm = measure_bare_gemm(workload, options, 64, result.training.parameters);
  return result;
}

W3Result run_w3_wide(const RunOptions& options) {
  const TrainingWorkload workload = w3_wide_workload(options.scale);
  W3Result result;
  result.training = run_continued_training(workload, options);
  result.gflops = gflops(result.training.parameters, result.training.samples_per_second);
  result.bare_gemm = measure_bare_gemm(workload, options, 8, result.training.parameters);
  return result;
}

W4Result run_w4_latency(const RunOptions& options) {
  check_options(options);
  const bool quick = options.scale == Scale::quick;
  const TrainingWorkload workload = w2_mnist_shaped_workload(Scale::full);
  const std::shared_ptr<nn::Sequential> network = make_workload_network(workload, network_seed);
  network->eval();
  Generator generator(data_seed);
  const int64_t inputs = workload.layer_sizes.front();
  const Tensor single = uniform(Shape{1, inputs}, 0.0f, 1.0f, generator);
  const Tensor batch = uniform(Shape{128, inputs}, 0.0f, 1.0f, generator);

  W4Result result;
  result.batch1_calls = quick ? 100 : 10'000;
  result.batch128_calls = quick ? 100 : 2'000;
  NoGradGuard no_grad;
  for (int run = 0; run < options.repetitions; ++run) {
    result.batch1_runs_us.push_back(
        median_forward_us(*network, single, quick ? 10 : 1'000, result.batch1_calls));
    result.batch128_runs_us.push_back(
        median_forward_us(*network, batch, quick ? 10 : 100, result.batch128_calls));
  }
  result.batch1_us = median(result.batch1_runs_us);
  result.batch128_us = median(result.batch128_runs_us);
  return result;
}

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return 0.5 * (lower + upper);
}

}  // namespace soma::bench
