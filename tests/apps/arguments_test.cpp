// Tests of ArgumentParser: a value-taking option never swallows the option after it
// (`--save --json`), a value that looks like an option can still be given attached
// (`--save=--json`), and negative numbers stay values.
#include "arguments.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace soma::cli {
namespace {

ArgumentParser train_like_parser() {
  ArgumentParser parser("soma train", "soma train [options]", "test");
  parser.add_option("--save", "MODEL", "where to save");
  parser.add_option("--noise", "X", "noise");
  parser.add_flag("--json", "JSON output");
  return parser;
}

ParsedArguments parse(const std::vector<const char*>& words) {
  std::vector<const char*> argv = {"soma", "train"};
  argv.insert(argv.end(), words.begin(), words.end());
  return train_like_parser().parse(static_cast<int>(argv.size()), argv.data(), 2);
}

std::string usage_error(const std::vector<const char*>& words) {
  try {
    parse(words);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "(no UsageError thrown)";
}

TEST(ArgumentParser, AValueOptionDoesNotSwallowTheNextOption) {
  EXPECT_EQ(usage_error({"--save", "--json"}),
            "option '--save' needs a value, but '--json' is an option of soma train (to give a "
            "value that looks like an option, write --save=--json)");
  EXPECT_EQ(usage_error({"--save", "--jsn"}),
            "option '--save' needs a value, but '--jsn' looks like an option (to give a value "
            "that looks like an option, write --save=--jsn)");
  EXPECT_EQ(usage_error({"--save", "--noise=1"}),
            "option '--save' needs a value, but '--noise=1' is an option of soma train (to give a "
            "value that looks like an option, write --save=--noise=1)");
  EXPECT_EQ(usage_error({"--save", "-h"}),
            "option '--save' needs a value, but '-h' is an option of soma train (to give a value "
            "that looks like an option, write --save=-h)");
}

TEST(ArgumentParser, AttachedValuesAndNegativeNumbersAreValues) {
  const ParsedArguments attached = parse({"--save=--json", "--json"});
  EXPECT_EQ(attached.value("--save"), "--json");
  EXPECT_TRUE(attached.has("--json"));
  const ParsedArguments negative = parse({"--noise", "-1", "--save", "-model.soma"});
  EXPECT_EQ(negative.value("--noise"), "-1");
  EXPECT_EQ(negative.value("--save"), "-model.soma");
  EXPECT_EQ(parse({"--noise", "-0.5e-3"}).value("--noise"), "-0.5e-3");
}

TEST(ArgumentParser, AMissingValueIsStillReported) {
  EXPECT_EQ(usage_error({"--save"}), "option '--save' needs a value: --save MODEL");
}

}  // namespace
}  // namespace soma::cli
