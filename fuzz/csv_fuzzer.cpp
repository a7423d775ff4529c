// libFuzzer harness for soma's CSV reader. The first byte picks the options (label column,
// task, delimiter), the rest is the file. A file the reader accepts for training must then
// read the same way as a trained model's input (soma predict) and as its labelled
// evaluation data (soma eval): same features, same targets, bit for bit.
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "harness.hpp"
#include "soma/core/error.hpp"
#include "soma/data/csv.hpp"

namespace {

using soma::data::Task;

soma::data::CsvOptions options_from(uint8_t choice) {
  // Bits 0-1: the label column; bits 2-3: the task; bits 4-5: the delimiter.
  constexpr std::array<const char*, 4> label_columns = {"", "0", "-1", "label"};
  constexpr std::array<Task, 4> tasks = {Task::automatic, Task::classification, Task::regression,
                                         Task::automatic};
  constexpr std::array<char, 4> delimiters = {',', ';', '\t', '|'};
  soma::data::CsvOptions options;
  options.label_column = label_columns[choice & 3u];
  options.task = tasks[(choice >> 2) & 3u];
  options.delimiter = delimiters[(choice >> 4) & 3u];
  return options;
}

bool same_values(const soma::Tensor& a, const soma::Tensor& b) {
  if (a.shape() != b.shape()) return false;
  const std::vector<float> left = a.to_vector();
  const std::vector<float> right = b.to_vector();
  return std::memcmp(left.data(), right.data(), left.size() * sizeof(float)) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const soma::data::CsvOptions options = options_from(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string name = "fuzz.csv";
  soma::data::CsvData training;
  try {
    training = soma::data::parse_csv(text, name, options);
  } catch (const soma::Error&) {
    return 0;  // a refusal, with its message: what the reader should do with bad input
  }
  const soma::data::Dataset& dataset = training.dataset;
  try {
    const soma::Tensor features = soma::data::parse_csv_features(
        text, name, dataset.feature_names, training.label_name, options.delimiter);
    if (!same_values(features, dataset.features)) {
      soma::fuzz::report_finding("parse_csv_features reads other features than parse_csv");
    }
    const soma::data::Dataset evaluation = soma::data::parse_csv_with_schema(
        text, name, {dataset.feature_names, training.label_name, training.class_names},
        options.delimiter);
    if (!same_values(evaluation.features, dataset.features) ||
        !same_values(evaluation.targets, dataset.targets)) {
      soma::fuzz::report_finding("parse_csv_with_schema reads other values than parse_csv");
    }
  } catch (const soma::Error& error) {
    soma::fuzz::report_finding(std::string("a file read for training is refused for "
                                           "prediction or evaluation: ") +
                               error.what());
  }
  return 0;
}
