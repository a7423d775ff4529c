// The table of soma's sub-commands, which main() dispatches through and `soma --help`
// lists: a new command is one row here.
#include <string>

#include "commands.hpp"

namespace soma::cli {

std::span<const Command> commands() {
  static constexpr Command table[] = {
      {"train", "train a network on built-in data or a CSV file; --plot draws the result",
       run_train, train_parser},
      {"eval", "evaluate a saved model on data: loss, accuracy and confusion matrix, or RMSE",
       run_eval, eval_parser},
      {"predict", "run a saved model on a CSV file, one output row per input row", run_predict,
       predict_parser},
      {"summary", "the parameter table of a network, e.g. soma summary --arch 8-9-9-9-4",
       run_summary, summary_parser},
      {"graph", "draw a network per neuron, per layer of arrays, or per scalar operator", run_graph,
       graph_parser},
      {"grad",
       "differentiate a scalar expression: every node of its computational graph\n"
       "with its value and the gradient of the output with respect to it",
       run_grad, grad_parser},
      {"bench", "time the speed workloads W1-W4 (training and inference) and print a table",
       run_bench, bench_parser},
      {"completion", "print the bash completion script (installed with soma)", run_completion,
       completion_parser},
  };
  return table;
}

std::string overview() {
  std::string text =
      "usage: soma COMMAND [OPTIONS]\n\n"
      "soma: neural networks trained by backpropagation.\n\n"
      "commands:\n";
  constexpr size_t column = 14;  // where the summaries start
  for (const Command& command : commands()) {
    const std::string name = command.name;
    std::string line = "  " + name + std::string(column - 2 - name.size(), ' ');
    for (const char c : std::string(command.summary)) {
      line += c;
      if (c == '\n') line += std::string(column, ' ');  // a summary's second line, indented
    }
    text += line + "\n";
  }
  text +=
      "\n'soma COMMAND --help' describes a command's options; 'soma help --all' prints\n"
      "every command's, as the manual page (man soma) shows them.\n";
  return text;
}

}  // namespace soma::cli
