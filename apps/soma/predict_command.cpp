// `soma predict MODEL --data FILE.csv`: one CSV row of predictions per input row.
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "data_source.hpp"
#include "image_data.hpp"
#include "soma/core/atomic_file.hpp"
#include "soma/core/number_text.hpp"
#include "soma/data/csv.hpp"
#include "soma/io/trained_model.hpp"

namespace soma::cli {

namespace {

// RFC 4180 quoting where soma's CSV reader needs it to read the text back unchanged: for a
// comma, a quote or a line break (a quoted CSV header or label may hold one), and for spaces
// around the text, which the reader drops from unquoted fields.
std::string csv_field(const std::string& text) {
  const bool padded = !text.empty() && (text.front() == ' ' || text.front() == '\t' ||
                                        text.back() == ' ' || text.back() == '\t');
  if (!padded && text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// The rows to predict: IDX images (NAME.idx, NAME-ubyte) for an image model, else CSV rows.
Tensor rows_to_predict(const std::string& source, const io::TrainedModel& model) {
  if (is_idx_path(source)) {
    return idx_images_for_model(source, model.image_height, model.image_width);
  }
  return data::load_csv_features(source, model.feature_names, model.label_name);
}

}  // namespace

// Each command declares its own options, in the order its --help lists them (the lines look
// alike from command to command); the options several commands share are declared once, in
// network_options.hpp and data_source.hpp.
ArgumentParser predict_parser() {
  ArgumentParser parser(
      "soma predict", "soma predict MODEL --data FILE.csv|IMAGES [--out FILE.csv]",
      "Runs a saved model on the rows of a CSV file (its label column, if present, is\n"
      "ignored) and prints one CSV row per input row: for classification the predicted\n"
      "class and the probability of each class, for regression the predicted value.\n"
      "An image model also takes IDX images (NAME.idx or NAME-ubyte) of its size.");
  parser.add_positional("MODEL", "a model file written by soma train --save");
  parser.add_option("--data", "FILE.csv|IMAGES",
                    "rows to predict, with the training features, or IDX images");
  parser.add_option("--out", "FILE.csv", "write the predictions here instead of printing");
  return parser;
}

int run_predict(int argc, const char* const* argv, int first) {
  const std::optional<ParsedArguments> parsed =
      predict_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const auto source = arguments.value("--data");
  if (!source) throw UsageError("--data FILE.csv is required");
  const io::TrainedModel model = io::load_trained_model(arguments.positionals()[0]);
  const Tensor outputs = model.predict(rows_to_predict(*source, model));

  const int64_t rows = outputs.shape()[0];
  const int64_t columns = outputs.shape()[1];
  std::string csv;
  if (model.is_classification()) {
    csv += "predicted";
    for (const std::string& name : model.class_names) csv += "," + csv_field("p_" + name);
    csv += "\n";
    const bool one_output = columns == 1;  // P(second class) from a sigmoid
    for (int64_t i = 0; i < rows; ++i) {
      const float* row = outputs.data() + i * columns;
      std::vector<float> probabilities = one_output ? std::vector<float>{1.0f - row[0], row[0]}
                                                    : std::vector<float>(row, row + columns);
      size_t best = 0;
      for (size_t k = 1; k < probabilities.size(); ++k) {
        if (probabilities[k] > probabilities[best]) best = k;
      }
      csv += csv_field(model.class_names[best]);
      for (float p : probabilities) csv += "," + number_text(p);
      csv += "\n";
    }
  } else {
    for (int64_t j = 0; j < columns; ++j) {
      csv += (j > 0 ? "," : "") +
             (columns == 1 ? csv_field(model.label_name) : "prediction_" + std::to_string(j + 1));
    }
    csv += "\n";
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < columns; ++j) {
        csv += (j > 0 ? "," : "") + number_text(outputs.data()[i * columns + j]);
      }
      csv += "\n";
    }
  }
  if (auto out = arguments.value("--out")) {
    write_file_atomically(*out, csv);
  } else {
    std::fputs(csv.c_str(), stdout);
  }
  return exit_ok;
}

}  // namespace soma::cli
