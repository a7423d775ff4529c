// What the three network drawings share (private to src/viz): the network grouped into the
// lecture's stages X_i = g(X_{i-1} W_i + b_i), with one sample's values and gradients when
// there is a trace, and the small pieces of DOT text every level writes.
#pragma once

#include <string>
#include <vector>

#include "soma/viz/network_graph.hpp"

namespace soma::viz::network {

// A sample's array and d(loss)/d(array), for one stage's z or g(z) (null without a trace).
struct Traced {
  const std::vector<float>* value = nullptr;
  const std::vector<float>* grad = nullptr;
};

// One stage: an affine layer's weights, the label of the activation after it (the identity
// when none follows) and the dropout after that, if any.
struct Stage {
  int64_t inputs = 0;
  int64_t outputs = 0;
  const float* weight = nullptr;  // (inputs x outputs)
  const float* bias = nullptr;    // (outputs), null without a bias
  std::string activation{};       // the activation table's label; identity_label() for none
  std::string dropout{};          // "p=0.2"; empty without dropout
  // With a trace: z = x W + b, a = g(z) (the same as z without an activation; dropout is
  // the identity for a sample), and the gradients of W and b (each null without a trace).
  Traced z{};
  Traced a{};
  const std::vector<float>* weight_grad = nullptr;
  const std::vector<float>* bias_grad = nullptr;

  bool has_activation() const;
  float weight_at(int64_t input, int64_t output) const { return weight[input * outputs + output]; }
  float weight_grad_at(int64_t input, int64_t output) const {
    return (*weight_grad)[static_cast<size_t>(input * outputs + output)];
  }
};

// Everything a level draws.
struct Network {
  std::vector<Stage> stages{};
  std::vector<std::string> input_names{};  // escaped for DOT labels
  Traced input{};                          // the sample's inputs, with a trace
  std::string head{};  // the head's label ("Sigmoid"), empty when prediction applies none
  std::string loss{};  // the loss's name, empty when none is drawn
  const train::SampleTrace* trace = nullptr;

  const Stage& last() const { return stages.back(); }
};

Network network_of(const nn::Sequential& network, const DrawingOptions& options);

const std::string& identity_label();
// Three significant digits: a drawing's labels stay short.
std::string number(float value);
// "[0.5, -1, 0.25]", at most `most` values and then ", ... (n values)".
std::string numbers(const std::vector<float>& values, size_t most = 6);
// `text` inside a DOT string: quotes and backslashes escaped, line breaks as \n.
std::string escaped(const std::string& text);
std::string header(const char* rankdir);
// Blue for positive weights and orange for negative ones, thicker for larger magnitudes.
std::string weight_style(float weight);
// Keeps `ids` in one column in this order, top to bottom (rankdir=LR): the same rank and
// invisible edges between neighbours.
std::string in_order(const std::vector<std::string>& ids);
// d(loss)/d(value) of a value used by `contributions.size()` operations: each contribution
// and their sum ("0.1 + 0.2 = 0.3"), only the sum beyond four ("sum of 16: 0.3"); a value
// used once gives its gradient alone.
std::string sum_of(const std::vector<float>& contributions, float total);
// The contributions that the inputs of `stage` get back: w_ij dL/dz_j over j, for input i.
std::vector<float> contributions_to_input(const Stage& stage, int64_t input);
// With a trace: the value going out of unit `unit` of `layer` (0: the inputs, i: stage i's
// a = g(z)), and d(loss)/d(it) written as the sum of what the next stage sends back.
float unit_value(const Network& network, size_t layer, int64_t unit);
std::string unit_gradient(const Network& network, size_t layer, int64_t unit);
// What the loss is measured against: "class 1", "t = 0.3", "t = [0.3, -0.2]".
std::string target_text(const train::SampleTrace& trace);

// The prediction head (a dashed box: prediction applies it, the loss reads the outputs
// before it) and the loss node, fed by `outputs`: one node id per output unit, or one id for
// the whole output array.
std::string head_and_loss(const Network& network, const std::vector<std::string>& outputs);

// The three levels (network_graph.cpp, network_graph_layer.cpp, network_graph_operator.cpp).
std::string neuron_level(const Network& network);
std::string layer_level(const Network& network);
std::string operator_level(const Network& network, int max_nodes);

}  // namespace soma::viz::network
