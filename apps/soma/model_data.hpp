// Data for a saved model (`soma eval`, `soma predict`): built-in data is generated anew,
// CSV files are read with the model's own feature names, label column and classes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "arguments.hpp"
#include "soma/data/dataset.hpp"
#include "soma/io/trained_model.hpp"

namespace soma::cli {

// The raw dataset (features before the model's feature map and scaling). For built-in
// data the default seed is 1, so that the samples differ from training's (seed 0).
data::Dataset load_data_for_model(const ParsedArguments& arguments, const io::TrainedModel& model);

// Where load_data_for_model takes its rows from: the --data file, or built-in data and the
// seed it was generated with (--seed, default 1).
struct DataOrigin {
  std::string source;
  std::optional<uint64_t> seed;       // built-in data only
  std::optional<std::string> labels;  // IDX images: their --labels file
  // "FILE.csv", "IMAGES (labels LABELS)" or "circles (built-in, seed 1)".
  std::string describe() const;
};
DataOrigin data_origin(const ParsedArguments& arguments);

}  // namespace soma::cli
