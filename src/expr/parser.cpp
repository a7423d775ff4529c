// A recursive-descent parser for scalar expressions. Grammar, loosest binding first:
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary ('^' unary)?          right-associative: 2^3^2 = 2^(3^2)
//   primary := number | name | name '(' sum ')' | '(' sum ')'
// so -x^2 is -(x^2), as in mathematics. Nesting (parentheses, calls, signs and '^', one
// level each) is bounded so that hostile input cannot overflow the stack.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <unordered_set>

#include "expr/text.hpp"
#include "soma/expr/expression.hpp"
#include "soma/ops/activation.hpp"

namespace soma::expr {

ExpressionError::ExpressionError(const std::string& reason, size_t column, size_t length)
    : Error(reason + " (at column " + std::to_string(column + 1) + ")"),
      reason_(reason),
      column_(column),
      length_(std::max<size_t>(length, 1)) {}

std::string ExpressionError::render(std::string_view text) const {
  // The caret line copies the text's tabs and counts a UTF-8 character once, so that the
  // caret stands under the offending part in a terminal; other control characters (a
  // newline, say) are shown as spaces to keep the text on one line.
  const size_t column = std::min(column_, text.size());
  const size_t end = std::min(column + length_, text.size());
  std::string caret;
  for (size_t i = 0; i < column; ++i) {
    if (!is_utf8_continuation(text[i])) caret += text[i] == '\t' ? '\t' : ' ';
  }
  caret += '^';
  const size_t marked = static_cast<size_t>(std::count_if(
      text.begin() + column, text.begin() + end, [](char c) { return !is_utf8_continuation(c); }));
  if (marked > 1) caret += std::string(marked - 1, '~');
  return reason_ + "\n  " + one_line(text) + "\n  " + caret;
}

const std::vector<std::string>& function_names() {
  // The element-wise activations of the table (with their default parameter), then math.
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const ActivationFunction& function : activation_functions()) {
      if (function.elementwise) all.emplace_back(function.name);
    }
    all.insert(all.end(), {"exp", "log", "sqrt", "abs"});
    return all;
  }();
  return names;
}

namespace {

constexpr int max_depth = 200;  // levels of nesting, counted by DepthGuard

// The character at `position` as an error message quotes it, and its length in bytes: 'x',
// a whole UTF-8 character ('é'), or "byte 0x00" for a control character or a stray byte,
// which would not print.
std::pair<std::string, size_t> describe_character(std::string_view text, size_t position) {
  const auto lead = static_cast<unsigned char>(text[position]);
  size_t length = 1;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  if (lead >= 0xE0 && lead <= 0xEF) length = 3;
  if (lead >= 0xF0 && lead <= 0xF4) length = 4;
  const bool whole = position + length <= text.size() &&
                     std::all_of(text.begin() + position + 1, text.begin() + position + length,
                                 is_utf8_continuation);
  if ((lead >= 0x80 && (length == 1 || !whole)) || is_control(text[position])) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "byte 0x%02X", static_cast<unsigned>(lead));
    return {hex, 1};
  }
  return {"'" + std::string(text.substr(position, length)) + "'", length};
}

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_function_message(const std::string& name) {
  std::string message = "unknown function '" + name + "'";
  std::string best;
  // Suggest only close matches: one edit for short names, two for longer ones.
  size_t best_distance = name.size() >= 5 ? 3 : 2;
  for (const std::string& known : function_names()) {
    const size_t distance = edit_distance(name, known);
    if (distance < best_distance) {
      best_distance = distance;
      best = known;
    }
  }
  if (!best.empty()) return message + " (did you mean '" + best + "'?)";
  message += "; known functions:";
  for (const std::string& known : function_names()) message += " " + known;
  return message;
}

}  // namespace

class Parser {
 public:
  explicit Parser(std::string_view text) { expression_.text_ = std::string(text); }

