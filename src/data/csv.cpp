// The CSV loader: label-column lookup, the rows as features and labels, task detection,
// the sorted class mapping, and the columns a trained model expects. The text itself is
// read by data/csv_reader.
#include "soma/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "data/csv_reader.hpp"
#include "soma/core/error.hpp"
#include "soma/core/read_file.hpp"

namespace soma::data {

namespace {

using detail::as_integer;
using detail::CellStatus;
using detail::fail_cell;
using detail::Header;
using detail::join_names;
using detail::location;
using detail::parse_double;
using detail::parse_float;
using detail::quoted;
using detail::read_header;
using detail::Record;
using detail::RecordReader;
using detail::trim;

std::string count_of_fields(size_t count) {
  return std::to_string(count) + (count == 1 ? " field" : " fields");
}

size_t find_label_column(const std::string& wanted, const Header& header, const std::string& file) {
  const auto& names = header.names;
  if (wanted.empty()) return names.size() - 1;
  const auto by_name = std::find(names.begin(), names.end(), wanted);
  if (by_name != names.end()) return static_cast<size_t>(by_name - names.begin());
  int64_t index = 0;
  const char* end = wanted.data() + wanted.size();
  const auto [stop, error] = std::from_chars(wanted.data(), end, index);
  if (error == std::errc() && stop == end) {
    const auto count = static_cast<int64_t>(names.size());
    if (index < -count || index >= count) {
      throw Error(file + ": label column " + wanted + " is out of range: the header has " +
                  std::to_string(count) + " columns (0 to " + std::to_string(count - 1) + ", or -" +
                  std::to_string(count) + " to -1 from the end)");
    }
    return static_cast<size_t>(index < 0 ? index + count : index);
  }
  throw Error(file + ": no column " + quoted(wanted) + " (columns: " + join_names(names) + ")");
}

// ---------------------------------------------------------------- rows

// What each column of the file becomes: the feature at that index, the label, or nothing.
constexpr int64_t label_role = -1;
constexpr int64_t skipped_role = -2;

struct Rows {
  int64_t count = 0;
  std::vector<float> features;  // (count x feature_count), row-major
  std::vector<std::string> labels;
  std::vector<int64_t> label_lines;
};

Rows read_rows(RecordReader& reader, const Header& header, const std::vector<int64_t>& roles,
               size_t feature_count, const std::string& file) {
  Rows rows;
  Record record;
  std::vector<float> row(feature_count);
  while (reader.next(record)) {
    if (record.fields.size() != header.names.size()) {
      throw Error(location(file, record.line) + count_of_fields(record.fields.size()) +
                  ", the header has " + std::to_string(header.names.size()));
    }
    for (size_t column = 0; column < record.fields.size(); ++column) {
      const std::string& cell = record.fields[column];
      const int64_t role = roles[column];
      if (role >= 0) {
        const CellStatus status = parse_float(cell, row[static_cast<size_t>(role)]);
        if (status != CellStatus::ok) {
          fail_cell(status, file, record.line, column + 1, cell, header.names[column]);
        }
      } else if (role == label_role) {
        const std::string_view label = trim(cell);
        if (label.empty()) {
          fail_cell(CellStatus::missing, file, record.line, column + 1, cell, header.names[column]);
        }
        rows.labels.emplace_back(label);
        rows.label_lines.push_back(record.line);
      }
    }
    rows.features.insert(rows.features.end(), row.begin(), row.end());
    ++rows.count;
  }
  if (rows.count == 0) throw Error(file + ": no data rows");
  return rows;
}

// ---------------------------------------------------------------- labels

struct LabelColumn {
  const Rows& rows;
  const std::string& file;
  size_t column;  // 1-based, for messages
  const std::string& name;
};

Tensor regression_targets(const LabelColumn& labels) {
  const auto count = static_cast<int64_t>(labels.rows.labels.size());
  Tensor targets = Tensor::empty(Shape{count, 1});
  float* values = targets.data();
  for (size_t i = 0; i < labels.rows.labels.size(); ++i) {
    const std::string& text = labels.rows.labels[i];
    const CellStatus status = parse_float(text, values[i]);
    if (status != CellStatus::ok) {
      fail_cell(status, labels.file, labels.rows.label_lines[i], labels.column, text, labels.name);
    }
  }
  return targets;
}

template <typename Value>
std::vector<Value> sorted_distinct(std::vector<Value> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Class indices (samples): each value's place among `distinct`, sorted, which holds it.
template <typename Value>
Tensor places_among(const std::vector<Value>& values, const std::vector<Value>& distinct) {
  Tensor targets = Tensor::empty(Shape{static_cast<int64_t>(values.size())});
  float* indices = targets.data();
  for (size_t i = 0; i < values.size(); ++i) {
    const auto found = std::lower_bound(distinct.begin(), distinct.end(), values[i]);
    indices[i] = static_cast<float>(found - distinct.begin());
  }
  return targets;
}

// Class indices in the numeric order of the distinct integers.
Tensor integer_classes(const std::vector<int64_t>& integers, std::vector<std::string>& names) {
  const std::vector<int64_t> distinct = sorted_distinct(integers);
  names.clear();
  for (const int64_t value : distinct) names.push_back(std::to_string(value));
  return places_among(integers, distinct);
}

// Class indices in the byte order of the distinct label texts.
Tensor text_classes(const std::vector<std::string>& texts, std::vector<std::string>& names) {
  names = sorted_distinct(texts);
  return places_among(texts, names);
}

// The automatic rule; see CsvOptions::task.
Task detect_task(const LabelColumn& labels, bool all_integers,
                 const std::vector<int64_t>& integers) {
  const size_t count = labels.rows.labels.size();
  if (all_integers) {
    const std::vector<int64_t> distinct = sorted_distinct(integers);
    const auto classes = static_cast<int64_t>(distinct.size());
    const bool zero_to_k = distinct.front() == 0 && distinct.back() == classes - 1;
    const bool few = classes <= 100 && (2 * distinct.size() < count || zero_to_k);
    return few ? Task::classification : Task::regression;
  }
  std::optional<size_t> first_text;
  bool has_fraction = false;
  for (size_t i = 0; i < count; ++i) {
    double value = 0.0;
    if (parse_double(labels.rows.labels[i], value) != CellStatus::ok) {
      if (!first_text) first_text = i;
    } else if (value != std::floor(value)) {
      has_fraction = true;
    }
  }
  if (!first_text) return Task::regression;
  // Real numbers mixed with text are more likely a regression target with a bad cell than
  // class names; guessing classes would silently make one class per distinct value.
  if (has_fraction) {
    const size_t i = *first_text;
    throw Error(location(labels.file, labels.rows.label_lines[i], labels.column) +
                quoted(labels.rows.labels[i]) + " is not a number (column " + quoted(labels.name) +
                "), but other labels are real numbers, so this looks like regression; fix the "
                "cell, or ask for classification to read every label as a class name");
  }
  return Task::classification;
}

void set_targets(CsvData& data, const LabelColumn& labels, Task task) {
  std::vector<int64_t> integers;
  integers.reserve(labels.rows.labels.size());
  bool all_integers = true;
  for (const std::string& text : labels.rows.labels) {
    const std::optional<int64_t> value = as_integer(text);
    if (!value) {
      all_integers = false;
      break;
    }
    integers.push_back(*value);
  }
  if (task == Task::automatic) task = detect_task(labels, all_integers, integers);
  if (task == Task::regression) {
    data.dataset.targets = regression_targets(labels);
    data.dataset.classes = 0;
    data.class_names.clear();
    return;
  }
  data.dataset.targets = all_integers ? integer_classes(integers, data.class_names)
                                      : text_classes(labels.rows.labels, data.class_names);
  data.dataset.classes = static_cast<int64_t>(data.class_names.size());
}

// ---------------------------------------------------------------- files for a model

// Roles that put each expected feature at its index, whatever the file's column order.
std::vector<int64_t> match_columns(const Header& header, const std::vector<std::string>& expected,
                                   const std::string& label_name, bool label_required,
                                   const std::string& file) {
  if (expected.empty()) throw Error(file + ": no feature names to read");
  std::unordered_map<std::string, int64_t> slot_of;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!slot_of.emplace(expected[i], static_cast<int64_t>(i)).second) {
      throw Error(file + ": the expected feature names repeat " + quoted(expected[i]));
    }
  }
  std::vector<int64_t> roles(header.names.size(), skipped_role);
  std::vector<bool> found(expected.size(), false);
  bool has_label = false;
  for (size_t column = 0; column < header.names.size(); ++column) {
    const std::string& name = header.names[column];
    const auto slot = slot_of.find(name);
    if (slot != slot_of.end()) {
      roles[column] = slot->second;
      found[static_cast<size_t>(slot->second)] = true;
    } else if (!label_name.empty() && name == label_name) {
      roles[column] = label_required ? label_role : skipped_role;
      has_label = true;
    } else {
      throw Error(location(file, header.line, column + 1) + "column " + quoted(name) +
                  " is neither one of the model's features (" + join_names(expected) + ")" +
                  (label_name.empty() ? "" : " nor its label " + quoted(label_name)));
    }
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!found[i]) {
      throw Error(file + ": no column " + quoted(expected[i]) +
                  ", which the model needs (columns: " + join_names(header.names) + ")");
    }
  }
  if (label_required && !has_label) {
    throw Error(file + ": no label column " + quoted(label_name) +
                " (columns: " + join_names(header.names) + ")");
  }
  return roles;
}

