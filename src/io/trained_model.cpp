// TrainedModel: the network plus its metadata, stored as model-file metadata entries.
#include "soma/io/trained_model.hpp"

#include <sstream>

#include "soma/core/error.hpp"
#include "soma/data/features.hpp"
#include "soma/io/model.hpp"
#include "soma/train/fit.hpp"

namespace soma::io {

namespace {

// Lists are stored one item per line: names may contain commas (CSV headers, labels).
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

const std::string& required(const std::string& path, const Metadata& metadata,
                            const std::string& key) {
  for (const auto& [name, value] : metadata) {
    if (name == key) return value;
  }
  throw Error(path + ": not a model trained by soma (no '" + key + "' entry)");
}

}  // namespace

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
  save_model(path, *model.network,
             {{"loss", std::string(train::loss_name(model.loss))},
              {"head", std::string(nn::activation_name(model.head))},
              {"feature_names", join_lines(model.feature_names)},
              {"feature_map", join_lines(model.feature_map)},
              {"scaler", model.scaler.to_text()},
              {"class_names", join_lines(model.class_names)},
              {"label_name", model.label_name},
              {"description", model.description}});
}

TrainedModel load_trained_model(const std::string& path) {
  LoadedModel loaded = load_model(path);
  TrainedModel model;
  model.network = loaded.network;
  const Metadata& metadata = loaded.metadata;
  try {
    model.loss = train::parse_loss(required(path, metadata, "loss"));
    model.head = nn::parse_activation(required(path, metadata, "head"));
    model.feature_names = split_lines(required(path, metadata, "feature_names"));
    model.feature_map = split_lines(required(path, metadata, "feature_map"));
    model.scaler = data::Scaler::from_text(required(path, metadata, "scaler"));
    model.class_names = split_lines(required(path, metadata, "class_names"));
    model.label_name = required(path, metadata, "label_name");
    model.description = required(path, metadata, "description");
  } catch (const Error& error) {
    const std::string message = error.what();
    if (message.rfind(path + ":", 0) == 0) throw;
    throw Error(path + ": " + message);
  }
  const int64_t inputs = static_cast<int64_t>(model.feature_map.empty() ? model.feature_names.size()
                                                                        : model.feature_map.size());
  try {
    (void)model.network->output_features(inputs);
  } catch (const Error& error) {
    throw Error(path + ": inconsistent model: " + error.what());
  }
  return model;
}

}  // namespace soma::io
