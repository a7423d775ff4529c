// soma graph's subject (names, head, loss) and --sample: the sample parsed against the
// model's feature names, the target chosen, the trace taken and written as JSON.
#include "graph_sample.hpp"

#include <algorithm>
#include <cfloat>

#include "json_writer.hpp"
#include "soma/nn/layer_registry.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

namespace {

using nn::ActivationKind;
using train::LossKind;

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// The values of --sample, one per feature, and the text of the label entry if there is one.
struct Sample {
  std::vector<float> features;
  std::optional<std::string> label;
};

Sample parse_sample(const std::string& text, const GraphSubject& subject) {
  const std::vector<std::string>& names = subject.feature_names;
  std::vector<std::optional<float>> values(names.size());
  Sample sample;
  for (const std::string& item : parse_list("--sample", text)) {
    const size_t equals = item.find('=');
    if (equals == std::string::npos) {
      throw UsageError("--sample: '" + item + "' is not NAME=VALUE (features: " + joined(names) +
                       ")");
    }
    const std::string name = item.substr(0, equals);
    const std::string value = item.substr(equals + 1);
    if (!subject.label_name.empty() && name == subject.label_name) {
      sample.label = value;
      continue;
    }
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) {
      throw UsageError("--sample: unknown feature '" + name + "' (features: " + joined(names) +
                       ")");
    }
    auto& slot = values[static_cast<size_t>(found - names.begin())];
    if (slot) throw UsageError("--sample: '" + name + "' is given twice");
    slot = static_cast<float>(parse_real("--sample " + name, value, -FLT_MAX, FLT_MAX));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!values[i]) {
      throw UsageError("--sample: no value for '" + names[i] +
                       "' (give every feature: " + joined(names) + ")");
    }
    sample.features.push_back(*values[i]);
  }
  return sample;
}

// The target as a one-sample dataset (a class index, or the values), from `text` (named
// `option` in errors) or, without it, the class the network predicts.
data::Dataset target_of(const std::optional<std::string>& text, const std::string& option,
                        const GraphSubject& subject, const Tensor& network_input) {
  const int64_t outputs = subject.network->output_features(network_input.shape()[1]);
  const std::vector<std::string>& classes = subject.class_names;
  data::Dataset target;
  target.features = network_input;
  if (classes.empty()) {
    if (!text) {
      throw UsageError("--target VALUE is required for a regression network" +
                       (subject.label_name.empty()
                            ? std::string()
                            : " (or " + subject.label_name + "=VALUE in --sample)"));
    }
    const std::vector<std::string> items = parse_list(option, *text);
    if (static_cast<int64_t>(items.size()) != outputs) {
      throw UsageError(option + ": " + std::to_string(items.size()) + " value(s) for " +
                       std::to_string(outputs) + " output(s)");
    }
    std::vector<float> values;
    for (const std::string& item : items) {
      values.push_back(static_cast<float>(parse_real(option, item, -FLT_MAX, FLT_MAX)));
    }
    target.targets = from_values({1, outputs}, values);
    return target;
  }
  target.classes = static_cast<int64_t>(classes.size());
  int64_t index = 0;
  if (text) {
    const auto found = std::find(classes.begin(), classes.end(), *text);
    if (found == classes.end()) {
      throw UsageError(option + ": '" + *text + "' is not a class (classes: " + joined(classes) +
                       ")");
    }
    index = found - classes.begin();
  } else {
    const Tensor output = train::predict(*subject.network, network_input);
    const LossKind loss = subject.options.loss.value_or(LossKind::squared_error);
    index = train::predicted_classes(loss, output).front();
  }
  target.targets = from_values({1}, {static_cast<float>(index)});
  return target;
}

void write_values(JsonWriter& json, const std::vector<float>& values) {
  json.begin_array();
  for (const float v : values) json.value(static_cast<double>(v));
  json.end_array();
}

// A matrix as rows, as the model file lays it out; a vector as it is.
void write_values(JsonWriter& json, const std::vector<float>& values, const Shape& shape) {
  if (shape.rank() != 2) return write_values(json, values);
  json.begin_array();
  const auto columns = static_cast<size_t>(shape[1]);
  for (size_t start = 0; start < values.size(); start += columns) {
    write_values(json,
                 std::vector<float>(values.begin() + static_cast<std::ptrdiff_t>(start),
                                    values.begin() + static_cast<std::ptrdiff_t>(start + columns)));
  }
  json.end_array();
}

void write_node(JsonWriter& json, const std::string& id, const std::string& op,
                const std::vector<std::string>& inputs, const std::vector<float>& value,
                const std::vector<float>& grad) {
  json.begin_object().key("id").value(id).key("op").value(op).key("inputs").begin_array();
  for (const std::string& input : inputs) json.value(input);
  json.end_array().key("value");
  write_values(json, value);
  json.key("grad");
  write_values(json, grad);
  json.end_object();
}

// Node "input", then one node per layer named by its position ("0", reading "input",
// "0.weight" and "0.bias"), then "loss", reading the last layer and "target".
void write_nodes(JsonWriter& json, const train::SampleTrace& trace) {
  json.key("nodes").begin_array();
  write_node(json, "input", "input", {}, trace.input, trace.input_grad);
  std::string previous = "input";
  for (size_t i = 0; i < trace.layers.size(); ++i) {
    const std::string id = std::to_string(i);
    std::vector<std::string> inputs = {previous};
    for (const train::TracedParameter& parameter : trace.parameters) {
      if (parameter.name.starts_with(id + ".")) inputs.push_back(parameter.name);
    }
    write_node(json, id, trace.layers[i].op, inputs, trace.layers[i].value, trace.layers[i].grad);
    previous = id;
  }
  json.begin_object().key("id").value("loss").key("op").value(train::loss_name(trace.loss_kind));
  json.key("inputs").begin_array().value(previous).value("target").end_array();
  json.key("value").value(trace.loss).key("grad").value(1.0).end_object();
  json.end_array();
}

}  // namespace

