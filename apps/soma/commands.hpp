// The sub-commands of the `soma` tool. Each takes the whole argv and the index of its
// first own argument, prints its results, and returns the process exit code; each one's
// options are declared by its parser function, which --help, `soma help --all` (the manual
// page), `soma completion` and the tests read.
#pragma once

#include <span>

#include "arguments.hpp"

namespace soma::cli {

// Exit codes shared by every sub-command.
constexpr int exit_ok = 0;
constexpr int exit_failure = 1;  // a failure while running (e.g. a file cannot be written)
constexpr int exit_usage = 2;    // bad input: an unknown option, a bad value, a bad expression

int run_grad(int argc, const char* const* argv, int first);
int run_train(int argc, const char* const* argv, int first);
int run_eval(int argc, const char* const* argv, int first);
int run_predict(int argc, const char* const* argv, int first);
int run_summary(int argc, const char* const* argv, int first);
int run_graph(int argc, const char* const* argv, int first);
int run_bench(int argc, const char* const* argv, int first);
int run_completion(int argc, const char* const* argv, int first);

ArgumentParser grad_parser();
ArgumentParser train_parser();
ArgumentParser eval_parser();
ArgumentParser predict_parser();
ArgumentParser summary_parser();
ArgumentParser graph_parser();
ArgumentParser bench_parser();
ArgumentParser completion_parser();

// One row per sub-command, in the order `soma --help` lists them.
struct Command {
  const char* name;
  const char* summary;  // one line of `soma --help`
  int (*run)(int argc, const char* const* argv, int first);
  ArgumentParser (*parser)();
};
std::span<const Command> commands();
// `soma --help`: the usage and every command's summary.
std::string overview();

}  // namespace soma::cli
