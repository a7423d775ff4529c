// run_soma: popen with standard error sent to a temporary file.
#include "run_command.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace soma::testing {

std::string make_temporary_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "soma-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

CommandResult run_soma(const std::string& arguments, const std::string& environment) {
  const std::string directory = make_temporary_directory();
  const std::string err_path = directory + "/stderr";
  const std::string command = (environment.empty() ? std::string() : "env " + environment + " ") +
                              "'" + SOMA_CLI_PATH + "' " + arguments + " 2>'" + err_path +
                              "' </dev/null";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  std::filesystem::remove_all(directory);
  return result;
}

}  // namespace soma::testing
