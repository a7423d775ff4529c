// Runs an expression through soma's engine: builds its computational graph from 0-d
// tensors, runs the forward and the backward pass, and reports every node with its value
// and the gradient of the output with respect to it: the lecture's exercise, line by line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soma/expr/expression.hpp"

namespace soma::expr {

using Assignments = std::vector<std::pair<std::string, float>>;

// Parses "x=1, y=-2.5,w1=0.5" (spaces and tabs allowed around names and values); throws
// ExpressionError pointing into `text` for a missing '=', a bad name, a value that is not a
// finite number or is too large for float32, or a name given twice.
Assignments parse_assignments(std::string_view text);
// The same, and also refuses a name that `expression` does not use: almost always a typo.
Assignments parse_assignments(std::string_view text, const Expression& expression);

// A row shows the text of its node up to this many characters. A longer one shows its
// operation on its operands, naming each by its row unless it is a short variable or number
// ("n30 + x"), so that every row stays short and the report grows linearly with the
// expression.
constexpr size_t max_source_length = 60;

struct GradientRow {
  size_t id = 0;
  std::string operation;       // "var", "const", "add", "mul", "sigmoid", "pow ^2", ...
  std::string source;          // the part of the expression this node computes, or, longer
                               // than max_source_length, its operation on its operands' rows
  std::vector<size_t> inputs;  // ids of the rows this node reads
  float value = 0.0f;          // forward value
  float gradient = 0.0f;       // d(output)/d(this node)
};

struct GradientReport {
  float value = 0.0f;
  Assignments gradients;           // d(output)/d(variable), in order of first appearance
  std::vector<GradientRow> nodes;  // inputs before users; the output is last
};

// Every variable of the expression needs a value (values for other names are ignored).
// Throws ExpressionError pointing into the expression for a missing value, a log of a
// non-positive number, a division by zero, or a value or derivative that is not finite.
GradientReport differentiate(const Expression& expression, const Assignments& values);

}  // namespace soma::expr
