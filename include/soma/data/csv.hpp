// Tabular data from CSV files with a header row: numeric feature columns and one label
// column, read as class indices (classification) or values (regression).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soma/data/dataset.hpp"

namespace soma::data {

// The format read: RFC 4180 fields separated by the delimiter, one record per line (LF or
// CRLF), the first record the header of unique column names. A field may be quoted ("a,b",
// with "" for a quote, line breaks allowed); spaces around fields are ignored. Blank lines
// are skipped and a UTF-8 byte order mark is dropped. Feature cells are finite numbers in
// any decimal or exponent form that fits a float; nan, inf and empty cells are errors.
//
// Every error is a soma::Error that starts "NAME:LINE:COLUMN: " (or "NAME:LINE: ", or
// "NAME: ") where NAME is the path (name_for_errors for text), LINE the 1-based line of
// the file and COLUMN the 1-based field number within the record.

enum class Task { automatic, classification, regression };
// "auto" or "automatic", "classification", "regression"; throws listing them otherwise.
Task parse_task(std::string_view name);

struct CsvOptions {
  // The label column: a header name, or a 0-based index as text ("0" the first column,
  // "-1" the last); a header name equal to the text wins over reading it as an index.
  // Empty: the last column.
  std::string label_column;
  // automatic: classification when every label is an integer and there are few distinct
  // ones (at most 100, and fewer than half the rows or exactly 0..k-1), or when some label
  // is not a number; regression when the labels are numbers otherwise.
  Task task = Task::automatic;
  char delimiter = ',';
};

struct CsvData {
  // feature_names are the header names of the other columns, in the file's order. For
  // classification the targets are (rows) class indices; for regression (rows x 1) values.
  Dataset dataset;
  // Class index -> label text, sorted so that the mapping is the same on every run: the
  // distinct integers in numeric order, as canonical text ("-1", "3", "10"), when every
  // label is an integer; otherwise the distinct label texts in byte order. Empty for
  // regression.
  std::vector<std::string> class_names;
  std::string label_name;  // the header name of the label column
};

CsvData load_csv(const std::string& path, const CsvOptions& options = {});
CsvData parse_csv(std::string_view text, const std::string& name_for_errors,
                  const CsvOptions& options = {});

// The features of a file for a trained model: (rows x expected_feature_names.size()), in
// the order of expected_feature_names, whatever the file's column order. The column
// label_column_to_ignore_if_present (a header name; empty for none) is skipped when the
// file has it; a missing feature or any other column is an error.
Tensor load_csv_features(const std::string& path,
                         const std::vector<std::string>& expected_feature_names,
                         const std::string& label_column_to_ignore_if_present,
                         char delimiter = ',');
Tensor parse_csv_features(std::string_view text, const std::string& name_for_errors,
                          const std::vector<std::string>& expected_feature_names,
                          const std::string& label_column_to_ignore_if_present,
                          char delimiter = ',');

// What a trained model expects of a labelled file: its features in order, its label column
// and the class names it was trained with (empty for regression).
struct CsvSchema {
  std::vector<std::string> feature_names;
  std::string label_name;
  std::vector<std::string> class_names;
};

// A labelled file read against a model, for evaluation: the features as in
// load_csv_features, the labels mapped through schema.class_names with encode_labels
// (classification) or read as values (regression, (rows x 1)).
Dataset load_csv_with_schema(const std::string& path, const CsvSchema& schema,
                             char delimiter = ',');
Dataset parse_csv_with_schema(std::string_view text, const std::string& name_for_errors,
                              const CsvSchema& schema, char delimiter = ',');

// Class indices (samples) of label texts under class names from training: a label maps to
// the class name equal to it, or else, when it is an integer in another spelling ("3.0",
// "03"), to the class named by its canonical text ("3"). An unknown label throws
// "NAME:LINE: label 'x' was not seen in training (known: a, b)"; `lines`, when given, holds
// each label's line in the file (without it the message names the sample, 1-based).
Tensor encode_labels(const std::vector<std::string>& label_texts,
                     const std::vector<std::string>& class_names,
                     const std::string& name_for_errors, std::span<const int64_t> lines = {});

}  // namespace soma::data
