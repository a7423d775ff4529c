// soma's exception type: every error a user can cause (bad shapes, bad indices, bad files)
// is thrown as soma::Error with a message that names the operation and what was wrong.
#pragma once

#include <stdexcept>
#include <string>

namespace soma {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
};

}  // namespace soma
