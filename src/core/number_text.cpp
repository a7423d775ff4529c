// number_text: printf's "%.6g" of a float.
#include "soma/core/number_text.hpp"

#include <cstdio>

namespace soma {

std::string number_text(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", static_cast<double>(value));
  return text;
}

}  // namespace soma