std::string trace_json(const train::SampleTrace& trace) {
  JsonWriter json;
  json.begin_object().key("input");
  write_values(json, trace.input);
  json.key("target");
  if (trace.loss_kind == LossKind::softmax_cross_entropy ||
      (trace.loss_kind != LossKind::squared_error && trace.target.size() == 1)) {
    json.value(static_cast<int64_t>(trace.target.front()));  // a class index
  } else if (trace.target.size() == 1) {
    json.value(static_cast<double>(trace.target.front()));
  } else {
    write_values(json, trace.target);
  }
  json.key("output");
  write_values(json, trace.prediction);
  json.key("loss").value(trace.loss);
  write_nodes(json, trace);
  json.key("parameters").begin_array();
  for (const train::TracedParameter& parameter : trace.parameters) {
    json.begin_object().key("name").value(parameter.name).key("shape").begin_array();
    for (int d = 0; d < parameter.shape.rank(); ++d) json.value(parameter.shape[d]);
    json.end_array().key("value");
    write_values(json, parameter.value, parameter.shape);
    json.key("grad");
    write_values(json, parameter.grad, parameter.shape);
    json.end_object();
  }
  json.end_array().end_object();
  return json.str() + "\n";
}

// Each command declares its own options (the lines look alike from command to command);
// these are graph's, declared here beside the code that reads them.
void add_sample_options(ArgumentParser& parser) {
  parser.add_option("--sample", "NAME=VALUE,...",
                    "one sample by feature name (a model's names; x1, x2, ... for --arch), "
                    "optionally with the label's");
  parser.add_option("--target", "T",
                    "the sample's target: a class name (0, 1, ... for --arch) or the value(s) "
                    "of a regression (default: the label in --sample, else the predicted class)");
  parser.add_flag("--json", "print the sample's values and gradients as JSON");
}

void check_sample_options(const ParsedArguments& arguments) {
  if (arguments.has("--sample")) return;
  if (arguments.has("--target")) throw UsageError("--target needs --sample");
  if (arguments.has("--json")) throw UsageError("--json prints a sample's trace: give --sample");
}

train::OutputChoice arch_output(const ParsedArguments& arguments, int64_t outputs) {
  ActivationKind activation = outputs == 1 ? ActivationKind::sigmoid : ActivationKind::softmax;
  if (auto name = arguments.value("--output-activation")) activation = nn::parse_activation(*name);
  const bool classification = (activation == ActivationKind::sigmoid && outputs == 1) ||
                              (activation == ActivationKind::softmax && outputs > 1);
  const LossKind loss = !classification ? LossKind::squared_error
                        : outputs == 1  ? LossKind::binary_cross_entropy
                                        : LossKind::softmax_cross_entropy;
  // Every pair above is one that output_choice accepts.
  return *train::output_choice(activation, loss);
}

GraphSubject subject_of_model(io::TrainedModel model) {
  GraphSubject subject{.network = model.network,
                       .feature_names = model.feature_names,
                       .label_name = model.label_name,
                       .class_names = model.class_names,
                       .model = std::nullopt,
                       .options = {.input_names = model.feature_map.empty() ? model.feature_names
                                                                            : model.feature_map,
                                   .head = model.head,
                                   .loss = model.loss}};
  subject.model = std::move(model);
  return subject;
}

GraphSubject subject_of_arch(std::shared_ptr<nn::Sequential> network,
                             const train::OutputChoice& output) {
  GraphSubject subject{.network = std::move(network),
                       .options = {.head = output.head, .loss = output.loss}};
  const int64_t inputs = nn::spec_of(subject.network->layer(0)).inputs;
  for (int64_t i = 0; i < inputs; ++i) subject.feature_names.push_back("x" + std::to_string(i + 1));
  const int64_t outputs = subject.network->output_features(inputs);
  if (output.loss != LossKind::squared_error) {
    for (int64_t c = 0; c < std::max<int64_t>(outputs, 2); ++c) {
      subject.class_names.push_back(std::to_string(c));
    }
  }
  return subject;
}

train::SampleTrace trace_of_sample(const ParsedArguments& arguments, GraphSubject& subject) {
  const Sample sample = parse_sample(*arguments.value("--sample"), subject);
  const auto features = static_cast<int64_t>(sample.features.size());
  Tensor input = from_values({1, features}, sample.features);
  if (subject.model) input = subject.model->prepare(input);
  std::optional<std::string> target_text = arguments.value("--target");
  std::string option = "--target";
  if (!target_text && sample.label) {
    target_text = sample.label;
    option = "--sample " + subject.label_name;
  }
  const data::Dataset target = target_of(target_text, option, subject, input);
  const LossKind loss = subject.options.loss.value_or(LossKind::squared_error);
  const int64_t outputs = subject.network->output_features(input.shape()[1]);
  return train::trace_sample(*subject.network, input.to_vector(), loss, subject.options.head,
                             train::prepare_targets(loss, target, outputs));
}

}  // namespace soma::cli
