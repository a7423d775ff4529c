// Command-line parsing for soma's sub-commands: options (--name VALUE or --name=VALUE),
// flags, positional arguments, and generated --help text. Every mistake is a UsageError
// whose message names the option, so the tool can print one line and exit with code 2. A
// value that starts with "--" must be attached (--save=--json): given separately, it is
// taken for the option it looks like and refused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace soma::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Asking for an option the command did not declare is a programming error (the option would
// be read but missing from --help and refused by the parser): it throws std::logic_error.
class ParsedArguments {
 public:
  bool has(const std::string& name) const { return values_.count(declared(name)) > 0; }
  // The last value given for option `name`, if any.
  std::optional<std::string> value(const std::string& name) const;
  // Every value given for a repeatable option, in order.
  std::vector<std::string> values(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend class ArgumentParser;
  const std::string& declared(const std::string& name) const;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
  std::vector<std::string> declared_;  // the parser's option names; empty: not checked
};

class ArgumentParser {
 public:
  ArgumentParser(std::string command, std::string usage, std::string description);

  void add_option(const std::string& name, const std::string& value_name, const std::string& help,
                  bool repeatable = false);
  void add_flag(const std::string& name, const std::string& help);
  void add_positional(const std::string& name, const std::string& help);

  // Parses argv[first..argc). With --help the result has it, and the positional arguments
  // are not checked.
  ParsedArguments parse(int argc, const char* const* argv, int first) const;
  // parse(), except that --help prints the help on stdout and gives no arguments: the
  // command then returns exit_ok.
  std::optional<ParsedArguments> parse_or_print_help(int argc, const char* const* argv,
                                                     int first) const;
  std::string help() const;
  const std::string& command() const { return command_; }

  // The option table, in --help's order (--help first): what --help, the bash completion
  // and the manual page are generated from.
  struct Option {
    std::string name;
    std::string value_name;  // empty for a flag
    std::string help;
    bool repeatable = false;
  };
  const std::vector<Option>& options() const { return options_; }

 private:
  const Option* find(const std::string& name) const;
  // The value of `option` given as `argument` (--name=VALUE), or else argv[i + 1] (i moves on).
  std::string value_of(const Option& option, const std::string& argument, int argc,
                       const char* const* argv, int& i) const;
  // Throws for fewer or more positional arguments than the command takes.
  void check_positionals(const std::vector<std::string>& given) const;

  std::string command_;
  std::string usage_;
  std::string description_;
  std::vector<Option> options_;
  std::vector<std::pair<std::string, std::string>> positionals_;
};

}  // namespace soma::cli

namespace soma::cli {

// Option values: each throws UsageError naming the option and what it expected,
// e.g. "--epochs: 'ten' is not a whole number".
int64_t parse_integer(const std::string& option, const std::string& text, int64_t minimum,
                      int64_t maximum);
double parse_real(const std::string& option, const std::string& text, double minimum,
                  double maximum);
// "a,b,c" -> {"a", "b", "c"}; empty parts are an error.
std::vector<std::string> parse_list(const std::string& option, const std::string& text);

// What options may ask of the machine, checked before anything is allocated, so that
// `--arch 2-16777216-16777216-1` is a one-line refusal rather than std::bad_alloc.

// Throws UsageError "WHAT would need about 4.0 PiB of memory, more than this machine's
// 125.7 GiB" when `bytes` exceed the physical memory.
void check_memory(const std::string& what, double bytes);

}  // namespace soma::cli
