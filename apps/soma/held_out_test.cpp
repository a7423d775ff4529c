// The held-out test data of `soma train --test`: read before training, scored after it.
#include "held_out_test.hpp"

#include <cstdio>

#include "image_data.hpp"
#include "soma/core/error.hpp"
#include "soma/data/csv.hpp"

namespace soma::cli {

void add_test_option(ArgumentParser& parser) {
  parser.add_option("--test", "FILE.csv|IMAGES",
                    "held-out rows with the training data's columns (or IDX images, with "
                    "--test-labels), scored once after training");
  parser.add_option("--test-labels", "LABELS",
                    "IDX labels (n class indices) of the IDX images in --test");
}

namespace {

// Whether `data` are IDX images (CSV pixels declared with --image are a CSV file).
bool is_idx_training(const LoadedData& data) {
  return !data.from_csv && data.image_height > 0;
}

// What training data other than IDX images are, for the refusal of an IDX test.
std::string kind_of(const LoadedData& data) {
  return data.from_csv ? "a CSV file" : "built-in data";
}

// --test IMAGES --test-labels LABELS for a model trained on IDX images: read as the training
// images are (read_idx_data), then held to their size and classes.
HeldOutTest read_idx_test(const std::string& path, const std::optional<std::string>& labels,
                          const LoadedData& training, const io::TrainedModel& model) {
  check_labels_go_with(path, "--test", "--test-labels");
  if (!is_idx_training(training)) {
    throw UsageError("--test " + path +
                     ": IDX test images go with IDX training images (--data IMAGES --labels "
                     "LABELS); the training data '" +
                     training.source + "' are " + kind_of(training));
  }
  LoadedData loaded;
  try {
    loaded = read_idx_data("--test", path, "--test-labels", labels);
  } catch (const Error& error) {
    throw UsageError("--test: " + std::string(error.what()));
  }
  check_image_shape("--test", path, loaded.image_height, loaded.image_width, model.image_height,
                    model.image_width, "the training images are");
  const auto classes = static_cast<int64_t>(model.class_names.size());
  const float* label = loaded.dataset.targets.data();
  for (int64_t i = 0; i < loaded.dataset.size(); ++i) {
    if (label[i] < static_cast<float>(classes)) continue;
    throw UsageError("--test-labels " + *labels + ": image " + std::to_string(i) + " is labelled " +
                     std::to_string(static_cast<int64_t>(label[i])) +
                     ", not one of the training data's " + std::to_string(classes) +
                     " classes (0 to " + std::to_string(classes - 1) + ")");
  }
  HeldOutTest test{path + " with labels " + *labels, std::move(loaded.dataset), {}};
  test.dataset.classes = classes;
  return test;
}

}  // namespace

std::optional<HeldOutTest> read_held_out_test(const ParsedArguments& arguments,
                                              const LoadedData& training,
                                              const io::TrainedModel& model) {
  const auto path = arguments.value("--test");
  const auto labels = arguments.value("--test-labels");
  if (!path && labels) {
    throw UsageError("--test-labels " + *labels +
                     " goes with --test IMAGES, the IDX images it labels");
  }
  if (!path) return std::nullopt;
  if (path->empty()) throw UsageError("--test: the file name is empty");
  if (labels || is_idx_path(*path)) return read_idx_test(*path, labels, training, model);
  if (is_idx_training(training)) {
    throw UsageError("--test " + *path + ": the training data '" + training.source +
                     "' are IDX images: test with IDX images too (--test IMAGES --test-labels "
                     "LABELS)");
  }
  // The training data's own columns: a CSV's names, or x1, x2 (x) and class (y) for
  // built-in data.
  const data::CsvSchema schema{model.feature_names, model.label_name, model.class_names};
  HeldOutTest test{*path, {}, {}};
  try {
    test.dataset = data::load_csv_with_schema(*path, schema);
  } catch (const Error& error) {
    throw UsageError("--test: " + std::string(error.what()));
  }
  if (model.is_classification()) {
    test.dataset.classes = static_cast<int64_t>(model.class_names.size());
  }
  return test;
}

void evaluate_held_out_test(HeldOutTest& test, const io::TrainedModel& model) {
  data::Dataset prepared = test.dataset;
  prepared.features = model.prepare(test.dataset.features);
  test.result = train::evaluate(*model.network, prepared, model.loss);
}

void write_test_json(JsonWriter& json, const HeldOutTest& test, bool classification) {
  json.key("test").begin_object();
  json.key("samples").value(test.dataset.size()).key("source").value(test.source);
  json.key("loss").value(test.result.loss);
  json.key(classification ? "accuracy" : "rmse")
      .value(classification ? test.result.accuracy : test.result.rmse);
  json.end_object();
}

void print_test_text(const HeldOutTest& test, bool classification) {
  std::printf("test (%s, %lld samples): loss %.4f, %s %.4f\n", test.source.c_str(),
              static_cast<long long>(test.dataset.size()), test.result.loss,
              classification ? "accuracy" : "rmse",
              classification ? test.result.accuracy : test.result.rmse);
}

}  // namespace soma::cli
