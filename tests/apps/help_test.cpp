// Every option of every command is in its --help, in `soma help --all` (the manual page's
// text) and in the bash completion: each is checked against the command table and each
// command's option table, the one list all of them are generated from.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "run_command.hpp"

namespace soma::cli {
namespace {

using testing::CommandResult;
using testing::run_soma;

// What _soma offers for the words `line` (the last one being completed), run in bash with
// the script `script` sourced.
std::set<std::string> completions(const std::string& script, const std::string& line) {
  const std::string directory = testing::make_temporary_directory();
  const std::string program = directory + "/complete.sh";
  std::ofstream(program) << "source '" << script << "'\n"
                         << "COMP_WORDS=(" << line << ")\n"
                         << "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                         << "_soma\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  FILE* pipe = ::popen(("bash '" + program + "'").c_str(), "r");
  std::string out;
  char buffer[4096];
  size_t n = 0;
  while (pipe != nullptr && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  if (pipe != nullptr) ::pclose(pipe);
  std::filesystem::remove_all(directory);
  std::set<std::string> words;
  std::istringstream lines(out);
  for (std::string word; std::getline(lines, word);) {
    if (!word.empty()) words.insert(word);
  }
  return words;
}

TEST(Help, EveryOptionOfEveryCommandIsInItsHelp) {
  const CommandResult all = run_soma("help --all");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const CommandResult overview_run = run_soma("--help");
  EXPECT_EQ(overview_run.out, overview());
  EXPECT_EQ(all.out.find(overview()), 0u);
  for (const Command& command : commands()) {
    SCOPED_TRACE(command.name);
    const ArgumentParser parser = command.parser();
    EXPECT_EQ(parser.command(), std::string("soma ") + command.name);
    EXPECT_NE(overview().find(std::string("\n  ") + command.name + " "), std::string::npos);
    // The tool prints the same help as the table's parser, as --help and as `soma help CMD`.
    const CommandResult help = run_soma(std::string(command.name) + " --help");
    ASSERT_EQ(help.exit_code, 0) << help.err;
    EXPECT_EQ(help.out, parser.help());
    EXPECT_EQ(run_soma(std::string("help ") + command.name).out, parser.help());
    EXPECT_NE(all.out.find(parser.help()), std::string::npos);
    for (const ArgumentParser::Option& option : parser.options()) {
      const std::string left =
          "\n  " + option.name + (option.value_name.empty() ? " " : " " + option.value_name + " ");
      EXPECT_NE(help.out.find(left), std::string::npos) << option.name;
      EXPECT_FALSE(option.help.empty()) << option.name;
      // A line break of its own would start a line at column 0, out of the help's layout.
      EXPECT_EQ(option.help.find('\n'), std::string::npos) << option.name;
    }
    // No help line runs past column 100.
    std::istringstream lines(help.out);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  }
  EXPECT_EQ(run_soma("help nothing").exit_code, 2);
}

TEST(Help, TheBashCompletionOffersEveryOptionOfEveryCommand) {
  const std::string directory = testing::make_temporary_directory();
  const std::string script = directory + "/soma.bash";
  const CommandResult generated = run_soma("completion");
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  std::ofstream(script) << generated.out;

  std::set<std::string> names;
  for (const Command& command : commands()) names.insert(command.name);
  const std::set<std::string> first = completions(script, "soma ''");
  for (const std::string& name : names) EXPECT_EQ(first.count(name), 1u) << name;
  EXPECT_EQ(completions(script, "soma tr"), std::set<std::string>{"train"});

  for (const Command& command : commands()) {
    SCOPED_TRACE(command.name);
    const ArgumentParser parser = command.parser();
    std::set<std::string> options;
    for (const ArgumentParser::Option& option : parser.options()) options.insert(option.name);
    EXPECT_EQ(completions(script, std::string("soma ") + command.name + " --"), options);
    for (const ArgumentParser::Option& option : parser.options()) {
      // After an option that takes a value, nothing is offered: readline completes a file.
      const std::set<std::string> after =
          completions(script, std::string("soma ") + command.name + " " + option.name + " --");
      EXPECT_EQ(after.empty(), !option.value_name.empty()) << option.name;
    }
  }
  EXPECT_EQ(completions(script, "soma train --sch"), std::set<std::string>{"--schedule"});
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace soma::cli
