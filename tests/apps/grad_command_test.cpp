// End-to-end tests of `soma grad`: the table, --json, --dot, and errors with exit code 2.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_command.hpp"
#include "soma/ops/activation.hpp"

namespace soma::testing {
namespace {

const char* lecture = "grad 'sigmoid(w1*x + w2*y + b)' --at x=1,y=-2,w1=0.5,w2=0.25,b=0.1";

TEST(GradCommand, PrintsOneRowPerNode) {
  const CommandResult r = run_soma(lecture);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // The output node: sigmoid of n8, value s = 0.524979, d f/d f = 1.
  EXPECT_NE(r.out.find("n9    sigmoid   n8          0.524979      1             "
                       "sigmoid(w1*x + w2*y + b)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("n2    mul       n0,n1       0.5           0.249376      w1*x"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("df/dx = 0.124688"), std::string::npos);
  EXPECT_NE(r.out.find("df/dw2 = -0.498752"), std::string::npos);
}

// Every element-wise activation of the table is a function of soma grad, its row named
// after it, and the help lists them all.
TEST(GradCommand, ActivationsOfTheTableAreFunctions) {
  // gelu(-1) = -Phi(1) = -0.158655, silu(-1) = -1 / (1 + e) = -0.268941; df/dx =
  // gelu'(-1) + silu'(-1) = -0.0833155 + 0.0723295.
  const CommandResult r = run_soma("grad 'gelu(x) + silu(x)' --at x=-1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("n1    gelu      n0          -0.158655     1             gelu(x)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("n2    silu      n0          -0.268941     1             silu(x)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("df/dx = -0.010986"), std::string::npos) << r.out;
  const CommandResult help = run_soma("grad --help");
  for (const ActivationFunction& function : activation_functions()) {
    const bool listed = help.out.find(" " + std::string(function.name) + " ") != std::string::npos;
    EXPECT_EQ(listed, function.elementwise) << function.name << " in\n" << help.out;
  }
}

TEST(GradCommand, RowsLongerThanTheBoundNameTheirOperandsRows) {
  const CommandResult r = run_soma(
      "grad 'sigmoid(first_weight*first_input + second_weight*second_input + bias_term)' --at "
      "first_weight=1,first_input=2,second_weight=3,second_input=-1,bias_term=0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "f = sigmoid(first_weight*first_input + second_weight*second_input + bias_term)   at "
            "first_weight=1, first_input=2, second_weight=3, second_input=-1, bias_term=0\n"
            "\n"
            "node  op        inputs      value         df/dnode      expression\n"
            "n0    var                   1             0.393224      first_weight\n"
            "n1    var                   2             0.196612      first_input\n"
            "n2    mul       n0,n1       2             0.196612      first_weight*first_input\n"
            "n3    var                   3             -0.196612     second_weight\n"
            "n4    var                   -1            0.589836      second_input\n"
            "n5    mul       n3,n4       -3            0.196612      second_weight*second_input\n"
            "n6    add       n2,n5       -1            0.196612      "
            "first_weight*first_input + second_weight*second_input\n"
            "n7    var                   0             0.196612      bias_term\n"
            "n8    add       n6,n7       -1            0.196612      n6 + bias_term\n"
            "n9    sigmoid   n8          0.268941      1             sigmoid(n8)\n"
            "\n"
            "f = 0.268941\n"
            "df/dfirst_weight = 0.393224\n"
            "df/dfirst_input = 0.196612\n"
            "df/dsecond_weight = -0.196612\n"
            "df/dsecond_input = 0.589836\n"
            "df/dbias_term = 0.196612\n");
}

// Before, row k of a sum repeated all k terms: 60,000 terms wrote 3.6 GB. Now every row is
// short, so the table, --json and --dot grow linearly: a few dozen bytes a term.
TEST(GradCommand, OutputGrowsLinearlyWithTheExpression) {
  const std::string directory = make_temporary_directory();
  for (const size_t terms : {2000u, 8000u}) {
    SCOPED_TRACE(terms);
    std::string sum = "x";
    for (size_t i = 1; i < terms; ++i) sum += "+x";
    const std::string command = "grad '" + sum + "' --at x=1";
    const CommandResult table = run_soma(command);
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_LT(table.out.size(), 80 * terms);
    EXPECT_NE(table.out.find("\nn30   add       n29,n0      31            1             n29 + x\n"),
              std::string::npos);
    const CommandResult json = run_soma(command + " --json");
    ASSERT_EQ(json.exit_code, 0) << json.err;
    EXPECT_LT(json.out.size(), 120 * terms);
    const std::string path = directory + "/sum.dot";
    ASSERT_EQ(run_soma(command + " --dot '" + path + "'").exit_code, 0);
    EXPECT_LT(std::filesystem::file_size(path), 120 * terms);
  }
  std::filesystem::remove_all(directory);
}

TEST(GradCommand, TabsAroundNamesAndValuesAreAccepted) {
  // A tab after a comma was refused: "'\ty' is given a value but is not in the expression".
  const CommandResult r = run_soma("grad 'x*y' --at \"$(printf 'x=3,\\ty\\t=\\t4')\" --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"value\": 12, \"gradients\": {\"x\": 4, \"y\": 3}", 0), 0u) << r.out;
}

TEST(GradCommand, DeepNestingIsALocatedErrorNotACrash) {
  // 60,000 parentheses (the most one shell argument holds is 128 KiB).
  const CommandResult r = run_soma("grad \"$(printf '(%.0s' $(seq 60000))x\" --at x=1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("soma grad: error: the expression is nested more than 200 levels deep "
                        "(parentheses, function calls, signs and '^')\n",
                        0),
            0u)
      << r.err.substr(0, 200);
  // The caret stands under the 201st parenthesis.
  EXPECT_NE(r.err.find("\n  " + std::string(200, ' ') + "^\n"), std::string::npos);
}

TEST(GradCommand, JsonHasValueGradientsAndNodes) {
  const CommandResult r = run_soma("grad 'x*x + 3*x' --at x=2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"value\": 10, \"gradients\": {\"x\": 7}, \"nodes\": ["
            "{\"id\": 0, \"op\": \"var\", \"expression\": \"x\", \"inputs\": [], \"value\": 2, "
            "\"grad\": 7}, "
            "{\"id\": 1, \"op\": \"mul\", \"expression\": \"x*x\", \"inputs\": [0, 0], "
            "\"value\": 4, \"grad\": 1}, "
            "{\"id\": 2, \"op\": \"const\", \"expression\": \"3\", \"inputs\": [], \"value\": 3, "
            "\"grad\": 2}, "
            "{\"id\": 3, \"op\": \"mul\", \"expression\": \"3*x\", \"inputs\": [2, 0], "
            "\"value\": 6, \"grad\": 1}, "
            "{\"id\": 4, \"op\": \"add\", \"expression\": \"x*x + 3*x\", \"inputs\": [1, 3], "
            "\"value\": 10, \"grad\": 1}]}\n");
}

TEST(GradCommand, DotLabelsEdgesWithValuesAndNodesWithGradients) {
  const std::string directory = make_temporary_directory();
  const std::string path = directory + "/graph.dot";
  const CommandResult r = run_soma("grad 'x*y' --at x=3,y=4 --dot '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream file(path);
  std::stringstream dot;
  dot << file.rdbuf();
  EXPECT_NE(dot.str().find("digraph"), std::string::npos);
  EXPECT_NE(dot.str().find("n0 [label=\"n0: x\\ngrad 4\"]"), std::string::npos) << dot.str();
  EXPECT_NE(dot.str().find("n2 [label=\"n2: mul\\nx*y\\ngrad 1\"]"), std::string::npos);
  EXPECT_NE(dot.str().find("n0 -> n2 [label=\"3\"]"), std::string::npos);
  EXPECT_NE(dot.str().find("n1 -> n2 [label=\"4\"]"), std::string::npos);
  EXPECT_NE(dot.str().find("n2 -> f [label=\"12\"]"), std::string::npos);
  // Only the finished file is there: no temporary left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(directory),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(directory);
}

// Refused before anything is computed or printed, with exit code 2 (it once printed the
// whole table and then failed with 1).
TEST(GradCommand, UnwritableDotFileFailsBeforeAnythingIsPrinted) {
  const CommandResult r = run_soma("grad 'x' --at x=1 --dot /nonexistent-dir/graph.dot");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "soma grad: error: --dot: cannot write '/nonexistent-dir/graph.dot': the folder "
            "'/nonexistent-dir' does not exist\n");
  const CommandResult jpeg = run_soma("grad 'x' --at x=1 --dot graph.jpg");
  EXPECT_EQ(jpeg.exit_code, 2);
  EXPECT_EQ(jpeg.out, "");
  EXPECT_EQ(jpeg.err,
            "soma grad: error: --dot: 'graph.jpg' should end in .dot, .png, .svg or .pdf\n");
  // A write that fails after the check (here: a device that is full) prints nothing either.
  struct stat device {};
  if (::stat("/dev/full", &device) == 0 && S_ISCHR(device.st_mode)) {
    const std::string directory = make_temporary_directory();
    const std::string target = directory + "/full.dot";
    std::filesystem::create_symlink("/dev/full", target);
    const CommandResult full = run_soma("grad 'x' --at x=1 --dot '" + target + "'");
    EXPECT_EQ(full.exit_code, 2);
    EXPECT_EQ(full.out, "");
    EXPECT_EQ(full.err, "soma grad: error: cannot write '" + target +
                            "': writing: No space left on device\n");
    std::filesystem::remove_all(directory);
  }
}

struct BadInput {
  const char* arguments;
  const char* expected_err;
};

class GradCommandErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(GradCommandErrors, ExitTwoWithALocatedMessage) {
  const CommandResult r = run_soma(GetParam().arguments);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, GetParam().expected_err);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GradCommandErrors,
    ::testing::Values(
        BadInput{"grad 'sigmod(x)' --at x=1",
                 "soma grad: error: unknown function 'sigmod' (did you mean 'sigmoid'?)\n"
                 "  sigmod(x)\n  ^~~~~~\n"},
        BadInput{"grad 'x +* 2' --at x=1",
                 "soma grad: error: unexpected '*' where a number, a name or '(' is expected\n"
                 "  x +* 2\n     ^\n"},
        BadInput{"grad 'x + y' --at x=1",
                 "soma grad: error: the variable 'y' has no value (--at y=...)\n"
                 "  x + y\n      ^\n"},
        BadInput{"grad 'x' --at x=abc",
                 "soma grad: error: the value of 'x' is not a finite number: 'abc'\n"
                 "  --at x=abc\n         ^~~\n"},
        BadInput{"grad 'x' --at 'x=1, z=2'",
                 "soma grad: error: 'z' is given a value but is not in the expression\n"
                 "  --at x=1, z=2\n            ^\n"},
        BadInput{"grad 'x' --at x=1e40",
                 "soma grad: error: the value of 'x' is too large for float32: '1e40'\n"
                 "  --at x=1e40\n         ^~~~\n"},
        BadInput{"grad 'x * 1e40' --at x=1",
                 "soma grad: error: '1e40' is too large for float32\n"
                 "  x * 1e40\n      ^~~~\n"},
        BadInput{"grad 'x + \xC3\xA9' --at x=1",
                 "soma grad: error: unexpected '\xC3\xA9' where a number, a name or '(' is "
                 "expected\n"
                 "  x + \xC3\xA9\n      ^\n"},
        BadInput{"grad ''", "soma grad: error: the expression is empty\n  \n  ^\n"},
        BadInput{"grad 'softmax(x)' --at x=1",
                 "soma grad: error: softmax works across a row of values; an expression is one "
                 "number\n  softmax(x)\n  ^~~~~~~\n"},
        BadInput{"grad 'log(x)' --at x=-1",
                 "soma grad: error: log of a non-positive number: 'x' is -1\n"
                 "  log(x)\n  ^~~~~~\n"},
        BadInput{"grad 'x/(y-1)' --at x=1,y=1",
                 "soma grad: error: division by zero: '(y-1)' is 0\n"
                 "  x/(y-1)\n    ^~~~~\n"},
        BadInput{"grad 'x' --at x=1 --bogus",
                 "soma grad: error: unknown option '--bogus' (see 'soma grad --help')\n"},
        BadInput{"grad",
                 "soma grad: error: missing EXPR (usage: soma grad EXPR --at "
                 "NAME=VALUE,... [--json] [--dot FILE])\n"},
        BadInput{"grad 'x' --at",
                 "soma grad: error: option '--at' needs a value: --at "
                 "NAME=VALUE,...\n"}),
    [](const ::testing::TestParamInfo<BadInput>& case_info) {
      std::string name = std::to_string(case_info.index) + "_";
      for (const char* c = case_info.param.arguments; *c != '\0'; ++c) {
        name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      }
      return name;
    });

TEST(GradCommand, HelpAndUnknownCommand) {
  const CommandResult help = run_soma("grad --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: soma grad EXPR"), std::string::npos);
  const CommandResult unknown = run_soma("gard");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "soma: unknown command 'gard' (see 'soma --help')\n");
}

TEST(GradCommand, SeveralAtOptionsCombine) {
  const CommandResult r = run_soma("grad 'x*y' --at x=3 --at y=4 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\"value\": 12, \"gradients\": {\"x\": 4, \"y\": 3}", 0), 0u) << r.out;
}

}  // namespace
}  // namespace soma::testing
