// number_text: printf's "%.*g" of a float, with -0 written as 0.
#include "soma/core/number_text.hpp"

#include <cstdio>

namespace soma {

std::string number_text(float value, int significant_digits) {
  // -0 (a product with a negative zero, a ReLU's gradient) reads as 0: the sign of a zero
  // says nothing to a reader and looks like a mistake.
  if (value == 0.0f) value = 0.0f;
  char text[48];
  std::snprintf(text, sizeof text, "%.*g", significant_digits, static_cast<double>(value));
  return text;
}

}  // namespace soma
