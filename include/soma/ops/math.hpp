// Element-wise mathematical functions. Like NumPy they follow IEEE arithmetic (log(0) is
// -inf, sqrt(-1) is nan); callers that must reject such inputs check them.
#pragma once

#include "soma/tensor/tensor.hpp"

namespace soma {

Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);  // its derivative at 0 is taken as 0
// x ** exponent for a constant exponent.
Tensor pow(const Tensor& x, float exponent);
Tensor square(const Tensor& x);  // x ** 2, the common case, without calling pow

}  // namespace soma
