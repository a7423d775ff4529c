// A float as the shortest text people read: what error messages quote and the tool prints.
#pragma once

#include <string>

namespace soma {

// `value` with six significant digits (or `significant_digits`), as printf's "%.6g" (and
// std::ostream by default) writes it: 0.1, 1e-08, 123457, inf, nan; -0 is "0".
std::string number_text(float value, int significant_digits = 6);

}  // namespace soma
