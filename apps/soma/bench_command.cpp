// `soma bench`: runs the speed workloads W1-W4 (bench/workloads.hpp) and prints a
// table, or one JSON object with the machine, the BLAS and its thread count beside them.
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "arguments.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "soma/kernels/blas_core.hpp"
#include "soma/kernels/gemm.hpp"
#include "soma/kernels/threads.hpp"
#include "workloads.hpp"

namespace soma::cli {

namespace {

constexpr std::array<const char*, 4> workload_names = {"W1", "W2", "W3", "W4"};

// The build type CMake configured (apps/soma/CMakeLists.txt passes it), else what the
// compiler flags say.
std::string build_type() {
#ifdef SOMA_BUILD_TYPE
  if (std::string(SOMA_BUILD_TYPE).size() > 0) return SOMA_BUILD_TYPE;
#endif
#if defined(__OPTIMIZE__) && defined(NDEBUG)
  return "unknown (optimised, NDEBUG)";
#elif defined(__OPTIMIZE__)
  return "unknown (optimised, assertions on)";
#else
  return "unknown (not optimised)";
#endif
}

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

// "model name" from /proc/cpuinfo, e.g. "AMD EPYC 9R45 ..."; "unknown" elsewhere.
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    size_t start = colon + 1;
    while (start < line.size() && line[start] == ' ') ++start;
    return line.substr(start);
  }
  return "unknown";
}

// The process's peak resident set size so far, in MiB (Linux reports KiB).
double peak_rss_mib() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string environment_value(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "unset" : value;
}

// "W1,w3" -> which of W1..W4 to run; throws UsageError for anything else.
std::array<bool, 4> parse_workloads(const std::string& text) {
  std::array<bool, 4> selected{};
  for (std::string name : parse_list("--workload", text)) {
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool known = false;
    for (size_t i = 0; i < workload_names.size(); ++i) {
      if (name == workload_names[i]) selected[i] = known = true;
    }
    if (!known) {
      throw UsageError("--workload: unknown workload '" + name + "' (valid: W1, W2, W3, W4)");
    }
  }
  return selected;
}

struct Results {
  std::optional<bench::W1Result> w1;
  std::optional<bench::W2Result> w2;
  std::optional<bench::W3Result> w3;
  std::optional<bench::W4Result> w4;
};

void write_runs(JsonWriter& json, const char* key, const std::vector<double>& runs) {
  json.key(key).begin_array();
  for (double run : runs) json.value(run);
  json.end_array();
}

void write_training(JsonWriter& json, const bench::TrainingMeasurement& training) {
  json.key("samples_per_second").value(training.samples_per_second);
  json.key("median_seconds").value(training.median_seconds);
  write_runs(json, "run_seconds", training.run_seconds);
  json.key("samples_per_run").value(training.samples_per_run);
  json.key("parameters").value(training.parameters);
}

void write_bare_gemm(JsonWriter& json, const bench::TrainingMeasurement& training,
                     const bench::BareGemmMeasurement& bare) {
  json.key("bare_gemm_samples_per_second").value(bare.samples_per_second);
  json.key("bare_gemm_gflops").value(bare.gflops);
  json.key("bare_gemm_weight_gradients")
      .value(bare.into_weights ? "added into the weights" : "written apart");
  json.key("fraction_of_bare_gemm").value(bench::share_of_bare_gemm(training, bare));
}

std::string to_json(const Results& results, const bench::RunOptions& options) {
  JsonWriter json;
  json.begin_object();
  if (results.w1) {
    json.key("W1").begin_object();
    write_training(json, results.w1->training);
    json.key("train_accuracy").value(results.w1->train_accuracy).end_object();
  }
  if (results.w2) {
    json.key("W2").begin_object();
    write_training(json, results.w2->training);
    write_bare_gemm(json, results.w2->training, results.w2->bare_gemm);
    json.end_object();
  }
  if (results.w3) {
    json.key("W3").begin_object();
    write_training(json, results.w3->training);
    json.key("gflops").value(results.w3->gflops);
    write_bare_gemm(json, results.w3->training, results.w3->bare_gemm);
    json.end_object();
  }
  if (results.w4) {
    json.key("W4").begin_object();
    json.key("batch1_us").value(results.w4->batch1_us);
    json.key("batch128_us").value(results.w4->batch128_us);
    write_runs(json, "batch1_runs_us", results.w4->batch1_runs_us);
    write_runs(json, "batch128_runs_us", results.w4->batch128_runs_us);
    json.key("batch1_calls").value(results.w4->batch1_calls);
    json.key("batch128_calls").value(results.w4->batch128_calls);
    json.end_object();
  }
  json.key("threads").value(static_cast<int64_t>(kernels::thread_count()));
  json.key("blas").value(kernels::blas_description());
  json.key("openblas_coretype").value(environment_value("OPENBLAS_CORETYPE"));
  json.key("blas_core_loaded").value(kernels::blas_core_choice().loaded);
  json.key("blas_core_best").value(kernels::blas_core_choice().best);
  json.key("blas_core_choice").value(kernels::blas_core_choice().reason);
  json.key("machine").value(host_name());
  json.key("cpu").value(cpu_model());
  json.key("cores").value(static_cast<int64_t>(std::thread::hardware_concurrency()));
  json.key("build_type").value(build_type());
  json.key("quick").value(options.scale == bench::Scale::quick);
  json.key("repetitions").value(static_cast<int64_t>(options.repetitions));
  json.key("peak_rss_mib").value(peak_rss_mib());
  json.end_object();
  return json.str();
}

std::string format_runs(const std::vector<double>& runs) {
  std::string text;
  for (double run : runs) {
    std::array<char, 32> number{};
    std::snprintf(number.data(), number.size(), "%s%.4g", text.empty() ? "" : " ", run);
    text += number.data();
  }
  return text;
}

