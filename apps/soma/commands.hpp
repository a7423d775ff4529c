// The sub-commands of the `soma` tool. Each takes the whole argv and the index of its
// first own argument, prints its results, and returns the process exit code.
#pragma once

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

}  // namespace soma::cli
