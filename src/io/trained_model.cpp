// TrainedModel: the network plus its metadata, stored as model-file metadata entries, and
// the checks that make a loaded model safe to use: every entry parsed and checked against
// the network, so that no later command indexes past a list or trusts a wrong count.
#include "soma/io/trained_model.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "soma/core/error.hpp"
#include "soma/data/features.hpp"
#include "soma/io/model.hpp"
#include "soma/nn/dense.hpp"
#include "soma/train/fit.hpp"

namespace soma::io {

namespace {

// Lists (feature_names, feature_map, class_names) are one item per line: names may contain
// commas (CSV headers, labels). Plain lines cannot hold an item with a line break, which a
// quoted CSV header or label may have; such a model is written with every list escaped and
// this entry. Without it the lists are plain lines, as in every file older than the entry.
constexpr const char* list_encoding_key = "list_encoding";
constexpr const char* escaped_lines = "escaped_lines";
// An image model's "HEIGHTxWIDTH"; written only for image models.
constexpr const char* image_key = "image";

[[noreturn]] void fail(const std::string& path, const std::string& field,
                       const std::string& problem) {
  throw Error(path + ": " + field + ": " + problem);
}

std::string join_lines(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += item + "\n";
  return text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) items.push_back(line);
  return items;
}

// One item per line with "\\" for a backslash and "\n" for a line break.
std::string join_escaped(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    for (const char c : item) {
      if (c == '\\') {
        text += "\\\\";
      } else if (c == '\n') {
        text += "\\n";
      } else {
        text += c;
      }
    }
    text += '\n';
  }
  return text;
}

std::vector<std::string> split_escaped(const std::string& path, const std::string& field,
                                       const std::string& text) {
  std::vector<std::string> items = split_lines(text);
  for (size_t line = 0; line < items.size(); ++line) {
    std::string item;
    const std::string& escaped = items[line];
    for (size_t i = 0; i < escaped.size(); ++i) {
      if (escaped[i] != '\\') {
        item += escaped[i];
        continue;
      }
      const char next = i + 1 < escaped.size() ? escaped[i + 1] : '\0';
      if (next != '\\' && next != 'n') {
        fail(path, field,
             "item " + std::to_string(line + 1) + ": a backslash must be followed by \\ or n");
      }
      item += next == 'n' ? '\n' : '\\';
      ++i;
    }
    items[line] = std::move(item);
  }
  return items;
}

bool any_line_break(const TrainedModel& model) {
  for (const auto* list : {&model.feature_names, &model.feature_map, &model.class_names}) {
    for (const std::string& item : *list) {
      if (item.find('\n') != std::string::npos) return true;
    }
  }
  return false;
}

const std::string& required(const std::string& path, const Metadata& metadata,
                            const std::string& key) {
  for (const auto& [name, value] : metadata) {
    if (name == key) return value;
  }
  throw Error(path + ": not a model trained by soma (no '" + key + "' entry)");
}

// Runs `parse` on the entry `key`, naming the file and the entry in any error.
template <class Parse>
auto parse_entry(const std::string& path, const Metadata& metadata, const std::string& key,
                 Parse parse) {
  const std::string& text = required(path, metadata, key);
  try {
    return parse(text);
  } catch (const Error& error) {
    fail(path, key, printable_for_message(error.what()));  // on one line, whatever the text
  }
}

// The head each loss implies: the losses on logits fuse sigmoid or softmax while training,
// which prediction then applies; every other loss sees the network's outputs as they are.
nn::ActivationKind head_for(train::LossKind loss) {
  switch (loss) {
    case train::LossKind::binary_cross_entropy_with_logits:
      return nn::ActivationKind::sigmoid;
    case train::LossKind::softmax_cross_entropy:
      return nn::ActivationKind::softmax;
    case train::LossKind::squared_error:
    case train::LossKind::binary_cross_entropy:
      break;
  }
  return nn::ActivationKind::identity;
}

// Throws naming `field` when a list holds an empty or a repeated name.
void check_names(const std::string& path, const std::string& field,
                 const std::vector<std::string>& names) {
  std::set<std::string_view> seen;
  for (const std::string& name : names) {
    if (name.empty()) fail(path, field, "an empty name");
    if (!seen.insert(name).second) fail(path, field, quoted_for_message(name) + " appears twice");
  }
}

// The inputs the network's first dense layer takes; 0 when it has none (any count fits).
int64_t network_inputs(const nn::Sequential& network) {
  for (size_t i = 0; i < network.size(); ++i) {
    if (const auto* dense = dynamic_cast<const nn::Dense*>(&network.layer(i))) {
      return dense->inputs();
    }
  }
  return 0;
}

