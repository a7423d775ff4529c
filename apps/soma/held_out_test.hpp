// `soma train --test FILE.csv`: a held-out file, read (and checked against the training
// data's columns and classes) before training starts, evaluated once after it, and reported
// apart from validation.
#pragma once

#include <optional>
#include <string>

#include "arguments.hpp"
#include "json_writer.hpp"
#include "soma/data/dataset.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

struct HeldOutTest {
  std::string source;        // the file, as given
  data::Dataset dataset;     // its raw rows (features before the feature map and scaling)
  train::Evaluation result;  // set by evaluate_held_out_test
};

// The --test option (train lists it after --validation-split).
void add_test_option(ArgumentParser& parser);
// The --test file read with `model`'s feature names, label column and classes (which the
// training data has set), or nullopt without --test. Throws a UsageError or soma::Error
// naming the file (line and column for a bad cell, a label not seen in training).
std::optional<HeldOutTest> read_held_out_test(const ParsedArguments& arguments,
                                              const io::TrainedModel& model);
// Scores the trained `model` on the file's rows, through the model's feature map and scaling.
void evaluate_held_out_test(HeldOutTest& test, const io::TrainedModel& model);

// "test": {"samples", "source", "loss", "accuracy" or "rmse"}, as a key of the open object.
void write_test_json(JsonWriter& json, const HeldOutTest& test, bool classification);
// "test (FILE, N samples): loss L, accuracy A" on stdout.
void print_test_text(const HeldOutTest& test, bool classification);

}  // namespace soma::cli
