// The CSV record reader (quotes, CRLF, blank lines, line numbers for errors), the header
// row, cell parsing, and the message parts of every CSV error.
#include "data/csv_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "soma/core/error.hpp"

namespace soma::data::detail {

std::string location(const std::string& file, int64_t line) {
  return file + ":" + std::to_string(line) + ": ";
}

std::string location(const std::string& file, int64_t line, size_t column) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

std::string quoted(std::string_view text) {
  constexpr size_t longest = 40;
  if (text.size() <= longest) return quoted_for_message(text);
  return "'" + printable_for_message(text.substr(0, longest - 3)) + "...'";
}

std::string join_names(const std::vector<std::string>& names, size_t limit) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < limit; ++i) {
    text += (i == 0 ? "" : ", ") + printable_for_message(names[i]);
  }
  if (names.size() > limit) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

RecordReader::RecordReader(std::string_view text, const std::string& file, char delimiter)
    : text_(text), file_(file), delimiter_(delimiter) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0') {
    throw Error(file + ": the delimiter cannot be a quote, a line break or a NUL character");
  }
  if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;  // a UTF-8 byte order mark
}

bool RecordReader::next(Record& record) {
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

std::string RecordReader::read_plain() {
  const size_t start = position_;
  while (!at_end() && text_[position_] != delimiter_ && !at_line_end()) ++position_;
  size_t end = position_;
  while (end > start && is_space(text_[end - 1])) --end;
  return std::string(text_.substr(start, end - start));
}

std::string RecordReader::read_quoted(size_t column) {
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

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

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

void fail_cell(CellStatus status, const std::string& file, int64_t line, size_t column,
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

std::optional<int64_t> as_integer(std::string_view text) {
  double value = 0.0;
  if (parse_double(text, value) != CellStatus::ok) return std::nullopt;
  constexpr double exact_limit = 9007199254740992.0;  // 2^53
  if (value != std::floor(value) || std::fabs(value) > exact_limit) return std::nullopt;
  return static_cast<int64_t>(value);
}

}  // namespace soma::data::detail
