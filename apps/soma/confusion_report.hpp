// The confusion matrix of a classification's results, as `soma eval` and `soma train`
// (for image data) report it: a table on stdout and a JSON array of rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "json_writer.hpp"
#include "soma/data/dataset.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

using ConfusionMatrix = std::vector<std::vector<int64_t>>;  // [true class][predicted class]

// dataset.classes x dataset.classes counts of (true, predicted) from `result`'s predictions.
ConfusionMatrix confusion_matrix(const data::Dataset& dataset, const train::Evaluation& result);

// A class name or description for the text report, on one line: a line break in a name (a
// quoted CSV label may hold one) is shown as \n, so that the table keeps its rows. Only for
// reading: unlike the model file's escaping (io/trained_model.cpp), it need not read back.
std::string one_line(const std::string& text);

// The matrix as a table, a column per class, wide enough for the longest name.
void print_confusion(const std::vector<std::string>& class_names, const ConfusionMatrix& confusion);

// "confusion_matrix": [[...], ...] into an open JSON object.
void write_confusion_json(JsonWriter& json, const ConfusionMatrix& confusion);

}  // namespace soma::cli
