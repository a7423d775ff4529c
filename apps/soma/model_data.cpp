// load_data_for_model: reuse --data handling, then check the data fits the model.
#include "model_data.hpp"

#include "data_source.hpp"
#include "network_options.hpp"
#include "soma/core/error.hpp"
#include "soma/data/csv.hpp"

namespace soma::cli {

namespace {

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
  if (!names_builtin_data(source)) return {source, std::nullopt};
  return {source, read_seed(arguments, 1)};
}

std::string DataOrigin::describe() const {
  return seed ? source + " (built-in, seed " + std::to_string(*seed) + ")" : source;
}

data::Dataset load_data_for_model(const ParsedArguments& arguments, const io::TrainedModel& model) {
  const std::string source = arguments.value("--data").value_or("");
  const bool csv = names_csv_file(source);
  data::Dataset dataset;
  if (csv) {
    data::CsvSchema schema{model.feature_names,
                           arguments.value("--label").value_or(model.label_name),
                           model.class_names};
    dataset = data::load_csv_with_schema(source, schema);
  } else {
    dataset = load_data(arguments, read_seed(arguments, 1)).dataset;
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
