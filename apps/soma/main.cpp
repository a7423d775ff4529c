// Entry point of the `soma` tool: dispatches to a sub-command of the command table, and
// turns any error that escapes one into a one-line message and a non-zero exit code (never
// a stack trace).
#include <cstdio>
#include <exception>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "soma/core/error.hpp"

namespace {

using namespace soma::cli;

// `soma help`, `soma help COMMAND` and `soma help --all` (every command's help after the
// overview: what help2man makes the manual page of).
int run_help(int argc, char** argv) {
  const std::string what = argc > 2 ? argv[2] : "";
  if (argc > 3) throw UsageError("unexpected argument '" + std::string(argv[3]) + "'");
  if (what.empty() || what == "--all") std::fputs(overview().c_str(), stdout);
  for (const Command& command : commands()) {
    if (what == "--all") std::printf("\n%s", command.parser().help().c_str());
    if (what == command.name) {
      std::fputs(command.parser().help().c_str(), stdout);
      return exit_ok;
    }
  }
  if (!what.empty() && what != "--all") {
    throw UsageError("unknown command '" + what + "' (see 'soma --help')");
  }
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(overview().c_str(), stderr);
    return exit_usage;
  }
  const std::string command = argv[1];
  try {
    if (command == "--help" || command == "-h") {
      std::fputs(overview().c_str(), stdout);
      return exit_ok;
    }
    if (command == "help") return run_help(argc, argv);
    if (command == "--version") {
      std::puts("soma 0.1.0");
      return exit_ok;
    }
    for (const Command& entry : commands()) {
      if (command == entry.name) return entry.run(argc, argv, 2);
    }
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
