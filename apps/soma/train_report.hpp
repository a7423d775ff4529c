// What `soma train` writes when training is done: the model file and pictures (--save,
// --plot, --curves), then the report, as text or as one JSON object (--json).
#pragma once

#include <string>
#include <vector>

#include "arguments.hpp"
#include "confusion_report.hpp"
#include "data_source.hpp"
#include "held_out_test.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

// Writes the model, then the pictures, each atomically (--plot of image classification is
// image_pictures.hpp's); returns "model: PATH", ... for the
// report.
std::vector<std::string> write_outputs(const ParsedArguments& arguments, const LoadedData& data,
                                       const io::TrainedModel& model,
                                       const train::History& history);

// The best epoch's results, the history, the network and the `test` file's results as one
// JSON object on stdout, with "confusion_matrix" when `confusion` is given.
void print_json_report(const io::TrainedModel& model, const std::string& architecture,
                       const train::History& history, double seconds, bool classification,
                       const std::optional<HeldOutTest>& test,
                       const ConfusionMatrix* confusion = nullptr);

// What was trained, how long it took, the best epoch's results (with validation when
// `validated`), the `test` file's and the files `written`, on stdout.
void print_text_report(const io::TrainedModel& model, const train::History& history, double seconds,
                       bool classification, bool validated, const std::optional<HeldOutTest>& test,
                       const std::vector<std::string>& written);

}  // namespace soma::cli
