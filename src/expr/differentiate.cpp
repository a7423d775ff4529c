// differentiate: expression tree -> soma tensors and ops -> forward, backward, report.
#include "soma/expr/differentiate.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "expr/text.hpp"
#include "soma/autograd/engine.hpp"
#include "soma/autograd/graph_trace.hpp"
#include "soma/core/number_text.hpp"
#include "soma/ops/activation.hpp"
#include "soma/ops/arithmetic.hpp"
#include "soma/ops/math.hpp"

namespace soma::expr {

namespace {

bool is_name(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// The text of expression node `index` as an error message quotes it.
std::string quoted(const Expression& expression, size_t index) {
  return "'" + one_line(expression.source(index)) + "'";
}

// Builds one tensor per expression node, checking each value for the errors a student
// should hear about by name rather than see as nan.
class GraphBuilder {
 public:
  GraphBuilder(const Expression& expression, const Assignments& values)
      : expression_(expression), tensors_(expression.nodes().size()) {
    for (const auto& [name, value] : values) values_.try_emplace(name, value);
  }

  Tensor build(size_t index) {
    // Iterative post-order: operands are built before the node that uses them.
    std::vector<std::pair<size_t, bool>> stack{{index, false}};
    while (!stack.empty()) {
      auto [current, operands_done] = stack.back();
      stack.pop_back();
      if (operands_done) {
        tensors_[current] = evaluate(current);
        continue;
      }
      stack.emplace_back(current, true);
      const auto& operands = expression_.nodes()[current].operands;
      for (auto it = operands.rbegin(); it != operands.rend(); ++it) stack.emplace_back(*it, false);
    }
    return tensors_[index];
  }

  const std::unordered_map<const TensorImpl*, size_t>& origin() const { return origin_; }
  const Tensor& tensor(size_t index) const { return tensors_[index]; }

 private:
  const ExprNode& node(size_t index) const { return expression_.nodes()[index]; }
  float value_of(size_t index) const { return tensors_[index].item(); }

  [[noreturn]] void fail(size_t index, const std::string& reason) const {
    const ExprNode& n = node(index);
    throw ExpressionError(reason, n.begin, n.end - n.begin);
  }

  std::string quoted(size_t index) const { return expr::quoted(expression_, index); }

  Tensor evaluate(size_t index) {
    const ExprNode& n = node(index);
    Tensor result;
    switch (n.kind) {
      case ExprNode::Kind::number:
        result = scalar(n.number).set_requires_grad();
        break;
      case ExprNode::Kind::variable:
        result = variable(index);
        break;
      case ExprNode::Kind::negate:
        result = neg(tensors_[n.operands[0]]);
        break;
      case ExprNode::Kind::binary:
        result = binary(index);
        break;
      case ExprNode::Kind::call:
        result = call(index);
        break;
    }
    if (!std::isfinite(result.item())) {
      fail(index,
           "the value of " + quoted(index) + " is not finite (" + number_text(result.item()) + ")");
    }
    origin_.try_emplace(result.impl(), index);
    return result;
  }

  Tensor variable(size_t index) {
    const std::string& name = node(index).name;
    auto existing = variables_.find(name);
    if (existing != variables_.end()) return existing->second;  // one node per variable
    auto given = values_.find(name);
    if (given == values_.end())
      fail(index, "the variable '" + name + "' has no value (--at " + name + "=...)");
    Tensor leaf = scalar(given->second).set_requires_grad();
    variables_.emplace(name, leaf);
    return leaf;
  }

  Tensor binary(size_t index) {
    const ExprNode& n = node(index);
    const size_t left = n.operands[0];
    const size_t right = n.operands[1];
    const Tensor& a = tensors_[left];
    const Tensor& b = tensors_[right];
    switch (n.binary_operator) {
      case '+':
        return add(a, b);
      case '-':
        return sub(a, b);
      case '*':
        return mul(a, b);
      case '/':
        if (value_of(right) == 0.0f) fail(right, "division by zero: " + quoted(right) + " is 0");
        return div(a, b);
      default:
        break;
    }
    // '^': a constant exponent is a power by a constant; anything else is a^b in full.
    const float base = value_of(left);
    const float exponent = value_of(right);
    if (base == 0.0f && exponent < 0.0f) {
      fail(index, "division by zero: 0 raised to the negative power " + number_text(exponent));
    }
    if (base < 0.0f && exponent != std::nearbyint(exponent)) {
      fail(index, "the negative number " + number_text(base) + " raised to the non-integer power " +
                      number_text(exponent) + " is not a real number");
    }
    if (node(right).kind == ExprNode::Kind::number) return pow(a, exponent);
    if (base <= 0.0f) {
      fail(left,
           "a variable exponent needs a positive base (its derivative uses log of the "
           "base), but " +
               quoted(left) + " is " + number_text(base));
    }
    return pow(a, b);
  }

  Tensor call(size_t index) {
    const ExprNode& n = node(index);
    const size_t argument = n.operands[0];
    const Tensor& x = tensors_[argument];
    const std::string& f = n.name;
    if (const ActivationFunction* g = find_activation(f); g != nullptr && g->elementwise) {
      return activate(*g, x, g->default_parameter);
    }
    if (f == "exp") return exp(x);
    if (f == "abs") return abs(x);
    if (f == "log") {
      if (value_of(argument) <= 0.0f) {
        fail(index, "log of a non-positive number: " + quoted(argument) + " is " +
                        number_text(value_of(argument)));
      }
      return log(x);
    }
    if (f == "sqrt") {
      if (value_of(argument) < 0.0f) {
        fail(index, "sqrt of a negative number: " + quoted(argument) + " is " +
                        number_text(value_of(argument)));
      }
      return sqrt(x);
    }
    fail(index, "unknown function '" + f + "'");  // the parser admits only known names
  }

  const Expression& expression_;
  // The first value given for each name (views into the caller's Assignments).
  std::unordered_map<std::string_view, float> values_;
  std::vector<Tensor> tensors_;
  std::unordered_map<std::string, Tensor> variables_;
  std::unordered_map<const TensorImpl*, size_t> origin_;  // tensor -> expression node
};

// parse_assignments, refusing names not in `known_names` where that is given.
Assignments read_assignments(std::string_view text,
                             const std::unordered_set<std::string_view>* known_names) {
  Assignments assignments;
  std::unordered_set<std::string_view> given;  // views into `text`
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    // Trim spaces around the item, keeping columns relative to the whole text.
    size_t first = start;
    size_t last = end;
    while (first < last && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
    while (last > first && std::isspace(static_cast<unsigned char>(text[last - 1]))) --last;
    const std::string_view item = text.substr(first, last - first);
    if (item.empty()) {
      throw ExpressionError("expected NAME=VALUE here", first, 1);
    }
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      throw ExpressionError("'" + std::string(item) + "' is not of the form NAME=VALUE", first,
                            item.size());
    }
    std::string_view name = item.substr(0, equals);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) {
      name.remove_suffix(1);
    }
    if (!is_name(name)) {
      throw ExpressionError("'" + std::string(name) + "' is not a variable name", first,
                            std::max<size_t>(name.size(), 1));
    }
    size_t value_start = first + equals + 1;
    while (value_start < last && std::isspace(static_cast<unsigned char>(text[value_start]))) {
      ++value_start;
    }
    const std::string value_text(text.substr(value_start, last - value_start));
    float value = 0.0f;
    const NumberText read = read_float32(value_text, value);
    if (read != NumberText::valid || !std::isfinite(value)) {
      throw ExpressionError("the value of '" + std::string(name) + "' " +
                                (read == NumberText::too_large ? "is too large for float32"
                                                               : "is not a finite number") +
                                ": '" + value_text + "'",
                            value_start, std::max<size_t>(value_text.size(), 1));
    }
    if (!given.insert(name).second) {
      throw ExpressionError("'" + std::string(name) + "' is given twice", first, name.size());
    }
    if (known_names != nullptr && !known_names->contains(name)) {
      throw ExpressionError(
          "'" + std::string(name) + "' is given a value but is not in the expression", first,
          name.size());
    }
    assignments.emplace_back(std::string(name), value);
    start = end + 1;
  }
  return assignments;
}

// What a row shows for its expression node (see max_source_length): the node's text, or its
// operation on its operands: a variable or a number as written where that is short, any
// other operand by its row id ("n30 + x"), as one would write the step on paper.
class RowText {
 public:
  RowText(const Expression& expression, const GraphBuilder& builder,
          const std::vector<TracedNode>& trace)
      : expression_(expression), builder_(builder) {
    for (size_t id = 0; id < trace.size(); ++id) row_of_.emplace(trace[id].tensor.impl(), id);
  }

