// `soma train --test FILE.csv` (or `--test IMAGES --test-labels LABELS` for IDX training
// images): held-out data, read (and checked against the training data's columns, image
// size and classes) before training starts, evaluated once after it, and reported apart
// from validation.
#pragma once

#include <optional>
#include <string>

#include "arguments.hpp"
#include "data_source.hpp"
#include "json_writer.hpp"
#include "soma/data/dataset.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

struct HeldOutTest {
  std::string source;        // "FILE.csv", or "IMAGES with labels LABELS", as given
  data::Dataset dataset;     // its raw rows (features before the feature map and scaling)
  train::Evaluation result;  // set by evaluate_held_out_test
};

// The --test and --test-labels options (train lists them after --validation-split).
void add_test_option(ArgumentParser& parser);
// The --test data read with `model`'s feature names, label column and classes (which the
// `training` data has set), or nullopt without --test: a CSV file for CSV or built-in
// training data, IDX images of the training images' size with --test-labels for IDX
// training images. Throws a UsageError naming the file and the problem (line and column for
// a bad cell, a label not among the training classes, images of another size, as many
// labels as images, a CSV test with IDX training data or the other way round) or the option
// (--test-labels without --test).
std::optional<HeldOutTest> read_held_out_test(const ParsedArguments& arguments,
                                              const LoadedData& training,
                                              const io::TrainedModel& model);
// Scores the trained `model` on the file's rows, through the model's feature map and scaling.
void evaluate_held_out_test(HeldOutTest& test, const io::TrainedModel& model);

// "test": {"samples", "source", "loss", "accuracy" or "rmse"}, as a key of the open object.
void write_test_json(JsonWriter& json, const HeldOutTest& test, bool classification);
// "test (FILE, N samples): loss L, accuracy A" on stdout.
void print_test_text(const HeldOutTest& test, bool classification);

}  // namespace soma::cli
