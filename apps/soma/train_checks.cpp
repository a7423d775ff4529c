// The refusals `soma train` makes before it trains: classes the validation split would
// leave empty, and a network too large for memory.
#include "train_checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "soma/nn/network_spec.hpp"

namespace soma::cli {

namespace {

// Whether every class name reads as a number, as labels that are quantities would.
bool all_numbers(const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(), [](const std::string& name) {
    char* end = nullptr;
    std::strtod(name.c_str(), &end);
    return !name.empty() && end == name.c_str() + name.size();
  });
}

}  // namespace

// Classification needs two classes, and the stratified validation split gives
// round(fraction x rows) of each class to validation: with classes as small as the rows
// allow, that is nothing (or everything). Said here, with the label column and its counts,
// where the split could only say that the samples are too few.
void check_classes(const LoadedData& data, double validation_fraction) {
  const data::Dataset& dataset = data.dataset;
  if (!dataset.is_classification()) return;
  const std::string column =
      "--data '" + data.source + "': the label column '" + data.label_name + "'";
  const std::string hint =
      data.from_csv ? "; is '" + data.label_name + "' the column to predict? choose another with " +
                          "--label" +
                          (all_numbers(data.class_names)
                               ? ", or use --task regression if its values are quantities"
                               : "")
                    : "; use more --samples";
  if (dataset.classes < 2) {
    throw UsageError(column + " has one class, '" +
                     (data.class_names.empty() ? "0" : data.class_names.front()) +
                     "': classification needs at least two" + hint);
  }
  if (validation_fraction == 0.0) return;
  std::vector<int64_t> rows_per_class(static_cast<size_t>(dataset.classes));
  const float* labels = dataset.targets.data();
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const auto label = static_cast<size_t>(labels[i]);
    if (label < rows_per_class.size()) ++rows_per_class[label];  // others: the split says so
  }
  int64_t validation_rows = 0;
  int64_t largest = 0;
  int64_t classes_present = 0;
  for (const int64_t rows : rows_per_class) {
    validation_rows += std::min(
        rows, static_cast<int64_t>(std::llround(validation_fraction * static_cast<double>(rows))));
    largest = std::max(largest, rows);
    classes_present += rows > 0;
  }
  const int64_t rows = dataset.size();
  if (validation_rows > 0 && validation_rows < rows) return;
  char fraction[32];
  std::snprintf(fraction, sizeof fraction, "%g", validation_fraction);
  const std::string counts =
      dataset.classes == rows && classes_present == rows
          ? " has as many classes as rows (" + std::to_string(rows) + "), one row each"
          : " has " + std::to_string(dataset.classes) + " classes in " + std::to_string(rows) +
                " rows, the largest with " + std::to_string(largest) +
                (largest == 1 ? " row" : " rows");
  const std::string split = "a validation split of " + std::string(fraction);
  throw UsageError(column + counts +
                   (validation_rows == 0
                        ? ", too few for " + split + " to take any"
                        : ", so " + split + " takes every row, leaving none to train on") +
                   " (each class gives it round(" + fraction + " x its rows))" + hint);
}

// Refuses, before anything is allocated, a network and batch size whose training would not
// fit in memory. Per parameter: its value, gradient, two optimiser moments and the best
// epoch's copy (5 floats); per row of a batch, each layer's outputs, activations and their
// gradients (4 floats per unit), and the same for evaluation's batches of up to 1024 rows;
// per sample, the split and scaled copies of its features (3 floats each).
void check_training_memory(const std::vector<int64_t>& sizes, const std::string& architecture,
                           int64_t batch_size, int64_t samples, double validation_fraction) {
  const auto training_rows = std::max<int64_t>(
      1, std::llround(static_cast<double>(samples) * (1.0 - validation_fraction)));
  const int64_t batch_rows =
      batch_size == 0 || batch_size > training_rows ? training_rows : batch_size;
  double units = 0.0;
  for (const int64_t size : sizes) units += static_cast<double>(size);
  const int64_t parameters = nn::parameter_count(nn::layers_of({.layer_sizes = sizes}));
  const double floats =
      5.0 * static_cast<double>(parameters) +
      4.0 * units * static_cast<double>(batch_rows + std::min<int64_t>(samples, 1024)) +
      3.0 * static_cast<double>(samples) * static_cast<double>(sizes.front());
  check_memory("training " + architecture + " (" + std::to_string(parameters) +
                   " parameters, batches of " + std::to_string(batch_rows) + " rows)",
               4.0 * floats);
}

}  // namespace soma::cli