Tensor features_tensor(const Rows& rows, size_t feature_count) {
  return from_values(Shape{rows.count, static_cast<int64_t>(feature_count)}, rows.features);
}

}  // namespace

Task parse_task(std::string_view name) {
  if (name == "auto" || name == "automatic") return Task::automatic;
  if (name == "classification") return Task::classification;
  if (name == "regression") return Task::regression;
  throw Error("unknown task '" + std::string(name) + "' (valid: auto, classification, regression)");
}

CsvData parse_csv(std::string_view text, const std::string& name_for_errors,
                  const CsvOptions& options) {
  const std::string& file = name_for_errors;
  RecordReader reader(text, file, options.delimiter);
  const Header header = read_header(reader, file);
  if (header.names.size() < 2) {
    throw Error(file + ": needs a label column and at least one feature column, but the " +
                "header has only " + quoted(header.names[0]));
  }
  const size_t label_column = find_label_column(options.label_column, header, file);

  CsvData data;
  data.label_name = header.names[label_column];
  std::vector<int64_t> roles(header.names.size(), label_role);
  for (size_t column = 0; column < header.names.size(); ++column) {
    if (column == label_column) continue;
    roles[column] = static_cast<int64_t>(data.dataset.feature_names.size());
    data.dataset.feature_names.push_back(header.names[column]);
  }
  const size_t feature_count = data.dataset.feature_names.size();
  const Rows rows = read_rows(reader, header, roles, feature_count, file);
  data.dataset.features = features_tensor(rows, feature_count);
  set_targets(data, LabelColumn{rows, file, label_column + 1, data.label_name}, options.task);
  return data;
}