  std::string of(size_t index) const {
    const ExprNode& n = expression_.nodes()[index];
    if (n.kind == ExprNode::Kind::variable) return n.name;
    const std::string_view source = expression_.source(index);
    if (source.size() <= max_source_length) return one_line(source);
    switch (n.kind) {
      case ExprNode::Kind::negate:
        return "-" + operand(n.operands[0]);
      case ExprNode::Kind::binary:
        return operand(n.operands[0]) + " " + n.binary_operator + " " + operand(n.operands[1]);
      case ExprNode::Kind::call:
        return n.name + "(" + operand(n.operands[0]) + ")";
      default:
        return number_text(n.number);  // a long literal: "0.50000000...0" is 0.5
    }
  }

 private:
  std::string operand(size_t index) const {
    const ExprNode& n = expression_.nodes()[index];
    const bool is_leaf = n.kind == ExprNode::Kind::variable || n.kind == ExprNode::Kind::number;
    if (is_leaf && expression_.source(index).size() <= max_source_length) return of(index);
    const auto row = row_of_.find(builder_.tensor(index).impl());
    if (row != row_of_.end()) return "n" + std::to_string(row->second);
    // Only a constant exponent has no row of its own (pow by a constant reads one input).
    return number_text(n.number);
  }

  const Expression& expression_;
  const GraphBuilder& builder_;
  std::unordered_map<const TensorImpl*, size_t> row_of_;  // tensor -> its row id
};

}  // namespace

