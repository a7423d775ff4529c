// soma::Error, the one exception type soma throws for user errors, and the quoting its
// messages use.
#include "soma/core/error.hpp"

#include <cstdio>

namespace soma {

Error::Error(const std::string& message) : std::runtime_error(message) {}

std::string printable_for_message(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\x%02X", byte);
      out += escape;
    } else {
      out += c;
    }
  }
  return out;
}

std::string quoted_for_message(std::string_view text) {
  return "'" + printable_for_message(text) + "'";
}

}  // namespace soma
