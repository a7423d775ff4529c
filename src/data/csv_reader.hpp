// The text side of soma's CSV loader (data/csv.cpp): records of fields, the header row,
// cells as numbers, and the parts its error messages are made of. Private to src/data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soma::data::detail {

// "FILE:LINE: " and "FILE:LINE:COLUMN: ", the start of a message.
std::string location(const std::string& file, int64_t line);
std::string location(const std::string& file, int64_t line, size_t column);

// A cell as a message shows it: quoted, on one line (a quoted field may hold a line break),
// and cut short so that one bad cell cannot flood the terminal.
std::string quoted(std::string_view text);

// "a, b, c", or the first `limit` and a count of the rest, for lists of columns and classes.
std::string join_names(const std::vector<std::string>& names, size_t limit = 20);

struct Record {
  int64_t line = 0;  // the line the record starts on
  std::vector<std::string> fields;
};

// Splits text into records of fields. Fields are returned without their quotes and without
// the spaces around them; a quoted field keeps everything between its quotes.
class RecordReader {
 public:
  RecordReader(std::string_view text, const std::string& file, char delimiter);

  // The next record that is not a blank line; false at the end of the text.
  bool next(Record& record);

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

  std::string read_plain();
  // From the opening quote to the closing one, then up to the delimiter or line end.
  std::string read_quoted(size_t column);

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

// The first record, as column names: none empty, none twice.
Header read_header(RecordReader& reader, const std::string& file);

// `text` without the spaces and tabs around it.
std::string_view trim(std::string_view text);

enum class CellStatus { ok, missing, not_a_number, out_of_range };

// A whole cell as a finite number: from_chars takes any decimal or exponent form; a leading
// '+' is allowed as well; nan and inf are refused.
CellStatus parse_double(std::string_view cell, double& value);
// The same, also out_of_range past the largest float.
CellStatus parse_float(std::string_view cell, float& value);

// Throws the message for a cell of column `name` that is not ok.
[[noreturn]] void fail_cell(CellStatus status, const std::string& file, int64_t line, size_t column,
                            std::string_view cell, const std::string& name);

// The label as an integer when it is a number with an integral value that a double holds
// exactly ("3", "03", "3.0", "-1", "1e2").
std::optional<int64_t> as_integer(std::string_view text);

}  // namespace soma::data::detail
