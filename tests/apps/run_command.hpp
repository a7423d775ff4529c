// Runs the soma executable in a shell and captures what it printed and its exit code,
// for end-to-end tests of the command-line tool.
#pragma once

#include <string>

namespace soma::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// `arguments` is appended to the path of the soma executable as shell text, so quote
// expressions as a user would. `environment` (e.g. "OPENBLAS_CORETYPE=Haswell") is set for
// that one run.
CommandResult run_soma(const std::string& arguments, const std::string& environment = "");

// A fresh empty directory for files a test writes; removed by the caller.
std::string make_temporary_directory();

}  // namespace soma::testing