// The features (names and map) against each other and the network; returns the count of
// the network's inputs: the mapped features when there is a map, else the raw ones.
int64_t check_features(const TrainedModel& model, const std::string& name) {
  check_names(name, "feature_names", model.feature_names);
  if (model.feature_names.empty()) fail(name, "feature_names", "no features");
  const std::vector<std::string>& known = data::feature_map_names();
  for (const std::string& feature : model.feature_map) {
    if (std::find(known.begin(), known.end(), feature) == known.end()) {
      std::string valid;
      for (const std::string& k : known) valid += (valid.empty() ? "" : ", ") + k;
      fail(name, "feature_map",
           "unknown feature " + quoted_for_message(feature) + " (valid: " + valid + ")");
    }
  }
  if (!model.feature_map.empty() && model.feature_names.size() != 2) {
    fail(name, "feature_map",
         "maps two features, but feature_names has " + std::to_string(model.feature_names.size()));
  }
  const bool mapped = !model.feature_map.empty();
  const std::string inputs_field = mapped ? "feature_map" : "feature_names";
  const auto inputs =
      static_cast<int64_t>(mapped ? model.feature_map.size() : model.feature_names.size());
  const int64_t expected_inputs = network_inputs(*model.network);
  if (expected_inputs != 0 && inputs != expected_inputs) {
    fail(name, inputs_field,
         std::to_string(inputs) + (inputs == 1 ? " feature" : " features") +
             ", but the network takes " + std::to_string(expected_inputs));
  }
  return inputs;
}

// The head and the class names against the loss and the network's `outputs`.
void check_head_and_classes(const TrainedModel& model, const std::string& name, int64_t outputs) {
  const std::string loss(train::loss_name(model.loss));
  const nn::ActivationKind head = head_for(model.loss);
  if (model.head != head) {
    fail(name, "head",
         "'" + std::string(nn::activation_name(model.head)) + "' does not fit the loss '" + loss +
             "', which needs '" + std::string(nn::activation_name(head)) + "'");
  }
  const size_t classes = model.class_names.size();
  if (classes == 0) {
    if (model.loss != train::LossKind::squared_error) {
      fail(name, "class_names", "none, but the loss '" + loss + "' needs classes");
    }
    return;
  }
  check_names(name, "class_names", model.class_names);
  const bool binary_loss = model.loss == train::LossKind::binary_cross_entropy ||
                           model.loss == train::LossKind::binary_cross_entropy_with_logits;
  if (binary_loss && outputs != 1) {
    fail(name, "loss",
         "'" + loss + "' needs one output, the network has " + std::to_string(outputs));
  }
  if (model.loss == train::LossKind::softmax_cross_entropy && outputs < 2) {
    fail(name, "loss", "'" + loss + "' needs two or more outputs, the network has 1");
  }
  // One output is P(second class); K outputs are one score per class.
  const size_t needed = outputs == 1 ? 2 : static_cast<size_t>(outputs);
  if (classes != needed) {
    fail(name, "class_names",
         std::to_string(classes) + (classes == 1 ? " name" : " names") + ", but a network with " +
             (outputs == 1 ? "1 output predicts 2 classes"
                           : std::to_string(outputs) + " outputs predicts " +
                                 std::to_string(outputs) + " classes (one per output)"));
  }
}

// An image's pixels are the raw features, one each, so a feature map cannot apply.
void check_image(const TrainedModel& model, const std::string& name) {
  if (model.image_height == 0 && model.image_width == 0) return;
  const int64_t pixels = model.image_height * model.image_width;
  if (model.image_height < 1 || model.image_width < 1 || model.image_height > 65536 ||
      model.image_width > 65536 || pixels != static_cast<int64_t>(model.feature_names.size())) {
    fail(name, "image",
         std::to_string(model.image_height) + "x" + std::to_string(model.image_width) +
             " pixels, but feature_names has " + std::to_string(model.feature_names.size()));
  }
  if (!model.feature_map.empty()) fail(name, "image", "an image model has no feature map");
}

// Checks the parts of `model` against each other and its network, so that prepare(),
// predict() and the commands can index every list they use; throws "NAME: FIELD: problem".
void check_consistent(const TrainedModel& model, const std::string& name) {
  if (model.network == nullptr) throw Error(name + ": the model has no network");
  const int64_t inputs = check_features(model, name);
  int64_t outputs = 0;
  try {
    outputs = model.network->output_features(inputs);
  } catch (const Error& error) {
    fail(name, "architecture", std::string("the layers do not chain: ") + error.what());
  }
  if (model.scaler.features() >= 0 && model.scaler.features() != inputs) {
    fail(name, "scaler",
         "fitted on " + std::to_string(model.scaler.features()) +
             " features, but the network takes " + std::to_string(inputs));
  }
  check_head_and_classes(model, name, outputs);
  check_image(model, name);
  if (std::find(model.feature_names.begin(), model.feature_names.end(), model.label_name) !=
      model.feature_names.end()) {
    fail(name, "label_name", quoted_for_message(model.label_name) + " is also a feature name");
  }
}

