// Scalar expressions as a student writes them on paper, e.g. "sigmoid(w1*x + w2*y + b)":
// numbers, named variables, + - * / ^, parentheses, unary minus and the functions listed
// by function_names(). Parsed into a tree that remembers where each part came from, so
// every error can point at its column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "soma/core/error.hpp"

namespace soma::expr {

// An error at a place in a piece of text (the expression, or a --at list).
class ExpressionError : public Error {
 public:
  ExpressionError(const std::string& reason, size_t column, size_t length);
  const std::string& reason() const { return reason_; }
  size_t column() const { return column_; }  // 0-based offset of the offending part
  size_t length() const { return length_; }  // its length in characters (at least 1)
  // The reason, then the text with a caret line under the offending part:
  //   unknown function 'sigmod' (did you mean 'sigmoid'?)
  //     sigmod(x)
  //     ^~~~~~
  std::string render(std::string_view text) const;

 private:
  std::string reason_;
  size_t column_;
  size_t length_;
};

struct ExprNode {
  enum class Kind { number, variable, negate, binary, call };
  Kind kind = Kind::number;
  char binary_operator = 0;      // '+', '-', '*', '/' or '^' for Kind::binary
  std::string name;              // the variable or function name
  float number = 0.0f;           // the value of Kind::number
  std::vector<size_t> operands;  // indices into Expression::nodes()
  size_t begin = 0;              // the node's span in the text: [begin, end)
  size_t end = 0;
  size_t operator_column = 0;  // where the operator or function name stands
};

class Expression {
 public:
  // Throws ExpressionError on a syntax error or an unknown function.
  static Expression parse(std::string_view text);

  const std::string& text() const { return text_; }
  const std::vector<ExprNode>& nodes() const { return nodes_; }
  size_t root() const { return root_; }
  // The text of node `index`, e.g. "w1*x".
  std::string_view source(size_t index) const;
  // Variable names in order of first appearance.
  std::vector<std::string> variables() const;

 private:
  friend class Parser;
  std::string text_;
  std::vector<ExprNode> nodes_;
  size_t root_ = 0;
};

// The functions an expression may call, e.g. "sigmoid", "relu", "log".
const std::vector<std::string>& function_names();

}  // namespace soma::expr
