// Tests of the expression parser: precedence, associativity, spans, and located errors.
#include <gtest/gtest.h>

#include <cctype>

#include "soma/expr/expression.hpp"

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
        ErrorCase{"foo(x)",
                  "unknown function 'foo'; known functions: sigmoid tanh relu step exp log sqrt "
                  "abs softplus",
                  0, 3},
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
        ErrorCase{"1e99", "'1e99' is too large for a float", 0, 4}),
    [](const ::testing::TestParamInfo<ErrorCase>& case_info) {
      return test_name(case_info.index, case_info.param.text);
    });

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '(') + "x" + std::string(100000, ')');
  EXPECT_THROW(Expression::parse(deep), ExpressionError);
  const std::string minus = std::string(100000, '-') + "x";
  EXPECT_THROW(Expression::parse(minus), ExpressionError);
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

}  // namespace
}  // namespace soma::expr