  Expression run() {
    skip_spaces();
    if (at_end()) throw ExpressionError("the expression is empty", 0, 1);
    expression_.root_ = parse_sum();
    skip_spaces();
    if (!at_end()) {
      if (peek() == ')') throw ExpressionError("unmatched ')'", position_, 1);
      const auto [character, length] = describe_character(text(), position_);
      throw ExpressionError("unexpected " + character, position_, length);
    }
    return std::move(expression_);
  }

 private:
  const std::string& text() const { return expression_.text_; }
  bool at_end() const { return position_ >= text().size(); }
  char peek() const { return at_end() ? '\0' : text()[position_]; }
  void skip_spaces() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++position_;
  }

  size_t add(ExprNode node) {
    expression_.nodes_.push_back(std::move(node));
    return expression_.nodes_.size() - 1;
  }
  const ExprNode& node(size_t index) const { return expression_.nodes_[index]; }

  size_t binary(char op, size_t column, size_t left, size_t right) {
    ExprNode n;
    n.kind = ExprNode::Kind::binary;
    n.binary_operator = op;
    n.operands = {left, right};
    n.begin = node(left).begin;
    n.end = node(right).end;
    n.operator_column = column;
    return add(std::move(n));
  }

  // Guards the recursion: a parenthesis, a function call, a sign or a '^' goes one level
  // deeper, and only those do, so that the message counts what the user wrote.
  struct DepthGuard {
    explicit DepthGuard(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > max_depth) {
        throw ExpressionError("the expression is nested more than " + std::to_string(max_depth) +
                                  " levels deep (parentheses, function calls, signs and '^')",
                              parser_.position_, 1);
      }
    }
    ~DepthGuard() { --parser_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& parser_;
  };

  // parse_sum and parse_product: one grammar rule each (left-associative + and -, then * and
  // /), alike in shape; written out so that each reads as the rule it is.
  size_t parse_sum() {
    size_t left = parse_product();
    for (skip_spaces(); peek() == '+' || peek() == '-'; skip_spaces()) {
      const char op = peek();
      const size_t column = position_++;
      left = binary(op, column, left, parse_product());
    }
    return left;
  }

  size_t parse_product() {
    size_t left = parse_unary();
    for (skip_spaces(); peek() == '*' || peek() == '/'; skip_spaces()) {
      const char op = peek();
      const size_t column = position_++;
      left = binary(op, column, left, parse_unary());
    }
    return left;
  }

  size_t parse_unary() {
    skip_spaces();
    if (peek() != '+' && peek() != '-') return parse_power();
    const DepthGuard guard(*this);
    if (peek() == '+') {
      ++position_;
      return parse_unary();
    }
    const size_t column = position_++;
    const size_t operand = parse_unary();
    if (node(operand).kind == ExprNode::Kind::number && node(operand).begin == column + 1) {
      // "-2" is the number -2, not neg(2): the graph a student expects.
      ExprNode folded = node(operand);
      folded.number = -folded.number;
      folded.begin = column;
      expression_.nodes_[operand] = folded;
      return operand;
    }
    ExprNode n;
    n.kind = ExprNode::Kind::negate;
    n.operands = {operand};
    n.begin = column;
    n.end = node(operand).end;
    n.operator_column = column;
    return add(std::move(n));
  }

  size_t parse_power() {
    const size_t base = parse_primary();
    skip_spaces();
    if (peek() != '^') return base;
    const DepthGuard guard(*this);
    const size_t column = position_++;
    return binary('^', column, base, parse_unary());
  }

  size_t parse_primary() {
    skip_spaces();
    const size_t start = position_;
    if (at_end()) {
      throw ExpressionError("the expression ends where a number, a name or '(' is expected",
                            position_, 1);
    }
    const char c = peek();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return parse_name();
    if (c == '(') {
      const DepthGuard guard(*this);
      ++position_;
      const size_t inner = parse_sum();
      skip_spaces();
      if (peek() != ')') throw ExpressionError("missing ')' for the '(' here", start, 1);
      ++position_;
      // The span grows to include the parentheses, so errors quote "(a + b)".
      expression_.nodes_[inner].begin = start;
      expression_.nodes_[inner].end = position_;
      return inner;
    }
    const auto [character, length] = describe_character(text(), position_);
    throw ExpressionError("unexpected " + character + " where a number, a name or '(' is expected",
                          position_, length);
  }

  size_t parse_number() {
    const size_t start = position_;
    while (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.') ++position_;
    if (peek() == 'e' || peek() == 'E') {
      // An exponent only if digits follow ("2e-3"); otherwise "2e" is a syntax error below.
      size_t look = position_ + 1;
      if (look < text().size() && (text()[look] == '+' || text()[look] == '-')) ++look;
      if (look < text().size() && std::isdigit(static_cast<unsigned char>(text()[look]))) {
        position_ = look;
        while (std::isdigit(static_cast<unsigned char>(peek()))) ++position_;
      }
    }
    const std::string literal = text().substr(start, position_ - start);
    float value = 0.0f;
    const NumberText read = read_float32(literal, value);
    if (read == NumberText::invalid) {
      throw ExpressionError("'" + literal + "' is not a number", start, literal.size());
    }
    if (read == NumberText::too_large) {
      throw ExpressionError("'" + literal + "' is too large for float32", start, literal.size());
    }
    if (std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_') {
      throw ExpressionError("a number followed by a name: write '*' to multiply", position_, 1);
    }
    ExprNode n;
    n.kind = ExprNode::Kind::number;
    n.number = value;
    n.begin = start;
    n.end = position_;
    n.operator_column = start;
    return add(std::move(n));
  }

  size_t parse_name() {
    const size_t start = position_;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') ++position_;
    const std::string name = text().substr(start, position_ - start);
    const bool is_function =
        std::find(function_names().begin(), function_names().end(), name) != function_names().end();
    skip_spaces();
    if (peek() != '(') {
      if (is_function) {
        throw ExpressionError("'" + name + "' is a function: write " + name + "(...)", start,
                              name.size());
      }
      ExprNode n;
      n.kind = ExprNode::Kind::variable;
      n.name = name;
      n.begin = start;
      n.end = start + name.size();
      n.operator_column = start;
      return add(std::move(n));
    }
    if (const ActivationFunction* activation = find_activation(name);
        activation != nullptr && !activation->elementwise) {
      throw ExpressionError(name + " works across a row of values; an expression is one number",
                            start, name.size());
    }
    if (!is_function) throw ExpressionError(unknown_function_message(name), start, name.size());
    const DepthGuard guard(*this);
    const size_t open = position_++;
    skip_spaces();
    if (peek() == ')') throw ExpressionError(name + "() needs an argument", position_, 1);
    const size_t argument = parse_sum();
    skip_spaces();
    if (peek() == ',') throw ExpressionError(name + "() takes one argument", position_, 1);
    if (peek() != ')') throw ExpressionError("missing ')' for the '(' here", open, 1);
    ++position_;
    ExprNode n;
    n.kind = ExprNode::Kind::call;
    n.name = name;
    n.operands = {argument};
    n.begin = start;
    n.end = position_;
    n.operator_column = start;
    return add(std::move(n));
  }

  Expression expression_;
  size_t position_ = 0;
  int depth_ = 0;
};

Expression Expression::parse(std::string_view text) {
  return Parser(text).run();
}

std::string_view Expression::source(size_t index) const {
  const ExprNode& n = nodes_.at(index);
  return std::string_view(text_).substr(n.begin, n.end - n.begin);
}

std::vector<std::string> Expression::variables() const {
  // A variable's node is added as soon as its name is read, so nodes are in text order.
  std::vector<std::string> names;
  std::unordered_set<std::string_view> seen;
  for (const ExprNode& n : nodes_) {
    if (n.kind == ExprNode::Kind::variable && seen.insert(n.name).second) {
      names.push_back(n.name);
    }
  }
  return names;
}

}  // namespace soma::expr
