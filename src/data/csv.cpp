// The CSV loader: a record reader (quotes, CRLF, blank lines, line numbers for errors),
// cell parsing, label-column lookup, task detection and the sorted class mapping.
#include "soma/data/csv.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "soma/core/error.hpp"
#include "soma/core/read_file.hpp"

namespace soma::data {

namespace {

// ---------------------------------------------------------------- messages

std::string location(const std::string& file, int64_t line) {
  return file + ":" + std::to_string(line) + ": ";
}

std::string location(const std::string& file, int64_t line, size_t column) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// A cell as a message shows it: quoted, on one line (a quoted field may hold a line break),
// and cut short so that one bad cell cannot flood the terminal.
std::string quoted(std::string_view text) {
  constexpr size_t longest = 40;
  if (text.size() <= longest) return quoted_for_message(text);
  return "'" + printable_for_message(text.substr(0, longest - 3)) + "...'";
}

// "a, b, c", or the first `limit` and a count of the rest, for lists of columns and classes.
std::string join_names(const std::vector<std::string>& names, size_t limit = 20) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < limit; ++i) {
    text += (i == 0 ? "" : ", ") + printable_for_message(names[i]);
  }
  if (names.size() > limit) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

std::string count_of_fields(size_t count) {
  return std::to_string(count) + (count == 1 ? " field" : " fields");
}

// ---------------------------------------------------------------- records

struct Record {
  int64_t line = 0;  // the line the record starts on
  std::vector<std::string> fields;
};

// Splits text into records of fields. Fields are returned without their quotes and without
// the spaces around them; a quoted field keeps everything between its quotes.
class RecordReader {
 public:
  RecordReader(std::string_view text, const std::string& file, char delimiter)
      : text_(text), file_(file), delimiter_(delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0') {
      throw Error(file + ": the delimiter cannot be a quote, a line break or a NUL character");
    }
    if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;  // a UTF-8 byte order mark
  }

  // The next record that is not a blank line; false at the end of the text.
  bool next(Record& record) {
    while (!at_end()) {
      record.line = line_;
      record.fields.clear();
      bool any_quoted = false;
      while (true) {
        const size_t column = record.fields.size() + 1;
        skip_spaces();
        if (!at_end() && text_[position_] == '"') {
          record.fields.push_back(read_quoted(column));
          any_quoted = true;
        } else {
          record.fields.push_back(read_plain());
        }
        if (at_end()) break;
        if (text_[position_] == delimiter_) {
          ++position_;
          continue;
        }
        consume_line_end();
        break;
      }
      const bool blank = !any_quoted && record.fields.size() == 1 && record.fields[0].empty();
      if (!blank) return true;
    }
    return false;
  }

 private:
  bool at_end() const { return position_ >= text_.size(); }
  bool at_line_end() const { return text_[position_] == '\n' || text_[position_] == '\r'; }
  // A tab delimiter is not a space to skip.
  bool is_space(char c) const { return (c == ' ' || c == '\t') && c != delimiter_; }
  void skip_spaces() {
    while (!at_end() && is_space(text_[position_])) ++position_;
  }
  // LF, CRLF or a lone CR.
  void consume_line_end() {
    if (text_[position_] == '\r') ++position_;
    if (!at_end() && text_[position_] == '\n') ++position_;
    ++line_;
  }

  std::string read_plain() {
    const size_t start = position_;
    while (!at_end() && text_[position_] != delimiter_ && !at_line_end()) ++position_;
    size_t end = position_;
    while (end > start && is_space(text_[end - 1])) --end;
    return std::string(text_.substr(start, end - start));
  }

  // From the opening quote to the closing one, then up to the delimiter or line end.
  std::string read_quoted(size_t column) {
    const int64_t opening_line = line_;
    ++position_;
    std::string field;
    while (true) {
      if (at_end()) {
        throw Error(location(file_, opening_line, column) +
                    "unterminated quote (the file ends inside this quoted field)");
      }
      const char c = text_[position_];
      if (c == '"') {
        if (position_ + 1 < text_.size() && text_[position_ + 1] == '"') {
          field += '"';
          position_ += 2;
          continue;
        }
        ++position_;
        break;
      }
      if (c == '\n' || c == '\r') {
        consume_line_end();
        field += '\n';
        continue;
      }
      field += c;
      ++position_;
    }
    skip_spaces();
    if (!at_end() && text_[position_] != delimiter_ && !at_line_end()) {
      throw Error(location(file_, line_, column) + "unexpected " +
                  quoted(text_.substr(position_, 1)) +
                  " after a closing quote (write \"\" for a quote inside a quoted field)");
    }
    return field;
  }

