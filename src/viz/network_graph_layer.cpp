// The layer level: one node per array (X0, W1, X0 W1, b1, ...) and the operators between
// them; with a trace, each array's values for the sample and d(loss)/d(array) beside them.
#include "network_stages.hpp"

namespace soma::viz::network {

namespace {

// An array's values: one line per row for small matrices, else the first few values.
std::string matrix_text(const std::vector<float>& values, int64_t rows, int64_t columns) {
  if (rows == 1 || rows > 4 || columns > 6) return numbers(values);
  std::string text;
  for (int64_t r = 0; r < rows; ++r) {
    const auto row = values.begin() + r * columns;
    text += (r == 0 ? "" : "\\n") + numbers(std::vector<float>(row, row + columns));
  }
  return text;
}

// Writes the nodes: arrays as filled boxes, operators as ellipses.
class LayerDrawing {
 public:
  explicit LayerDrawing(const Network& network) : network_(network) {}

  // `name` of `rows` x `columns` (rows -1: a batch, "n" rows, 1 with a trace; 0: a vector),
  // with the values and gradients of a trace when given; `caption` follows the name.
  void array(const std::string& id, const std::string& name, int64_t rows, int64_t columns,
             const std::vector<float>* value, const std::vector<float>* grad,
             const std::string& caption = "") {
    const std::string row_text =
        rows < 0 ? (network_.trace == nullptr ? "n" : "1") : std::to_string(rows);
    const std::string columns_text = std::to_string(columns);
    std::string label = name + caption + "\\n(" +
                        (rows == 0 ? columns_text : row_text + " x " + columns_text) + ")";
    const int64_t shown_rows = rows <= 0 ? 1 : rows;
    if (network_.trace != nullptr && value != nullptr) {
      const std::string of = name.find(' ') == std::string::npos ? name : "(" + name + ")";
      label += "\\n" + matrix_text(*value, shown_rows, columns) + "\\ndL/d" + of + ":\\n" +
               matrix_text(*grad, shown_rows, columns);
    }
    dot +=
        "  " + id + " [shape=box, style=filled, fillcolor=\"#eef3f8\", label=\"" + label + "\"];\n";
  }
  void op(const std::string& id, const std::string& label) {
    dot += "  " + id + " [shape=ellipse, label=\"" + label + "\"];\n";
  }
  void edge(const std::string& from, const std::string& to) {
    dot += "  " + from + " -> " + to + ";\n";
  }

  std::string dot;

 private:
  const Network& network_;
};

// X_l W + b, for the trace: the product alone is z - b.
std::vector<float> product_of(const Stage& stage) {
  std::vector<float> product = *stage.z.value;
  for (size_t j = 0; j < product.size() && stage.bias != nullptr; ++j) product[j] -= stage.bias[j];
  return product;
}

// One stage, from the array `previous` to X<i>.
void draw_stage(LayerDrawing& d, const Stage& stage, size_t l, const std::string& previous) {
  const std::string i = std::to_string(l + 1);
  const int64_t out = stage.outputs;
  const std::vector<float> product =
      stage.z.value != nullptr ? product_of(stage) : std::vector<float>{};
  const std::vector<float> weights(stage.weight, stage.weight + stage.inputs * out);
  d.array("W" + i, "W" + i, stage.inputs, out, &weights, stage.weight_grad);
  d.op("matmul" + i, "matmul");
  d.edge(previous, "matmul" + i);
  d.edge("W" + i, "matmul" + i);
  std::string current = "matmul" + i;
  if (stage.bias != nullptr) {
    d.array("P" + i, "X" + std::to_string(l) + " W" + i, -1, out, &product, stage.z.grad);
    const std::vector<float> bias(stage.bias, stage.bias + out);
    d.array("b" + i, "b" + i, 0, out, &bias, stage.bias_grad);
    d.op("add" + i, "+ (broadcast)");
    d.edge(current, "P" + i);
    d.edge("P" + i, "add" + i);
    d.edge("b" + i, "add" + i);
    current = "add" + i;
  }
  // The array `current` gives, then the operation `id` applied to it.
  auto apply = [&](const std::string& name, const std::string& id, const std::string& label,
                   const Traced& traced) {
    d.array(name + i, name + i, -1, out, traced.value, traced.grad);
    d.op(id + i, label);
    d.edge(current, name + i);
    d.edge(name + i, id + i);
    current = id + i;
  };
  if (stage.has_activation()) apply("T", "g", stage.activation, stage.z);
  if (!stage.dropout.empty()) {
    apply("A", "dropout", "dropout " + stage.dropout + "\\n(training only)", stage.a);
  }
  d.array("X" + i, "X" + i, -1, out, stage.a.value, stage.a.grad);
  d.edge(current, "X" + i);
}

}  // namespace

std::string layer_level(const Network& network) {
  LayerDrawing d(network);
  d.dot = header("LR");
  d.array("X0", "X0", -1, network.stages.front().inputs, network.input.value, network.input.grad,
          " = X");
  std::string previous = "X0";
  for (size_t l = 0; l < network.stages.size(); ++l) {
    draw_stage(d, network.stages[l], l, previous);
    previous = "X" + std::to_string(l + 1);
  }
  return d.dot + head_and_loss(network, {previous}) + "}\n";
}

}  // namespace soma::viz::network
