// ArgumentParser: strict parsing, with errors that say which option was wrong and how.
#include "arguments.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "soma/core/memory.hpp"

namespace soma::cli {

const std::string& ParsedArguments::declared(const std::string& name) const {
  if (!declared_.empty() &&
      std::find(declared_.begin(), declared_.end(), name) == declared_.end()) {
    throw std::logic_error("option '" + name + "' is read but was not declared");
  }
  return name;
}

std::optional<std::string> ParsedArguments::value(const std::string& name) const {
  auto found = values_.find(declared(name));
  if (found == values_.end() || found->second.empty()) return std::nullopt;
  return found->second.back();
}

std::vector<std::string> ParsedArguments::values(const std::string& name) const {
  auto found = values_.find(declared(name));
  return found == values_.end() ? std::vector<std::string>{} : found->second;
}

ArgumentParser::ArgumentParser(std::string command, std::string usage, std::string description)
    : command_(std::move(command)), usage_(std::move(usage)), description_(std::move(description)) {
  add_flag("--help", "show this help and exit");
}

void ArgumentParser::add_option(const std::string& name, const std::string& value_name,
                                const std::string& help, bool repeatable) {
  options_.push_back({name, value_name, help, repeatable});
}

void ArgumentParser::add_flag(const std::string& name, const std::string& help) {
  options_.push_back({name, "", help, false});
}

void ArgumentParser::add_positional(const std::string& name, const std::string& help) {
  positionals_.emplace_back(name, help);
}

const ArgumentParser::Option* ArgumentParser::find(const std::string& name) const {
  auto found = std::find_if(options_.begin(), options_.end(),
                            [&](const Option& option) { return option.name == name; });
  return found == options_.end() ? nullptr : &*found;
}

ParsedArguments ArgumentParser::parse(int argc, const char* const* argv, int first) const {
  ParsedArguments parsed;
  for (const Option& option : options_) parsed.declared_.push_back(option.name);
  bool options_ended = false;
  for (int i = first; i < argc; ++i) {
    const std::string argument = argv[i];
    if (options_ended || argument.size() < 2 || argument[0] != '-' ||
        (argument[1] != '-' && argument != "-h")) {
      // A lone "-" or a negative number is a positional value, not an option.
      parsed.positionals_.push_back(argument);
      continue;
    }
    if (argument == "--") {
      options_ended = true;
      continue;
    }
    const size_t equals = argument.find('=');
    const std::string name = argument == "-h" ? "--help" : argument.substr(0, equals);
    const Option* option = find(name);
    if (option == nullptr) {
      throw UsageError("unknown option '" + name + "' (see '" + command_ + " --help')");
    }
    if (option->value_name.empty()) {
      if (equals != std::string::npos) {
        throw UsageError("option '" + name + "' takes no value");
      }
      parsed.values_[name].push_back("");
      continue;
    }
    const std::string value = value_of(*option, argument, argc, argv, i);
    auto& slot = parsed.values_[name];
    if (!slot.empty() && !option->repeatable) {
      throw UsageError("option '" + name + "' is given more than once");
    }
    slot.push_back(value);
  }
  if (!parsed.has("--help")) check_positionals(parsed.positionals_);
  return parsed;
}

std::optional<ParsedArguments> ArgumentParser::parse_or_print_help(int argc,
                                                                   const char* const* argv,
                                                                   int first) const {
  ParsedArguments parsed = parse(argc, argv, first);
  if (!parsed.has("--help")) return parsed;
  std::fputs(help().c_str(), stdout);
  return std::nullopt;
}

std::string ArgumentParser::value_of(const Option& option, const std::string& argument, int argc,
                                     const char* const* argv, int& i) const {
  const std::string& name = option.name;
  if (const size_t equals = argument.find('='); equals != std::string::npos) {
    return argument.substr(equals + 1);
  }
  if (i + 1 >= argc) {
    throw UsageError("option '" + name + "' needs a value: " + name + " " + option.value_name);
  }
  std::string value = argv[++i];
  // `--save --json` would otherwise save to a file named --json and lose the flag. A single
  // dash stays a value, for negative numbers (--noise -1).
  if (value.starts_with("--") || value == "-h") {
    const bool known = find(value == "-h" ? "--help" : value.substr(0, value.find('='))) != nullptr;
    throw UsageError("option '" + name + "' needs a value, but '" + value + "' " +
                     (known ? "is an option of " + command_ : "looks like an option") +
                     " (to give a value that looks like an option, write " + name + "=" + value +
                     ")");
  }
  return value;
}

void ArgumentParser::check_positionals(const std::vector<std::string>& given) const {
  if (given.size() < positionals_.size()) {
    throw UsageError("missing " + positionals_[given.size()].first + " (usage: " + usage_ + ")");
  }
  if (given.size() > positionals_.size()) {
    throw UsageError("unexpected argument '" + given[positionals_.size()] + "' (usage: " + usage_ +
                     ")");
  }
}

namespace {

// "  LEFT" padded to column 28, then `help` broken at spaces so that no line passes column
// 100 (the continuation lines start at column 28 too).
std::string help_line(const std::string& left, const std::string& help) {
  constexpr size_t column = 28;
  constexpr size_t width = 100;
  std::string text =
      "  " + left + std::string(left.size() < column - 2 ? column - 2 - left.size() : 1, ' ');
  size_t line_start = 0;  // where text's last line starts
  size_t start = 0;
  while (start < help.size()) {
    size_t end = help.find(' ', start);
    if (end == std::string::npos) end = help.size();
    const std::string word = help.substr(start, end - start);
    const bool first_word = text.size() - line_start <= column;
    if (!first_word && text.size() - line_start + 1 + word.size() > width) {
      text += "\n" + std::string(column, ' ');
      line_start = text.size() - column;
    } else if (!first_word) {
      text += ' ';
    }
    text += word;
    start = end + 1;
  }
  return text + "\n";
}

}  // namespace

std::string ArgumentParser::help() const {
  std::string text = "usage: " + usage_ + "\n\n" + description_ + "\n";
  if (!positionals_.empty()) {
    text += "\narguments:\n";
    for (const auto& [name, help] : positionals_) {
      text += "  " + name + std::string(name.size() < 26 ? 26 - name.size() : 1, ' ') + help + "\n";
    }
  }
  text += "\noptions:\n";
  for (const Option& option : options_) {
    std::string left = option.name;
    if (!option.value_name.empty()) left += " " + option.value_name;
    text += help_line(left, option.help + (option.repeatable ? " (repeatable)" : ""));
  }
  return text;
}

}  // namespace soma::cli

