// What the two files of soma_kernels_benchmark share: registration timed by the wall clock,
// the FLOP/s counter, and the benchmarks steps_benchmark.cpp registers.
#pragma once

#include <benchmark/benchmark.h>

#include <string>

namespace soma::bench {

// Registers a benchmark timed by the wall clock: soma's pool runs products on several
// threads, and the CPU time of the calling thread alone would overstate their speed.
template <class Function, class... Arguments>
inline void register_benchmark(const std::string& name, Function function, Arguments... arguments) {
  benchmark::RegisterBenchmark(name.c_str(), function, arguments...)->UseRealTime();
}

// Reports floating-point operations per second next to the time per iteration.
inline void count_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOP/s"] =
      benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

// A Dense layer forward + backward, W4's whole forward call, one whole W1 and W2 training
// step, and the machine's ceiling (steps_benchmark.cpp).
void register_step_benchmarks();

}  // namespace soma::bench
