// What `soma graph` draws besides the network: its inputs' names, its prediction head and
// its loss (from the model file, or for --arch as `soma train` would choose them), and with
// --sample and --target the trace of one sample's forward and backward pass (--json).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/train/loss_kind.hpp"
#include "soma/train/sample_trace.hpp"
#include "soma/viz/network_graph.hpp"

namespace soma::cli {

// The network to draw with what it is trained for.
struct GraphSubject {
  std::shared_ptr<nn::Sequential> network;
  std::vector<std::string> feature_names{};  // what --sample names: the raw input columns
  std::string label_name{};                  // a --sample entry of this name is the target
  std::vector<std::string> class_names{};    // empty for regression
  std::optional<io::TrainedModel> model{};   // for --model: its feature map and scaling
  viz::DrawingOptions options{};             // input names, head and loss
};

// --sample, --target and --json; check_sample_options refuses --target or --json without
// --sample.
void add_sample_options(ArgumentParser& parser);
void check_sample_options(const ParsedArguments& arguments);

// --arch with no data: classification, as `soma train` trains on class labels (one output:
// sigmoid and binary cross-entropy; several: softmax and cross-entropy, both on logits),
// unless --output-activation names another activation: then regression with squared error.
// Returns the output layer, head and loss; `outputs` is the last layer size.
train::OutputChoice arch_output(const ParsedArguments& arguments, int64_t outputs);

GraphSubject subject_of_model(io::TrainedModel model);
GraphSubject subject_of_arch(std::shared_ptr<nn::Sequential> network,
                             const train::OutputChoice& output);

// The trace of --sample with --target (default: the sample's label entry, else the class
// the network predicts; a regression needs one). Throws UsageError naming the option for an
// unknown feature, a missing or bad value, a bad target.
train::SampleTrace trace_of_sample(const ParsedArguments& arguments, GraphSubject& subject);

// {"input", "target", "output", "loss", "nodes", "parameters"}: see soma graph --help.
std::string trace_json(const train::SampleTrace& trace);

}  // namespace soma::cli
