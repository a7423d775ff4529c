// The held-out test file of `soma train --test`: read before training, scored after it.
#include "held_out_test.hpp"

#include <cstdio>

#include "soma/core/error.hpp"
#include "soma/data/csv.hpp"

namespace soma::cli {

void add_test_option(ArgumentParser& parser) {
  parser.add_option("--test", "FILE.csv",
                    "held-out rows with the training data's columns, scored once after training");
}

std::optional<HeldOutTest> read_held_out_test(const ParsedArguments& arguments,
                                              const io::TrainedModel& model) {
  const auto path = arguments.value("--test");
  if (!path) return std::nullopt;
  if (path->empty()) throw UsageError("--test: the file name is empty");
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
