// Tests of differentiate(): the lecture's neuron worked out by hand, fan-out, every
// function's derivative, and the errors that must not become a silent nan.
#include <gtest/gtest.h>

#include <cmath>

#include "soma/expr/differentiate.hpp"

namespace soma::expr {
namespace {

GradientReport run(const std::string& text, const std::string& at) {
  return differentiate(Expression::parse(text), parse_assignments(at));
}

float gradient_of(const GradientReport& report, const std::string& name) {
  for (const auto& [variable, gradient] : report.gradients) {
    if (variable == name) return gradient;
  }
  ADD_FAILURE() << "no gradient for " << name;
  return NAN;
}

TEST(Differentiate, LectureNeuron) {
  // t = w1 x + w2 y + b = 0.5 - 0.5 + 0.1 = 0.1; s = sigmoid(0.1) = 0.52497918747894;
  // s' = s (1 - s) = 0.24937604019289; df/dx = s' w1, df/dy = s' w2, df/dw1 = s' x,
  // df/dw2 = s' y, df/db = s'.
  const GradientReport r = run("sigmoid(w1*x + w2*y + b)", "x=1,y=-2,w1=0.5,w2=0.25,b=0.1");
  const double s_prime = 0.24937604019289;
  EXPECT_NEAR(r.value, 0.52497918747894, 1e-6);
  EXPECT_NEAR(gradient_of(r, "x"), s_prime * 0.5, 1e-6);
  EXPECT_NEAR(gradient_of(r, "y"), s_prime * 0.25, 1e-6);
  EXPECT_NEAR(gradient_of(r, "w1"), s_prime * 1.0, 1e-6);
  EXPECT_NEAR(gradient_of(r, "w2"), s_prime * -2.0, 1e-6);
  EXPECT_NEAR(gradient_of(r, "b"), s_prime, 1e-6);
  // One row per node: 5 variables, 2 mul, 2 add, 1 sigmoid; the output last with grad 1.
  ASSERT_EQ(r.nodes.size(), 10u);
  EXPECT_EQ(r.nodes.back().operation, "sigmoid");
  EXPECT_EQ(r.nodes.back().gradient, 1.0f);
  EXPECT_EQ(r.nodes.back().source, "sigmoid(w1*x + w2*y + b)");
  // The argument of the sigmoid carries s' as its gradient.
  const GradientRow& t = r.nodes[r.nodes.back().inputs.at(0)];
  EXPECT_EQ(t.operation, "add");
  EXPECT_NEAR(t.value, 0.1, 1e-6);
  EXPECT_NEAR(t.gradient, s_prime, 1e-6);
}

TEST(Differentiate, ChainXYZL) {
  // y = 3x, z = y^2, l = exp(z) at x = 0.5: y = 1.5, z = 2.25, dl/dz = e^2.25,
  // dl/dy = e^2.25 * 2y = 3 e^2.25, dl/dx = 3 dl/dy = 9 e^2.25.
  const GradientReport r = run("exp((3*x)^2)", "x=0.5");
  const double e = std::exp(2.25);
  EXPECT_NEAR(r.value, e, 1e-4);
  EXPECT_NEAR(gradient_of(r, "x"), 9 * e, 1e-3);
  EXPECT_EQ(r.nodes[r.nodes.size() - 2].operation, "pow ^2");
  EXPECT_NEAR(r.nodes[r.nodes.size() - 2].gradient, e, 1e-4);  // dl/dz
}

TEST(Differentiate, VariableUsedTwiceAccumulates) {
  // f = x*x + x at x = 3: df/dx = 2x + 1 = 7, and x is one node read three times.
  const GradientReport r = run("x*x + x", "x=3");
  EXPECT_EQ(gradient_of(r, "x"), 7.0f);
  int variable_rows = 0;
  for (const GradientRow& row : r.nodes) variable_rows += row.operation == "var";
  EXPECT_EQ(variable_rows, 1);
}

TEST(Differentiate, EachFunctionsDerivative) {
  struct Case {
    const char* text;
    float x;
    double value;
    double derivative;
  };
  const double s = 1.0 / (1.0 + std::exp(-0.3));
  const Case cases[] = {
      {"sigmoid(x)", 0.3f, s, s * (1 - s)},
      {"tanh(x)", 0.3f, std::tanh(0.3), 1 - std::tanh(0.3) * std::tanh(0.3)},
      {"relu(x)", -0.3f, 0, 0},
      {"relu(x)", 0.3f, 0.3, 1},
      {"step(x)", 0.3f, 1, 0},
      {"step(x)", -0.3f, 0, 0},
      {"exp(x)", 0.3f, std::exp(0.3), std::exp(0.3)},
      {"log(x)", 0.3f, std::log(0.3), 1 / 0.3},
      {"sqrt(x)", 0.25f, 0.5, 1.0},
      {"abs(x)", -0.3f, 0.3, -1},
      {"softplus(x)", 0.3f, std::log1p(std::exp(0.3)), s},
      {"x^3", 2.0f, 8, 12},
      {"2^x", 3.0f, 8, 8 * std::log(2.0)},
      {"x^x", 2.0f, 4, 4 * (std::log(2.0) + 1)},
      {"1/x", 4.0f, 0.25, -1.0 / 16},
      {"-x", 4.0f, -4, -1},
      {"x - 2*x", 4.0f, -4, -1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const GradientReport r = differentiate(Expression::parse(c.text), {{"x", c.x}});
    EXPECT_NEAR(r.value, c.value, 1e-5);
    EXPECT_NEAR(gradient_of(r, "x"), c.derivative, 1e-5);
  }
}

TEST(Differentiate, ConstantsGetGradientsToo) {
  // f = 3*x: df/d3 = x.
  const GradientReport r = run("3*x", "x=5");
  EXPECT_EQ(r.nodes[0].operation, "const");
  EXPECT_EQ(r.nodes[0].gradient, 5.0f);
}

TEST(Differentiate, ErrorsPointAtTheCause) {
  struct Case {
    const char* text;
    const char* at;
    const char* reason;
    size_t column;
  };
  const Case cases[] = {
      {"log(x - 1)", "x=1", "log of a non-positive number: 'x - 1' is 0", 0},
      {"2 * log(x)", "x=-1", "log of a non-positive number: 'x' is -1", 4},
      {"1/(x-1)", "x=1", "division by zero: '(x-1)' is 0", 2},
      {"sqrt(x)", "x=-4", "sqrt of a negative number: 'x' is -4", 0},
      {"x^0.5", "x=-4",
       "the negative number -4 raised to the non-integer power 0.5 is not a real number", 0},
      {"x^-1", "x=0", "division by zero: 0 raised to the negative power -1", 0},
      {"x + y", "x=1", "the variable 'y' has no value (--at y=...)", 4},
      {"exp(x)", "x=100", "the value of 'exp(x)' is not finite (inf)", 0},
      {"sqrt(x)*2", "x=0",
       "the derivative of 'sqrt(x)' with respect to 'x' is not finite here (inf)", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      run(c.text, c.at);
      ADD_FAILURE() << "no error";
    } catch (const ExpressionError& error) {
      EXPECT_EQ(error.reason(), c.reason);
      EXPECT_EQ(error.column(), c.column);
    }
  }
}

std::vector<std::string> sources(const GradientReport& report) {
  std::vector<std::string> texts;
  for (const GradientRow& row : report.nodes) texts.push_back(row.source);
  return texts;
}

// "x+x+...+x", `terms` times.
std::string sum_of_x(size_t terms) {
  std::string text = "x";
  for (size_t i = 1; i < terms; ++i) text += "+x";
  return text;
}

TEST(Differentiate, RowsOverTheBoundShowTheirOperandsRows) {
  // 74 characters: the rows up to 60 show their text as today, the two above it show their
  // operation on their operands, a variable by name and a computed operand by its row.
  const GradientReport r =
      run("sigmoid(first_weight*first_input + second_weight*second_input + bias_term)",
          "first_weight=1,first_input=2,second_weight=3,second_input=-1,bias_term=0");
  EXPECT_EQ(sources(r),
            (std::vector<std::string>{"first_weight", "first_input", "first_weight*first_input",
                                      "second_weight", "second_input", "second_weight*second_input",
                                      "first_weight*first_input + second_weight*second_input",
                                      "bias_term", "n6 + bias_term", "sigmoid(n8)"}));
  EXPECT_EQ(r.nodes[8].inputs, (std::vector<size_t>{6, 7}));
}

TEST(Differentiate, LongSignsPowersAndLiteralsAreAbbreviatedToo) {
  const GradientReport r =
      run("-(first_weight*first_input + second_weight*second_input + bias_term)^2",
          "first_weight=1,first_input=2,second_weight=3,second_input=-1,bias_term=0");
  ASSERT_EQ(r.nodes.size(), 11u);
  EXPECT_EQ(r.nodes[8].source, "n6 + bias_term");
  EXPECT_EQ(r.nodes[9].operation, "pow ^2");
  EXPECT_EQ(r.nodes[9].source, "n8 ^ 2");  // the exponent is a constant with no row
  EXPECT_EQ(r.nodes[10].source, "-n9");
  EXPECT_EQ(r.value, -1.0f);
  // A literal longer than the bound is shown by its value, as an exponent or a row.
  const std::string two = "2." + std::string(70, '0');
  const std::string half = "0.5" + std::string(70, '0');
  EXPECT_EQ(sources(run("x^" + two, "x=3")), (std::vector<std::string>{"x", "x ^ 2"}));
  EXPECT_EQ(sources(run(half + "*x", "x=3")), (std::vector<std::string>{"0.5", "x", "n0 * x"}));
}

TEST(Differentiate, AVeryLongNameIsShownOnceAndReferredToByItsRow) {
  const std::string name(100000, 'w');
  const GradientReport r =
      differentiate(Expression::parse(name + "*x + 1"), {{name, 2.0f}, {"x", 3.0f}});
  EXPECT_EQ(sources(r), (std::vector<std::string>{name, "x", "n0 * x", "1", "n2 + 1"}));
  EXPECT_EQ(r.gradients.at(0), (std::pair<std::string, float>{name, 3.0f}));
  EXPECT_EQ(r.value, 7.0f);
}

TEST(Differentiate, ReportGrowsLinearlyWithTheExpression) {
  // Before, row k of a sum showed all k terms: N^2 characters in all (16 million here).
  for (const size_t terms : {1000u, 4000u}) {
    SCOPED_TRACE(terms);
    const GradientReport r = run(sum_of_x(terms), "x=1");
    ASSERT_EQ(r.nodes.size(), terms);  // x once, then terms - 1 additions
    size_t characters = 0;
    for (const GradientRow& row : r.nodes) {
      EXPECT_LE(row.source.size(), max_source_length);
      characters += row.source.size();
    }
    EXPECT_LT(characters, 10 * terms);
    EXPECT_EQ(r.nodes[29].source, sum_of_x(30));  // 59 characters, in full
    EXPECT_EQ(r.nodes[30].source, "n29 + x");     // 61 would be too long
    EXPECT_EQ(r.nodes.back().source, "n" + std::to_string(terms - 2) + " + x");
    EXPECT_EQ(r.gradients.at(0).second, static_cast<float>(terms));
  }
}

TEST(Differentiate, AnEmptyExpressionIsAnErrorNotACrash) {
  // A default-constructed Expression has no nodes; only parse makes real ones.
  try {
    differentiate(Expression(), {});
    FAIL();
  } catch (const ExpressionError& error) {
    EXPECT_EQ(error.reason(), "the expression is empty");
  }
}

TEST(Assignments, ParsesNamesAndValues) {
  const Assignments a = parse_assignments(" x=1, y = -2.5 ,w_1=3e-2");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0], (std::pair<std::string, float>{"x", 1.0f}));
  EXPECT_EQ(a[1], (std::pair<std::string, float>{"y", -2.5f}));
  EXPECT_EQ(a[2], (std::pair<std::string, float>{"w_1", 0.03f}));
}

TEST(Assignments, TabsAreSpacesToo) {
  const Assignments a = parse_assignments("x=1,\ty=2, \tz\t=\t-3\t");
  EXPECT_EQ(a, (Assignments{{"x", 1.0f}, {"y", 2.0f}, {"z", -3.0f}}));
  // The check against the expression reads the names the same way (before, it trimmed only
  // spaces and refused "\ty" as a name the expression does not use).
  EXPECT_EQ(parse_assignments("x=1,\ty=2", Expression::parse("x*y")),
            (Assignments{{"x", 1.0f}, {"y", 2.0f}}));
}

TEST(Assignments, NamesTheExpressionDoesNotUseAreRefused) {
  const Expression expression = Expression::parse("x + y");
  try {
    parse_assignments("x=1,\t z=2", expression);
    FAIL();
  } catch (const ExpressionError& error) {
    EXPECT_EQ(error.reason(), "'z' is given a value but is not in the expression");
    EXPECT_EQ(error.column(), 6u);
    EXPECT_EQ(error.length(), 1u);
  }
  // Without an expression any name is taken.
  EXPECT_EQ(parse_assignments("z=2").at(0).first, "z");
}

TEST(Assignments, ErrorsPointIntoTheList) {
  struct Case {
    const char* text;
    const char* reason;
    size_t column;
  };
  const Case cases[] = {
      {"x=abc", "the value of 'x' is not a finite number: 'abc'", 2},
      {"x=1,y", "'y' is not of the form NAME=VALUE", 4},
      {"x=1,,y=2", "expected NAME=VALUE here", 4},
      {"1x=2", "'1x' is not a variable name", 0},
      {"x=1,x=2", "'x' is given twice", 4},
      {"x=inf", "the value of 'x' is not a finite number: 'inf'", 2},
      {"x=nan", "the value of 'x' is not a finite number: 'nan'", 2},
      {"x=", "the value of 'x' is not a finite number: ''", 2},
      {"x=1e40", "the value of 'x' is too large for float32: '1e40'", 2},
      {"x=1,\ty=-1e39", "the value of 'y' is too large for float32: '-1e39'", 7},
      {"x=1 2", "the value of 'x' is not a finite number: '1 2'", 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      parse_assignments(c.text);
      ADD_FAILURE() << "no error";
    } catch (const ExpressionError& error) {
      EXPECT_EQ(error.reason(), c.reason);
      EXPECT_EQ(error.column(), c.column);
    }
  }
}

}  // namespace
}  // namespace soma::expr
