// load_data_for_model: reuse --data handling, then check the data fits the model.
#include "model_data.hpp"

#include "data_source.hpp"
#include "image_data.hpp"
#include "network_options.hpp"
#include "soma/core/error.hpp"
#include "soma/data/csv.hpp"

namespace soma::cli {

namespace {

// Images of another shape with as many pixels would pass the count check below.
void check_image_fits(const LoadedData& data, const io::TrainedModel& model) {
  if (data.image_height == 0 || !model.is_image()) return;
  check_image_shape("--data", data.source, data.image_height, data.image_width, model.image_height,
                    model.image_width, "the model takes");
}

bool names_csv_file(const std::string& source) {
  return source.size() >= 4 && source.substr(source.size() - 4) == ".csv";
}

// Whether load_data reads `source` as built-in data (its names come first, before files).
bool names_builtin_data(const std::string& source) {
  const std::string names = ", " + builtin_dataset_names() + ",";
  return names.find(", " + source + ",") != std::string::npos;
}

}  // namespace

DataOrigin data_origin(const ParsedArguments& arguments) {
  const std::string source = arguments.value("--data").value_or("");
  if (!names_builtin_data(source)) return {source, std::nullopt, arguments.value("--labels")};
  return {source, read_seed(arguments, 1), std::nullopt};
}

std::string DataOrigin::describe() const {
  if (labels) return source + " (labels " + *labels + ")";
  return seed ? source + " (built-in, seed " + std::to_string(*seed) + ")" : source;
}

data::Dataset load_data_for_model(const ParsedArguments& arguments, const io::TrainedModel& model) {
  const std::string source = arguments.value("--data").value_or("");
  const bool csv = names_csv_file(source);
  data::Dataset dataset;
  if (csv) {
    if (arguments.has("--labels")) check_labels_go_with(source);
    data::CsvSchema schema{model.feature_names,
                           arguments.value("--label").value_or(model.label_name),
                           model.class_names};
    dataset = data::load_csv_with_schema(source, schema);
  } else {
    LoadedData loaded = load_data(arguments, read_seed(arguments, 1));
    check_image_fits(loaded, model);
    dataset = std::move(loaded.dataset);
    if (dataset.is_classification() != model.is_classification()) {
      throw UsageError("--data " + source + " is " +
                       (dataset.is_classification() ? "classification" : "regression") +
                       " data but the model was trained for " +
                       (model.is_classification() ? "classification" : "regression"));
    }
    if (dataset.feature_names != model.feature_names) {
      throw UsageError("--data " + source + " has features that do not fit the model (" +
                       std::to_string(dataset.feature_names.size()) + " features, the model " +
                       std::to_string(model.feature_names.size()) + ")");
    }
  }
  if (model.is_classification() &&
      dataset.classes > static_cast<int64_t>(model.class_names.size())) {
    throw UsageError("--data " + source + " has " + std::to_string(dataset.classes) +
                     " classes, the model knows " + std::to_string(model.class_names.size()));
  }
  if (model.is_classification()) dataset.classes = static_cast<int64_t>(model.class_names.size());
  return dataset;
}

}  // namespace soma::cli
