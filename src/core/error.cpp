// soma::Error, the one exception type soma throws for user errors.
#include "soma/core/error.hpp"

namespace soma {

Error::Error(const std::string& message) : std::runtime_error(message) {}

}  // namespace soma
