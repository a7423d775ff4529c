// Entry point of the `soma` tool: dispatches to a sub-command, and turns any error that
// escapes one into a one-line message and a non-zero exit code (never a stack trace).
#include <cstdio>
#include <exception>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "soma/core/error.hpp"

namespace {

constexpr const char* overview = R"(usage: soma COMMAND [OPTIONS]

soma: neural networks trained by backpropagation.

commands:
  train     train a network on built-in data or a CSV file; --plot draws the result
  eval      evaluate a saved model on data: loss, accuracy and confusion matrix, or RMSE
  predict   run a saved model on a CSV file, one output row per input row
  summary   the parameter table of a network, e.g. soma summary --arch 8-9-9-9-4
  graph     draw a network per neuron, per layer of arrays, or per scalar operator
  grad      differentiate a scalar expression: every node of its computational graph
            with its value and the gradient of the output with respect to it
  bench     time the speed workloads W1-W4 (training and inference) and print a table

'soma COMMAND --help' describes a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace soma::cli;
  if (argc < 2) {
    std::fputs(overview, stderr);
    return exit_usage;
  }
  const std::string command = argv[1];
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(overview, stdout);
      return exit_ok;
    }
    if (command == "--version") {
      std::puts("soma 0.1.0");
      return exit_ok;
    }
    if (command == "grad") return run_grad(argc, argv, 2);
    if (command == "train") return run_train(argc, argv, 2);
    if (command == "eval") return run_eval(argc, argv, 2);
    if (command == "predict") return run_predict(argc, argv, 2);
    if (command == "summary") return run_summary(argc, argv, 2);
    if (command == "graph") return run_graph(argc, argv, 2);
    if (command == "bench") return run_bench(argc, argv, 2);
    std::fprintf(stderr, "soma: unknown command '%s' (see 'soma --help')\n", command.c_str());
    return exit_usage;
  } catch (const UsageError& error) {
    std::fprintf(stderr, "soma %s: error: %s\n", command.c_str(), error.what());
    return exit_usage;
  } catch (const soma::Error& error) {
    // Bad data, a bad model file, a mismatch between them: the user's input, hence 2.
    std::fprintf(stderr, "soma %s: error: %s\n", command.c_str(), error.what());
    return exit_usage;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "soma %s: error: %s\n", command.c_str(), error.what());
    return exit_failure;
  }
}
