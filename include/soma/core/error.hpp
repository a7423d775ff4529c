// soma's exception type: every error a user can cause (bad shapes, bad indices, bad files)
// is thrown as soma::Error with a message that names the operation and what was wrong.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace soma {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
};

// `text` for an error message, with each control character (a line break included) written
// as \xNN, so that a message quoting any input stays on one line; and the same in quotes.
std::string printable_for_message(std::string_view text);
std::string quoted_for_message(std::string_view text);

}  // namespace soma
