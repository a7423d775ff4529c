// `soma grad EXPR --at NAME=VALUE,...`: the forward and backward pass of a scalar
// expression, printed node by node as a table, or as JSON (--json), and written as a
// Graphviz graph (--dot FILE.dot, or drawn as .png, .svg or .pdf).
#include <cstdio>
#include <optional>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "json_writer.hpp"
#include "picture_output.hpp"
#include "soma/core/number_text.hpp"
#include "soma/expr/differentiate.hpp"

namespace soma::cli {

namespace {

std::string join_ids(const std::vector<size_t>& ids) {
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i)
    text += (i > 0 ? "," : "") + ("n" + std::to_string(ids[i]));
  return text;
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string table(const expr::Expression& expression, const expr::Assignments& values,
                  const expr::GradientReport& report) {
  std::string at;
  for (const auto& [name, value] : values) {
    at += (at.empty() ? "" : ", ") + name + "=" + number_text(value);
  }
  std::string out = "f = " + expression.text() + (at.empty() ? "" : "   at " + at) + "\n\n";
  // One row per node, inputs first: read it top-down for the forward pass and bottom-up
  // for the backward pass.
  out += pad("node", 6) + pad("op", 10) + pad("inputs", 12) + pad("value", 14) +
         pad("df/dnode", 14) + "expression\n";
  for (const expr::GradientRow& row : report.nodes) {
    out += pad("n" + std::to_string(row.id), 6) + pad(row.operation, 10) +
           pad(join_ids(row.inputs), 12) + pad(number_text(row.value), 14) +
           pad(number_text(row.gradient), 14) + row.source + "\n";
  }
  out += "\nf = " + number_text(report.value) + "\n";
  for (const auto& [name, gradient] : report.gradients) {
    out += "df/d" + name + " = " + number_text(gradient) + "\n";
  }
  return out;
}

std::string json(const expr::GradientReport& report) {
  JsonWriter json;
  json.begin_object().key("value").value(static_cast<double>(report.value));
  json.key("gradients").begin_object();
  for (const auto& [name, gradient] : report.gradients) {
    json.key(name).value(static_cast<double>(gradient));
  }
  json.end_object().key("nodes").begin_array();
  for (const expr::GradientRow& row : report.nodes) {
    json.begin_object().key("id").value(static_cast<int64_t>(row.id));
    json.key("op").value(row.operation).key("expression").value(row.source);
    json.key("inputs").begin_array();
    for (size_t input : row.inputs) json.value(static_cast<int64_t>(input));
    json.end_array();
    json.key("value").value(static_cast<double>(row.value));
    json.key("grad").value(static_cast<double>(row.gradient)).end_object();
  }
  json.end_array().end_object();
  return json.str() + "\n";
}

std::string dot_escape(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

// Nodes are labelled with their operation and gradient, edges with the forward value that
// flows along them; the output flows into a final "f" node.
std::string dot(const expr::GradientReport& report) {
  std::string out =
      "digraph soma_grad {\n  rankdir=LR;\n"
      "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const expr::GradientRow& row : report.nodes) {
    const std::string title = row.operation == "var" || row.operation == "const"
                                  ? row.source
                                  : row.operation + "\\n" + dot_escape(row.source);
    out += "  n" + std::to_string(row.id) + " [label=\"n" + std::to_string(row.id) + ": " +
           (row.operation == "var" || row.operation == "const" ? dot_escape(title) : title) +
           "\\ngrad " + number_text(row.gradient) + "\"];\n";
  }
  for (const expr::GradientRow& row : report.nodes) {
    for (size_t input : row.inputs) {
      out += "  n" + std::to_string(input) + " -> n" + std::to_string(row.id) + " [label=\"" +
             number_text(report.nodes[input].value) + "\"];\n";
    }
  }
  const size_t last = report.nodes.size() - 1;
  out += "  f [shape=plaintext, label=\"f\"];\n  n" + std::to_string(last) + " -> f [label=\"" +
         number_text(report.value) + "\"];\n}\n";
  return out;
}

// "step sigmoid ... abs": expr::function_names() on one line.
std::string function_list() {
  std::string list;
  for (const std::string& name : expr::function_names()) list += (list.empty() ? "" : " ") + name;
  return list;
}

// Parses EXPR and the --at values into `expression` and `values`; false (after printing
// the error with its caret) when either is wrong.
bool parse_expression(const std::string& text, const std::vector<std::string>& at_parts,
                      std::optional<expr::Expression>& expression, expr::Assignments& values) {
  std::string at_text;
  for (const std::string& part : at_parts) at_text += (at_text.empty() ? "" : ",") + part;
  try {
    expression = expr::Expression::parse(text);
  } catch (const expr::ExpressionError& error) {
    std::fprintf(stderr, "soma grad: error: %s\n", error.render(text).c_str());
    return false;
  }
  if (at_text.empty()) return true;
  try {
    values = expr::parse_assignments(at_text, *expression);
  } catch (const expr::ExpressionError& error) {
    // Shown under "--at ...", so the caret lines up with what the user typed.
    const expr::ExpressionError shifted(error.reason(), error.column() + 5, error.length());
    std::fprintf(stderr, "soma grad: error: %s\n", shifted.render("--at " + at_text).c_str());
    return false;
  }
  return true;
}

}  // namespace

ArgumentParser grad_parser() {
  ArgumentParser parser(
      "soma grad", "soma grad EXPR --at NAME=VALUE,... [--json] [--dot FILE]",
      "Builds the computational graph of a scalar expression, runs the forward and the\n"
      "backward pass, and prints one row per node: its operation, its inputs, its value and\n"
      "the derivative of the output f with respect to it.\n\n"
      "EXPR uses numbers, variables, + - * / ^, parentheses, unary minus and the functions\n"
      "below. Example:\n"
      "  soma grad \"sigmoid(w1*x + w2*y + b)\" --at x=1,y=-2,w1=0.5,w2=0.25,b=0.1\n"
      "Functions: " +
          function_list() + ".");
  parser.add_positional("EXPR", "the expression, quoted for the shell");
  parser.add_option("--at", "NAME=VALUE,...", "values of the variables", /*repeatable=*/true);
  parser.add_flag("--json", "print {\"value\", \"gradients\", \"nodes\"} as JSON");
  parser.add_option("--dot", "FILE",
                    "also write the graph to FILE.dot (Graphviz text), or FILE.png, FILE.svg or "
                    "FILE.pdf (drawn by Graphviz's dot)");
  return parser;
}

int run_grad(int argc, const char* const* argv, int first) {
  // A UsageError goes to main, which prints "soma grad: error: ..." and returns exit_usage.
  const std::optional<ParsedArguments> parsed =
      grad_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;

  const std::string& text = arguments.positionals()[0];
  // A --dot that cannot be written is refused before anything is computed or printed.
  check_picture_outputs(arguments, {{"--dot", PictureKind::drawing}});
  std::optional<expr::Expression> expression;
  expr::Assignments values;
  if (!parse_expression(text, arguments.values("--at"), expression, values)) return exit_usage;

  expr::GradientReport report;
  try {
    report = expr::differentiate(*expression, values);
  } catch (const expr::ExpressionError& error) {
    std::fprintf(stderr, "soma grad: error: %s\n", error.render(text).c_str());
    return exit_usage;
  }
  // The drawing is written before the table is printed: a write that fails (a full disk,
  // Graphviz failing) then fails the command with nothing printed but its error.
  const auto dot_path = arguments.value("--dot");
  if (dot_path) write_drawing(*dot_path, dot(report));
  if (arguments.has("--json")) {
    std::fputs(json(report).c_str(), stdout);
  } else {
    std::fputs(table(*expression, values, report).c_str(), stdout);
    if (dot_path) std::printf("\ngraph written to %s\n", dot_path->c_str());
  }
  return exit_ok;
}

}  // namespace soma::cli