Assignments parse_assignments(std::string_view text) {
  return read_assignments(text, nullptr);
}

Assignments parse_assignments(std::string_view text, const Expression& expression) {
  const std::vector<std::string> variables = expression.variables();
  const std::unordered_set<std::string_view> known_names(variables.begin(), variables.end());
  return read_assignments(text, &known_names);
}

GradientReport differentiate(const Expression& expression, const Assignments& values) {
  if (expression.nodes().empty()) throw ExpressionError("the expression is empty", 0, 1);
  GraphBuilder builder(expression, values);
  const Tensor output = builder.build(expression.root());

  // Trace before backward: backward releases the graph. Every intermediate keeps its
  // gradient, so each row can show d(output)/d(node).
  const std::vector<TracedNode> trace = trace_graph(output);
  for (const TracedNode& traced : trace) {
    if (!traced.tensor.is_leaf()) Tensor(traced.tensor).retain_grad();
  }
  backward(output);

  GradientReport report;
  report.value = output.item();
  const RowText row_text(expression, builder, trace);
  std::vector<size_t> origins;  // the expression node behind each row
  std::unordered_map<std::string_view, size_t> variable_rows;  // name -> row id
  for (size_t id = 0; id < trace.size(); ++id) {
    const TracedNode& traced = trace[id];
    const size_t origin = builder.origin().at(traced.tensor.impl());
    origins.push_back(origin);
    const ExprNode& source = expression.nodes()[origin];
    GradientRow row;
    row.id = id;
    row.operation = traced.operation;
    if (source.kind == ExprNode::Kind::variable) {
      row.operation = "var";
      variable_rows.emplace(source.name, id);
    }
    if (source.kind == ExprNode::Kind::number) row.operation = "const";
    row.source = row_text.of(origin);
    row.inputs = traced.input_indices;
    row.value = traced.tensor.item();
    row.gradient = traced.tensor.grad().item();
    report.nodes.push_back(std::move(row));
  }
  // A non-finite gradient starts at a node whose local derivative is infinite (sqrt at 0,
  // say): walking from the output, the first row that has one points at its consumer.
  // The message quotes the expression (a variable by its name), not the rows.
  const auto subject = [&](size_t id) {
    const ExprNode& n = expression.nodes()[origins[id]];
    return n.kind == ExprNode::Kind::variable ? "'" + n.name + "'"
                                              : quoted(expression, origins[id]);
  };
  for (size_t id = report.nodes.size(); id-- > 0;) {
    for (size_t input : report.nodes[id].inputs) {
      const float gradient = report.nodes[input].gradient;
      if (std::isfinite(gradient)) continue;
      const ExprNode& culprit = expression.nodes()[origins[id]];
      throw ExpressionError("the derivative of " + subject(id) + " with respect to " +
                                subject(input) + " is not finite here (" + number_text(gradient) +
                                ")",
                            culprit.begin, culprit.end - culprit.begin);
    }
  }
  for (const std::string& name : expression.variables()) {
    // Every variable feeds the output, so each has a row.
    report.gradients.emplace_back(name, report.nodes[variable_rows.at(name)].gradient);
  }
  return report;
}

}  // namespace soma::expr
