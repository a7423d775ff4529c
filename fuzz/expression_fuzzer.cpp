// libFuzzer harness for `soma grad`: the input's first line is the expression, its second
// (when there is one) the --at values, and a third line that is not empty asks for --json. The
// command runs as a user runs it: parse, differentiate, print the report or the error with
// its caret. Its errors (ExpressionError, soma::Error, the CLI's UsageError) are refusals;
// anything else escaping it (std::out_of_range from a bad offset, say) is a finding.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "arguments.hpp"
#include "commands.hpp"
#include "harness.hpp"
#include "soma/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  size_t start = 0;
  while (lines.size() < 3 && start <= input.size()) {
    const size_t end = std::min(input.find('\n', start), input.size());
    lines.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }
  std::vector<const char*> arguments = {"soma", "grad", lines[0].c_str()};
  if (lines.size() > 1) {
    arguments.push_back("--at");
    arguments.push_back(lines[1].c_str());
  }
  if (lines.size() > 2 && !lines[2].empty()) arguments.push_back("--json");
  try {
    soma::cli::run_grad(static_cast<int>(arguments.size()), arguments.data(), 2);
  } catch (const soma::Error&) {
    // soma's main turns these into a message and exit code 2, as for an ExpressionError.
  } catch (const soma::cli::UsageError&) {
    // The same for a bad option or argument (an expression that starts with "--", say).
  }
  return 0;
}