CsvData load_csv(const std::string& path, const CsvOptions& options) {
  return parse_csv(read_file(path), path, options);
}

Tensor parse_csv_features(std::string_view text, const std::string& name_for_errors,
                          const std::vector<std::string>& expected_feature_names,
                          const std::string& label_column_to_ignore_if_present, char delimiter) {
  const std::string& file = name_for_errors;
  RecordReader reader(text, file, delimiter);
  const Header header = read_header(reader, file);
  const std::vector<int64_t> roles =
      match_columns(header, expected_feature_names, label_column_to_ignore_if_present, false, file);
  const Rows rows = read_rows(reader, header, roles, expected_feature_names.size(), file);
  return features_tensor(rows, expected_feature_names.size());
}

Tensor load_csv_features(const std::string& path,
                         const std::vector<std::string>& expected_feature_names,
                         const std::string& label_column_to_ignore_if_present, char delimiter) {
  return parse_csv_features(read_file(path), path, expected_feature_names,
                            label_column_to_ignore_if_present, delimiter);
}

Dataset parse_csv_with_schema(std::string_view text, const std::string& name_for_errors,
                              const CsvSchema& schema, char delimiter) {
  const std::string& file = name_for_errors;
  if (schema.label_name.empty()) throw Error(file + ": no label column named to read");
  RecordReader reader(text, file, delimiter);
  const Header header = read_header(reader, file);
  const std::vector<int64_t> roles =
      match_columns(header, schema.feature_names, schema.label_name, true, file);
  const Rows rows = read_rows(reader, header, roles, schema.feature_names.size(), file);

  Dataset dataset;
  dataset.features = features_tensor(rows, schema.feature_names.size());
  dataset.feature_names = schema.feature_names;
  if (schema.class_names.empty()) {
    const size_t column =
        static_cast<size_t>(std::find(roles.begin(), roles.end(), label_role) - roles.begin());
    dataset.targets = regression_targets(LabelColumn{rows, file, column + 1, schema.label_name});
  } else {
    dataset.targets = encode_labels(rows.labels, schema.class_names, file, rows.label_lines);
    dataset.classes = static_cast<int64_t>(schema.class_names.size());
  }
  return dataset;
}

Dataset load_csv_with_schema(const std::string& path, const CsvSchema& schema, char delimiter) {
  return parse_csv_with_schema(read_file(path), path, schema, delimiter);
}

Tensor encode_labels(const std::vector<std::string>& label_texts,
                     const std::vector<std::string>& class_names,
                     const std::string& name_for_errors, std::span<const int64_t> lines) {
  if (!lines.empty() && lines.size() != label_texts.size()) {
    throw Error("encode_labels: " + std::to_string(lines.size()) + " line numbers for " +
                std::to_string(label_texts.size()) + " labels");
  }
  if (class_names.empty()) throw Error(name_for_errors + ": no class names to map labels to");
  std::unordered_map<std::string_view, int64_t> index_of;
  for (size_t i = 0; i < class_names.size(); ++i) {
    index_of.emplace(class_names[i], static_cast<int64_t>(i));
  }
  Tensor targets = Tensor::empty(Shape{static_cast<int64_t>(label_texts.size())});
  float* indices = targets.data();
  for (size_t i = 0; i < label_texts.size(); ++i) {
    const std::string_view text = trim(label_texts[i]);
    auto found = index_of.find(text);
    if (found == index_of.end()) {
      if (const std::optional<int64_t> integer = as_integer(text)) {
        found = index_of.find(std::to_string(*integer));
      }
    }
    if (found == index_of.end()) {
      const std::string where = lines.empty()
                                    ? name_for_errors + ": sample " + std::to_string(i + 1) + ": "
                                    : location(name_for_errors, lines[i]);
      throw Error(where + "label " + quoted(text) +
                  " was not seen in training (known: " + join_names(class_names) + ")");
    }
    indices[i] = static_cast<float>(found->second);
  }
  return targets;
}

}  // namespace soma::data
