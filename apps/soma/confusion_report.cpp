// The confusion matrix: counted from an evaluation, printed as a table or written as JSON.
#include "confusion_report.hpp"

#include <algorithm>
#include <cstdio>

namespace soma::cli {

ConfusionMatrix confusion_matrix(const data::Dataset& dataset, const train::Evaluation& result) {
  const auto classes = static_cast<size_t>(dataset.classes);
  ConfusionMatrix confusion(classes, std::vector<int64_t>(classes, 0));
  for (size_t i = 0; i < result.predicted.size(); ++i) {
    const auto truth = static_cast<size_t>(dataset.targets.data()[i]);
    ++confusion[truth][static_cast<size_t>(result.predicted[i])];
  }
  return confusion;
}

std::string one_line(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

void print_confusion(const std::vector<std::string>& class_names,
                     const ConfusionMatrix& confusion) {
  std::vector<std::string> names;
  for (const std::string& name : class_names) names.push_back(one_line(name));
  size_t width = 6;
  for (const std::string& name : names) width = std::max(width, name.size() + 2);
  std::printf("%*s", static_cast<int>(width), "");
  for (const std::string& name : names) std::printf("%*s", static_cast<int>(width), name.c_str());
  std::printf("\n");
  for (size_t row = 0; row < confusion.size(); ++row) {
    std::printf("%*s", static_cast<int>(width), names[row].c_str());
    for (int64_t count : confusion[row])
      std::printf("%*lld", static_cast<int>(width), static_cast<long long>(count));
    std::printf("\n");
  }
}

void write_confusion_json(JsonWriter& json, const ConfusionMatrix& confusion) {
  json.key("confusion_matrix").begin_array();
  for (const auto& row : confusion) {
    json.begin_array();
    for (int64_t count : row) json.value(count);
    json.end_array();
  }
  json.end_array();
}

}  // namespace soma::cli