void print_row(const char* workload, const char* measurement, double value, int decimals,
               const std::string& runs = "") {
  std::array<char, 32> number{};
  std::snprintf(number.data(), number.size(), "%.*f", decimals, value);
  std::printf("%-4s  %-28s %14s  %s\n", workload, measurement, number.data(), runs.c_str());
}

void print_bare_gemm(const char* workload, const bench::TrainingMeasurement& training,
                     const bench::BareGemmMeasurement& bare, int decimals) {
  print_row(workload, "bare GEMM samples/s", bare.samples_per_second, decimals,
            bare.into_weights ? "dW added into W" : "dW written apart");
  print_row(workload, "bare GEMM GFLOP/s", bare.gflops, 1);
  print_row(workload, "share of bare GEMM", bench::share_of_bare_gemm(training, bare), 3);
}

void print_table(const Results& results, const bench::RunOptions& options) {
  std::printf("soma bench%s: %s build, %s\n",
              options.scale == bench::Scale::quick ? " --quick" : "", build_type().c_str(),
              kernels::blas_description().c_str());
  std::printf("machine %s (%s, %u cores), OPENBLAS_CORETYPE %s; median of %d runs\n",
              host_name().c_str(), cpu_model().c_str(), std::thread::hardware_concurrency(),
              environment_value("OPENBLAS_CORETYPE").c_str(), options.repetitions);
  std::printf("BLAS kernels: %s\n\n", kernels::blas_core_choice().reason.c_str());
  std::printf("%-4s  %-28s %14s  %s\n", "", "measurement", "median", "runs");
  if (results.w1) {
    const bench::TrainingMeasurement& training = results.w1->training;
    print_row("W1", "samples/s", training.samples_per_second, 0,
              format_runs(training.run_seconds) + " s");
    print_row("W1", "training accuracy", results.w1->train_accuracy, 4);
  }
  if (results.w2) {
    print_row("W2", "samples/s", results.w2->training.samples_per_second, 0,
              format_runs(results.w2->training.run_seconds) + " s");
    print_bare_gemm("W2", results.w2->training, results.w2->bare_gemm, 0);
  }
  if (results.w3) {
    print_row("W3", "samples/s", results.w3->training.samples_per_second, 1,
              format_runs(results.w3->training.run_seconds) + " s");
    print_row("W3", "GFLOP/s", results.w3->gflops, 1);
    print_bare_gemm("W3", results.w3->training, results.w3->bare_gemm, 1);
  }
  if (results.w4) {
    print_row("W4", "batch 1: us per call", results.w4->batch1_us, 2,
              format_runs(results.w4->batch1_runs_us));
    print_row("W4", "batch 128: us per call", results.w4->batch128_us, 1,
              format_runs(results.w4->batch128_runs_us));
  }
  std::printf("\n%d threads; peak resident memory %.1f MiB\n", kernels::thread_count(),
              peak_rss_mib());
}

}  // namespace

ArgumentParser bench_parser() {
  // Declared as every command declares its options; what they share, --help, is parsed once.
  ArgumentParser parser(
      "soma bench", "soma bench [--workload W1,W2,W3,W4] [--threads N] [--json] [options]",
      "Times soma on the speed workloads (after one warm-up, the median of --reps runs):\n"
      "  W1 tiny          circles, 10,000 samples, 2-16-16-1 tanh, SGD, batch 32, 20 epochs\n"
      "  W2 mnist-shaped  60,000 x 784 random, 784-256-128-10 ReLU, batch 128, one epoch\n"
      "  W3 wide          16,384 x 1024 random, 1024-4096-4096-1024 ReLU, batch 256, one epoch\n"
      "  W4 latency       the W2 network's forward pass without a graph, batch 1 and 128\n"
      "Training times include shuffling and batch gathering, not data generation.");
  parser.add_option("--workload", "LIST", "which workloads, e.g. W1,W3 (default: all)");
  parser.add_option("--threads", "N", "soma's threads (default: the cores it may use)");
  parser.add_option("--reps", "N", "timed runs per workload; the median is reported (default 3)");
  parser.add_flag("--quick", "tiny sizes, to check the harness (the numbers mean nothing)");
  parser.add_flag("--json", "print one JSON object instead of a table");

  return parser;
}

int run_bench(int argc, const char* const* argv, int first) {
  const std::optional<ParsedArguments> parsed =
      bench_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const std::array<bool, 4> selected = arguments.has("--workload")
                                           ? parse_workloads(*arguments.value("--workload"))
                                           : std::array<bool, 4>{true, true, true, true};
  if (auto text = arguments.value("--threads")) {
    kernels::set_thread_count(static_cast<int>(parse_integer("--threads", *text, 1, 1024)));
  }
  bench::RunOptions options;
  options.scale = arguments.has("--quick") ? bench::Scale::quick : bench::Scale::full;
  if (auto text = arguments.value("--reps")) {
    options.repetitions = static_cast<int>(parse_integer("--reps", *text, 1, 1000));
  }
  const bool json_output = arguments.has("--json");

  Results results;
  const auto run = [&](size_t index, auto& result, auto run_workload) {
    if (!selected[index]) return;
    if (!json_output) std::fprintf(stderr, "running %s...\n", workload_names[index]);
    result = run_workload(options);
  };
  run(0, results.w1, bench::run_w1_tiny);
  run(1, results.w2, bench::run_w2_mnist_shaped);
  run(2, results.w3, bench::run_w3_wide);
  run(3, results.w4, bench::run_w4_latency);
  if (json_output) {
    std::printf("%s\n", to_json(results, options).c_str());
  } else {
    print_table(results, options);
  }
  return exit_ok;
}

}  // namespace soma::cli