  std::string_view text_;
  const std::string& file_;
  char delimiter_;
  size_t position_ = 0;
  int64_t line_ = 1;
};

struct Header {
  int64_t line = 0;
  std::vector<std::string> names;
};

Header read_header(RecordReader& reader, const std::string& file) {
  Record record;
  if (!reader.next(record)) throw Error(file + ": the file is empty (no header row, no data rows)");
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const std::string& name = record.fields[i];
    if (name.empty()) throw Error(location(file, record.line, i + 1) + "empty column name");
    const auto [entry, inserted] = seen.emplace(name, i);
    if (!inserted) {
      throw Error(location(file, record.line, i + 1) + "duplicate column name " + quoted(name) +
                  " (also column " + std::to_string(entry->second + 1) + ")");
    }
  }
  return Header{record.line, std::move(record.fields)};
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

// ---------------------------------------------------------------- cells

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

enum class CellStatus { ok, missing, not_a_number, out_of_range };

// A whole cell as a finite number: from_chars takes any decimal or exponent form; a leading
// '+' is allowed as well; nan and inf are refused.
CellStatus parse_double(std::string_view cell, double& value) {
  cell = trim(cell);
  if (cell.empty()) return CellStatus::missing;
  if (cell.front() == '+') {
    cell.remove_prefix(1);
    if (cell.empty() || cell.front() == '+' || cell.front() == '-') return CellStatus::not_a_number;
  }
  const char* end = cell.data() + cell.size();
  const auto [stop, error] = std::from_chars(cell.data(), end, value);
  if (stop != end) return CellStatus::not_a_number;
  if (error == std::errc::result_out_of_range) return CellStatus::out_of_range;
  if (error != std::errc() || !std::isfinite(value)) return CellStatus::not_a_number;
  return CellStatus::ok;
}

CellStatus parse_float(std::string_view cell, float& value) {
  double number = 0.0;
  const CellStatus status = parse_double(cell, number);
  if (status != CellStatus::ok) return status;
  if (std::fabs(number) > static_cast<double>(std::numeric_limits<float>::max())) {
    return CellStatus::out_of_range;
  }
  value = static_cast<float>(number);
  return CellStatus::ok;
}

[[noreturn]] void fail_cell(CellStatus status, const std::string& file, int64_t line, size_t column,
                            std::string_view cell, const std::string& name) {
  const std::string where = location(file, line, column);
  const std::string text = quoted(trim(cell));
  switch (status) {
    case CellStatus::missing:
      throw Error(where + "missing value in column " + quoted(name));
    case CellStatus::out_of_range:
      throw Error(where + text + " is out of range for a 32-bit float (column " + quoted(name) +
                  ")");
    case CellStatus::not_a_number:
    case CellStatus::ok:
      break;
  }
  throw Error(where + text + " is not a number (column " + quoted(name) + ")");
}

// The label as an integer when it is a number with an integral value that a double holds
// exactly ("3", "03", "3.0", "-1", "1e2").
std::optional<int64_t> as_integer(std::string_view text) {
  double value = 0.0;
  if (parse_double(text, value) != CellStatus::ok) return std::nullopt;
  constexpr double exact_limit = 9007199254740992.0;  // 2^53
  if (value != std::floor(value) || std::fabs(value) > exact_limit) return std::nullopt;
  return static_cast<int64_t>(value);
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

std::vector<int64_t> sorted_distinct(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Class indices in the numeric order of the distinct integers.
Tensor integer_classes(const std::vector<int64_t>& integers, std::vector<std::string>& names) {
  const std::vector<int64_t> distinct = sorted_distinct(integers);
  names.clear();
  for (const int64_t value : distinct) names.push_back(std::to_string(value));
  Tensor targets = Tensor::empty(Shape{static_cast<int64_t>(integers.size())});
  float* indices = targets.data();
  for (size_t i = 0; i < integers.size(); ++i) {
    const auto found = std::lower_bound(distinct.begin(), distinct.end(), integers[i]);
    indices[i] = static_cast<float>(found - distinct.begin());
  }
  return targets;
}

// Class indices in the byte order of the distinct label texts.
Tensor text_classes(const std::vector<std::string>& texts, std::vector<std::string>& names) {
  names = texts;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  Tensor targets = Tensor::empty(Shape{static_cast<int64_t>(texts.size())});
  float* indices = targets.data();
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto found = std::lower_bound(names.begin(), names.end(), texts[i]);
    indices[i] = static_cast<float>(found - names.begin());
  }
  return targets;
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