namespace soma::cli {

int64_t parse_integer(const std::string& option, const std::string& text, int64_t minimum,
                      int64_t maximum) {
  // strtoll, not stoll: beyond 64 bits it says ERANGE, an out-of-range number, where stoll
  // throws as for text.
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  const bool overflow = errno == ERANGE;
  if (text.empty() || end != text.c_str() + text.size()) {
    throw UsageError(option + ": '" + text + "' is not a whole number");
  }
  if (overflow || value < minimum || value > maximum) {
    throw UsageError(option + ": " + text + " is out of range (" + std::to_string(minimum) +
                     " to " + std::to_string(maximum) + ")");
  }
  return value;
}

double parse_real(const std::string& option, const std::string& text, double minimum,
                  double maximum) {
  // strtod, not stod: beyond double's range (1e400) it gives inf where stod throws, so
  // that the message below says what is wrong with the number.
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const bool has_digits = text.find_first_of("0123456789") != std::string::npos;  // not "inf"
  if (text.empty() || end != text.c_str() + text.size() || !has_digits) {
    throw UsageError(option + ": '" + text + "' is not a number");
  }
  // Every real option ends up a float32 or is compared with float32 losses: 1e40 is a
  // number, just not one soma can hold.
  if (std::fabs(value) > static_cast<double>(std::numeric_limits<float>::max())) {
    throw UsageError(option + ": '" + text + "' is too large for float32");
  }
  if (value < minimum || value > maximum) {
    char range[96];
    std::snprintf(range, sizeof range, " is out of range (%g to %g)", minimum, maximum);
    throw UsageError(option + ": " + text + range);
  }
  return value;
}

std::vector<std::string> parse_list(const std::string& option, const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) throw UsageError(option + ": empty item in '" + text + "'");
    items.push_back(item);
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

}  // namespace soma::cli

namespace soma::cli {

void check_memory(const std::string& what, double bytes) {
  const std::optional<uint64_t> memory = physical_memory_bytes();
  if (memory && bytes > static_cast<double>(*memory)) {
    throw UsageError(what + " would need about " + binary_size(bytes) +
                     " of memory, more than this machine's " +
                     binary_size(static_cast<double>(*memory)));
  }
}

}  // namespace soma::cli
