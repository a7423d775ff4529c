// Reading numbers and classifying bytes in the text of expressions and --at lists: shared by
// the parser and parse_assignments, so that both read a number and show a byte alike.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

namespace soma::expr {

enum class NumberText { valid, invalid, too_large };

// Reads the whole of `text` as a float32 ("2.5", "-1e-3", "inf"), rounded once from the
// decimal. A finite number beyond float32's range (1e40) is too_large and leaves `value`
// as it was; one below it rounds to 0 or a subnormal, as float32 arithmetic would.
inline NumberText read_float32(const std::string& text, float& value) {
  if (text.empty()) return NumberText::invalid;
  char* end = nullptr;
  errno = 0;
  const float parsed = std::strtof(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return NumberText::invalid;  // also at a NUL byte
  if (std::isinf(parsed) && errno == ERANGE) return NumberText::too_large;
  value = parsed;
  return NumberText::valid;
}

// The second to fourth bytes of a UTF-8 character: a terminal shows them in no column.
inline bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A byte that would not print as one column (a newline, a NUL, DEL).
inline bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
}

// `text` with its control characters but tabs shown as spaces: one line, in the same columns.
inline std::string one_line(std::string_view text) {
  std::string shown(text);
  for (char& c : shown) {
    if (is_control(c) && c != '\t') c = ' ';
  }
  return shown;
}

}  // namespace soma::expr