TrainedModel trained_model_from(LoadedModel loaded, const std::string& path) {
  const Metadata& metadata = loaded.metadata;
  bool escaped = false;
  for (const auto& [key, value] : metadata) {
    if (key != list_encoding_key) continue;
    if (value != escaped_lines) {
      fail(path, list_encoding_key,
           "unknown encoding " + quoted_for_message(value) + " (this soma reads '" + escaped_lines +
               "', or plain lines when the entry is absent)");
    }
    escaped = true;
  }
  auto list = [&](const std::string& key) {
    const std::string& text = required(path, metadata, key);
    return escaped ? split_escaped(path, key, text) : split_lines(text);
  };
  TrainedModel model;
  model.network = loaded.network;
  model.loss = parse_entry(path, metadata, "loss", train::parse_loss);
  model.head = parse_entry(path, metadata, "head", nn::parse_activation);
  model.feature_names = list("feature_names");
  model.feature_map = list("feature_map");
  model.scaler = parse_entry(path, metadata, "scaler", data::Scaler::from_text);
  model.class_names = list("class_names");
  model.label_name = required(path, metadata, "label_name");
  model.description = required(path, metadata, "description");
  for (const auto& [key, value] : metadata) {
    if (key != image_key) continue;  // absent: not an image model, as every older file
    std::tie(model.image_height, model.image_width) =
        parse_entry(path, metadata, image_key, parse_image_shape);
  }
  check_consistent(model, path);
  return model;
}

}  // namespace

std::pair<int64_t, int64_t> parse_image_shape(std::string_view text) {
  const auto side = [&](std::string_view digits) {
    int64_t value = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9' || value > 65536) return int64_t{0};
      value = value * 10 + (c - '0');
    }
    return digits.empty() || value > 65536 ? int64_t{0} : value;
  };
  const size_t x = text.find('x');
  const int64_t height = x == std::string_view::npos ? 0 : side(text.substr(0, x));
  const int64_t width = x == std::string_view::npos ? 0 : side(text.substr(x + 1));
  if (height == 0 || width == 0) {
    throw Error(quoted_for_message(text) +
                " is not HEIGHTxWIDTH, e.g. 28x28 (each side 1 to 65536)");
  }
  return {height, width};
}

Tensor TrainedModel::prepare(const Tensor& raw_features) const {
  if (raw_features.rank() != 2 ||
      raw_features.shape()[1] != static_cast<int64_t>(feature_names.size())) {
    throw Error("the model expects " + std::to_string(feature_names.size()) +
                " features per row, the data has shape " + raw_features.shape().to_string());
  }
  const Tensor mapped =
      feature_map.empty() ? raw_features : data::map_features(raw_features, feature_map);
  return scaler.transform(mapped);
}

Tensor TrainedModel::predict(const Tensor& raw_features) const {
  const Tensor outputs = train::predict(*network, prepare(raw_features));
  return nn::apply_activation(head, outputs);
}

void save_trained_model(const std::string& path, const TrainedModel& model) {
  // What load_trained_model would refuse is never written.
  check_consistent(model, path + ": cannot save");
  const bool escaped = any_line_break(model);
  const auto list = escaped ? join_escaped : join_lines;
  Metadata metadata = {{"loss", std::string(train::loss_name(model.loss))},
                       {"head", std::string(nn::activation_name(model.head))},
                       {"feature_names", list(model.feature_names)},
                       {"feature_map", list(model.feature_map)},
                       {"scaler", model.scaler.to_text()},
                       {"class_names", list(model.class_names)},
                       {"label_name", model.label_name},
                       {"description", model.description}};
  // Only when needed, so that every other file stays as earlier versions of soma wrote it.
  if (escaped) metadata.emplace_back(list_encoding_key, escaped_lines);
  if (model.is_image()) {
    metadata.emplace_back(
        image_key, std::to_string(model.image_height) + "x" + std::to_string(model.image_width));
  }
  save_model(path, *model.network, metadata);
}

TrainedModel load_trained_model(const std::string& path) {
  return trained_model_from(load_model(path), path);
}

TrainedModel decode_trained_model(std::string_view bytes, const std::string& name_for_errors) {
  return trained_model_from(
      model_from_file(decode_model_file(bytes, name_for_errors), name_for_errors), name_for_errors);
}

}  // namespace soma::io
