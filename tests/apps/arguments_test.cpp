// Tests of ArgumentParser: a value-taking option never swallows the option after it
// (`--save --json`), a value that looks like an option can still be given attached
// (`--save=--json`), and negative numbers stay values.
#include "arguments.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
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

// A command that reads an option it never declared would read nothing, and the option would
// be missing from --help: that is refused at once.
TEST(ArgumentParser, ReadingAnUndeclaredOptionIsAProgrammingError) {
  const ParsedArguments parsed = parse({"--noise", "1"});
  EXPECT_TRUE(parsed.has("--noise"));
  EXPECT_FALSE(parsed.has("--save"));
  EXPECT_THROW((void)parsed.has("--nosie"), std::logic_error);
  EXPECT_THROW((void)parsed.value("--seed"), std::logic_error);
  EXPECT_THROW((void)parsed.values("--at"), std::logic_error);
}

// Help text breaks at spaces so that no line passes column 100; continuation lines start
// under the first.
TEST(ArgumentParser, LongHelpIsWrappedUnderItsColumn) {
  ArgumentParser parser("soma x", "soma x", "test");
  std::string help;
  for (int i = 0; i < 30; ++i) help += "word" + std::to_string(i) + " ";
  help.pop_back();
  parser.add_option("--long", "X", help);
  const std::string text = parser.help();
  const size_t at = text.find("  --long X");
  ASSERT_NE(at, std::string::npos);
  const std::string expected =
      "  --long X                  word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 "
      "word10\n                            word11 word12 word13 word14 word15 word16 word17 "
      "word18 word19 word20\n                            word21 word22 word23 word24 word25 "
      "word26 word27 word28 word29\n";
  EXPECT_EQ(text.substr(at), expected);
}

}  // namespace
}  // namespace soma::cli
