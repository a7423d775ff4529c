// The speed benchmark's workloads W1-W4: each builds its data and network, times the
// training (or inference) it defines, and returns what it measured. `soma bench` and the
// micro-benchmarks in bench/ share these definitions, so they time the same thing.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "soma/data/dataset.hpp"
#include "soma/nn/activation_layer.hpp"
#include "soma/nn/sequential.hpp"
#include "soma/train/loss_kind.hpp"

namespace soma::bench {

// full: the sizes of the speed issue; quick: tiny sizes that run in well under a second,
// for tests of the harness itself (their numbers mean nothing).
enum class Scale { full, quick };

enum class WorkloadData {
  circles,                      // two concentric circles (radii 0.5, 1), noise 0.1
  uniform_with_random_classes,  // features uniform in [0, 1), one random class per sample
  uniform_with_random_targets,  // features and targets uniform in [0, 1)
};

// A training workload: a fully connected network trained by plain SGD on generated data.
struct TrainingWorkload {
  const char* name = "";  // "W1", "W2", "W3"
  WorkloadData data = WorkloadData::circles;
  std::vector<int64_t> layer_sizes;  // e.g. {2, 16, 16, 1}
  nn::ActivationKind hidden_activation = nn::ActivationKind::relu;
  train::LossKind loss = train::LossKind::squared_error;  // on the raw (identity) outputs
  float learning_rate = 0.01f;
  int64_t samples = 0;
  int64_t batch_size = 0;
  int epochs = 1;               // per timed run
  int64_t warm_up_samples = 0;  // the untimed warm-up trains one epoch on this many samples
};

// W1 tiny: circles (10,000 samples, noise 0.1), 2-16-16-1 tanh, sigmoid + binary
// cross-entropy as one fused loss on the logits, SGD 0.1, batch 32, 20 epochs.
TrainingWorkload w1_tiny_workload(Scale scale);
// W2 mnist-shaped: 60,000 x 784 uniform features, labels 0..9, 784-256-128-10 ReLU,
// softmax cross-entropy, SGD 0.01, batch 128, one epoch.
TrainingWorkload w2_mnist_shaped_workload(Scale scale);
// W3 wide: 16,384 x 1024 uniform features and targets, 1024-4096-4096-1024 ReLU, squared
// error, SGD 0.001, batch 256, one epoch.
TrainingWorkload w3_wide_workload(Scale scale);

// The workload's data, generated from `seed` (the same seed gives the same data).
data::Dataset make_workload_data(const TrainingWorkload& workload, uint64_t seed);
// The workload's network with freshly initialised weights: Dense layers with the hidden
// activation between them, ending in the last Dense layer (the loss takes the logits).
std::shared_ptr<nn::Sequential> make_workload_network(const TrainingWorkload& workload,
                                                      uint64_t seed);

struct RunOptions {
  Scale scale = Scale::full;
  int repetitions = 3;  // timed runs after one warm-up; the median is reported
};

struct TrainingMeasurement {
  double samples_per_second = 0.0;  // samples trained per run / median run time
  double median_seconds = 0.0;
  std::vector<double> run_seconds;  // every timed run, in order
  int64_t samples_per_run = 0;      // samples x epochs
  int64_t parameters = 0;
};

struct W1Result {
  TrainingMeasurement training;
  double train_accuracy = 0.0;  // of the last run's network on all training samples
};

// The matrix products of one training step alone (forward, weight gradients, input
// gradients but the first layer's), on preallocated buffers: the ceiling for a workload's
// training. Timed both ways a step can make the weight-gradient products (written to
// gradient buffers, beta 0; or added into the weights as fit's fused SGD step does, beta 1),
// interleaved; the faster way's median is the ceiling.
struct BareGemmMeasurement {
  double samples_per_second = 0.0;
  double gflops = 0.0;        // by the same 6 x parameters x samples formula
  bool into_weights = false;  // which way was faster
};

// The training's samples/s as a fraction of its bare products' (1: no time beyond them).
double share_of_bare_gemm(const TrainingMeasurement& training, const BareGemmMeasurement& bare);

struct W2Result {
  TrainingMeasurement training;
  BareGemmMeasurement bare_gemm;
};

struct W3Result {
  TrainingMeasurement training;
  double gflops = 0.0;  // 6 x parameters x samples / seconds / 1e9
  BareGemmMeasurement bare_gemm;
};

struct W4Result {
  double batch1_us = 0.0;  // median microseconds per forward call, median over runs
  double batch128_us = 0.0;
  std::vector<double> batch1_runs_us;  // each run's median
  std::vector<double> batch128_runs_us;
  int64_t batch1_calls = 0;  // timed calls per run
  int64_t batch128_calls = 0;
};

// Each builds its data (untimed), runs one warm-up, then options.repetitions timed runs.
// The timed region is train::fit: shuffling, batch gathering, forward, loss, backward and
// the SGD step. W1 trains a fresh network from the same seed in every run; W2 and W3 go on
// training one network, one epoch per run, with a new shuffle each time. W2 and W3 then
// time their bare products (BareGemmMeasurement), outside the training's timed region.
W1Result run_w1_tiny(const RunOptions& options);
W2Result run_w2_mnist_shaped(const RunOptions& options);
W3Result run_w3_wide(const RunOptions& options);
// W4: the W2 network's forward pass under NoGradGuard, each call timed on its own.
W4Result run_w4_latency(const RunOptions& options);

// The median of `values` (the mean of the middle two for an even count); NaN when empty.
double median(std::vector<double> values);

}  // namespace soma::bench
