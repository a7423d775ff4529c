// number_text: printf's "%.*g" of a float.
#include "soma/core/number_text.hpp"

#include <cstdio>

namespace soma {

std::string number_text(float value, int significant_digits) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*g", significant_digits, static_cast<double>(value));
  return text;
}

}  // namespace soma
