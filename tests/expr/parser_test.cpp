// Tests of the expression parser: precedence, associativity, spans, and located errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "soma/expr/expression.hpp"
#include "soma/ops/activation.hpp"

namespace soma::expr {
namespace {

// Renders the tree back as fully parenthesised text, to check the structure.
std::string structure(const Expression& e, size_t index) {
  const ExprNode& n = e.nodes()[index];
  switch (n.kind) {
    case ExprNode::Kind::number: {
      char text[32];
      std::snprintf(text, sizeof text, "%g", static_cast<double>(n.number));
      return text;
    }
    case ExprNode::Kind::variable:
      return n.name;
    case ExprNode::Kind::negate:
      return "(-" + structure(e, n.operands[0]) + ")";
    case ExprNode::Kind::binary:
      return "(" + structure(e, n.operands[0]) + n.binary_operator + structure(e, n.operands[1]) +
             ")";
    case ExprNode::Kind::call:
      return n.name + "(" + structure(e, n.operands[0]) + ")";
  }
  return "?";
}

std::string parsed(const std::string& text) {
  const Expression e = Expression::parse(text);
  return structure(e, e.root());
}

TEST(Parser, PrecedenceAndAssociativity) {
  EXPECT_EQ(parsed("a + b * c"), "(a+(b*c))");
  EXPECT_EQ(parsed("a - b - c"), "((a-b)-c)");
  EXPECT_EQ(parsed("a / b / c"), "((a/b)/c)");
  EXPECT_EQ(parsed("2^3^2"), "(2^(3^2))");
  EXPECT_EQ(parsed("-x^2"), "(-(x^2))");
  EXPECT_EQ(parsed("2^-1"), "(2^-1)");
  EXPECT_EQ(parsed("(a + b) * c"), "((a+b)*c)");
  EXPECT_EQ(parsed("sigmoid(w1*x + w2*y + b)"), "sigmoid((((w1*x)+(w2*y))+b))");
  EXPECT_EQ(parsed("--x"), "(-(-x))");
  EXPECT_EQ(parsed("+x"), "x");
}

TEST(Parser, Numbers) {
  EXPECT_EQ(parsed("1.5e-3 * x"), "(0.0015*x)");
  EXPECT_EQ(parsed(".5"), "0.5");
  EXPECT_EQ(parsed("-2"), "-2");  // a negative literal, not neg(2)
}

TEST(Parser, SpansAndVariables) {
  const Expression e = Expression::parse("sigmoid(w1*x + w2*y + b) + x");
  EXPECT_EQ(e.source(e.root()), "sigmoid(w1*x + w2*y + b) + x");
  const ExprNode& call = e.nodes()[e.nodes()[e.root()].operands[0]];
  EXPECT_EQ(call.begin, 0u);
  EXPECT_EQ(call.end, 24u);
  EXPECT_EQ(e.variables(), (std::vector<std::string>{"w1", "x", "w2", "y", "b"}));
}

struct ErrorCase {
  const char* text;
  const char* reason;
  size_t column;
  size_t length;
};

// "3_x____2": a readable test name from the case's index and text.
std::string test_name(size_t index, const std::string& text) {
  std::string name = std::to_string(index) + "_";
  for (char c : text) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

// Every function, in the order of function_names().
const std::string unknown_foo = [] {
  std::string message = "unknown function 'foo'; known functions:";
  for (const std::string& name : function_names()) message += " " + name;
  return message;
}();

class ParserErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrors, PointAtTheColumn) {
  const ErrorCase& c = GetParam();
  try {
    Expression::parse(c.text);
    FAIL() << "no error for " << c.text;
  } catch (const ExpressionError& error) {
    EXPECT_EQ(error.reason(), c.reason);
    EXPECT_EQ(error.column(), c.column);
    EXPECT_EQ(error.length(), c.length);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParserErrors,
    ::testing::Values(
        ErrorCase{"sigmod(x)", "unknown function 'sigmod' (did you mean 'sigmoid'?)", 0, 6},
        ErrorCase{"foo(x)", unknown_foo.c_str(), 0, 3},
        ErrorCase{"softmax(x)", "softmax works across a row of values; an expression is one number",
                  0, 7},
        ErrorCase{"x +* 2", "unexpected '*' where a number, a name or '(' is expected", 3, 1},
        ErrorCase{"(x + 1", "missing ')' for the '(' here", 0, 1},
        ErrorCase{"x + 1)", "unmatched ')'", 5, 1},
        ErrorCase{"x + ", "the expression ends where a number, a name or '(' is expected", 4, 1},
        ErrorCase{"", "the expression is empty", 0, 1},
        ErrorCase{"2x", "a number followed by a name: write '*' to multiply", 1, 1},
        ErrorCase{"1.2.3", "'1.2.3' is not a number", 0, 5},
        ErrorCase{"exp + 1", "'exp' is a function: write exp(...)", 0, 3},
        ErrorCase{"relu()", "relu() needs an argument", 5, 1},
        ErrorCase{"x $ y", "unexpected '$'", 2, 1},
        ErrorCase{"1e99", "'1e99' is too large for float32", 0, 4},
        ErrorCase{"2 * 1e40", "'1e40' is too large for float32", 4, 4},
        // A non-ASCII character is quoted whole (two bytes here), a control byte by value.
        ErrorCase{"x \xC3\xA9", "unexpected '\xC3\xA9'", 2, 2},
        ErrorCase{"x + \xC3\xA9", "unexpected '\xC3\xA9' where a number, a name or '(' is expected",
                  4, 2},
        ErrorCase{"x \xFF", "unexpected byte 0xFF", 2, 1},
        ErrorCase{"x \x01", "unexpected byte 0x01", 2, 1},
        ErrorCase{" \t ", "the expression is empty", 0, 1}),
    [](const ::testing::TestParamInfo<ErrorCase>& case_info) {
      return test_name(case_info.index, case_info.param.text);
    });

// The functions are the activation table's element-wise entries, in its order, then exp,
// log, sqrt and abs; softmax, which works across a row, is not one.
TEST(Parser, FunctionsAreTheElementwiseActivationsThenMath) {
  std::vector<std::string> expected;
  for (const ActivationFunction& activation : activation_functions()) {
    if (activation.elementwise) expected.emplace_back(activation.name);
  }
  expected.insert(expected.end(), {"exp", "log", "sqrt", "abs"});
  EXPECT_EQ(function_names(), expected);
  for (const char* name : {"sigmoid", "leaky_relu", "gelu", "silu"}) {
    EXPECT_EQ(std::count(expected.begin(), expected.end(), name), 1) << name;
  }
  EXPECT_EQ(std::count(expected.begin(), expected.end(), "softmax"), 0);
  EXPECT_EQ(parsed("gelu(silu(x))"), "gelu(silu(x))");
}

TEST(Parser, NulByteIsRefusedWhereItStands) {
  try {
    Expression::parse(std::string("x\0+y", 4));
    FAIL();
  } catch (const ExpressionError& error) {
    EXPECT_EQ(error.reason(), "unexpected byte 0x00");
    EXPECT_EQ(error.column(), 1u);
  }
}

// Each parenthesis, function call, sign and '^' is one level, and the message says so: 200
// of any of them parse, 201 do not (before, a parenthesis counted twice and a plain term
// once, so the parser refused 100 parentheses while its message spoke of 200 levels).
TEST(Parser, NestingLimitIsTheOneTheMessageNames) {
  const std::string reason =
      "the expression is nested more than 200 levels deep (parentheses, function calls, signs "
      "and '^')";
  const auto parentheses = [](size_t n) { return std::string(n, '(') + "x" + std::string(n, ')'); };
  const auto calls = [](size_t n) {
    std::string text;
    for (size_t i = 0; i < n; ++i) text += "abs(";
    return text + "x" + std::string(n, ')');
  };
  const auto signs = [](size_t n) { return std::string(n, '-') + "x"; };
  const auto powers = [](size_t n) {
    std::string text = "x";
    for (size_t i = 0; i < n; ++i) text += "^1";
    return text;
  };
  struct Case {
    const char* what;
    std::function<std::string(size_t)> make;
    size_t column_of_level_201;
  };
  const Case cases[] = {{"parentheses", parentheses, 200},
                        {"calls", calls, 803},
                        {"signs", signs, 200},
                        {"powers", powers, 401}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_NO_THROW(Expression::parse(c.make(200)));
    try {
      Expression::parse(c.make(201));
      ADD_FAILURE() << "no error";
    } catch (const ExpressionError& error) {
      EXPECT_EQ(error.reason(), reason);
      EXPECT_EQ(error.column(), c.column_of_level_201);
    }
    // Far past the limit it is the same error, not a stack overflow.
    EXPECT_THROW(
        {
          try {
            Expression::parse(c.make(100000));
          } catch (const ExpressionError& error) {
            EXPECT_EQ(error.reason(), reason);
            throw;
          }
        },
        ExpressionError);
  }
}

TEST(Parser, VariablesOfAManyNamedSum) {
  // 100,000 distinct names, each used twice: one entry per name, in order.
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "v" + std::to_string(i) + "+";
  for (int i = 0; i < 100000; ++i) text += "v" + std::to_string(i) + (i + 1 < 100000 ? "+" : "");
  const std::vector<std::string> names = Expression::parse(text).variables();
  ASSERT_EQ(names.size(), 100000u);
  EXPECT_EQ(names.front(), "v0");
  EXPECT_EQ(names[12345], "v12345");
  EXPECT_EQ(names.back(), "v99999");
}

TEST(Parser, RenderPutsACaretUnderTheProblem) {
  try {
    Expression::parse("sigmod(w*x)");
    FAIL();
  } catch (const ExpressionError& error) {
    EXPECT_EQ(error.render("sigmod(w*x)"),
              "unknown function 'sigmod' (did you mean 'sigmoid'?)\n"
              "  sigmod(w*x)\n"
              "  ^~~~~~");
  }
}

TEST(Parser, RenderKeepsTheCaretUnderTabsAndNonAsciiText) {
  // The caret line copies a tab, so the terminal moves both lines alike, and counts 'é'
  // (two bytes) as one column; a newline is shown as a space, keeping one line.
  const ExpressionError error("a reason", 7, 3);
  EXPECT_EQ(error.render("\tx\xC3\xA9\n+ abc"),
            "a reason\n"
            "  \tx\xC3\xA9 + abc\n"
            "  \t     ^~~");
  // A span that runs past the end is cut there; a column past it points just after it.
  EXPECT_EQ(ExpressionError("r", 2, 10).render("abcd"), "r\n  abcd\n    ^~");
  EXPECT_EQ(ExpressionError("r", 9, 1).render("ab"), "r\n  ab\n    ^");
}

}  // namespace
}  // namespace soma::expr
