// check_gradients: backpropagation versus a five-point central difference.
#include "soma/autograd/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "soma/autograd/engine.hpp"
#include "soma/autograd/grad_mode.hpp"
#include "soma/core/error.hpp"

namespace soma {

namespace {

double evaluate(const ScalarFunction& f, const std::vector<Tensor>& inputs) {
  NoGradGuard no_grad;
  const Tensor value = f(inputs);
  return value.item();
}

}  // namespace

GradCheckReport check_gradients(const ScalarFunction& f, const std::vector<Tensor>& inputs,
                                const GradCheckOptions& options) {
  std::vector<Tensor> copies;
  for (const Tensor& input : inputs) {
    Tensor copy = input.clone();
    copy.set_requires_grad(true);
    copies.push_back(copy);
  }
  const Tensor output = f(copies);
  if (output.numel() != 1) {
    throw Error("check_gradients: the function must return one value, got shape " +
                output.shape().to_string());
  }
  if (output.requires_grad()) backward(output);

  GradCheckReport report;
  for (Tensor& x : copies) {
    InputGradCheck check;
    const Tensor analytic = x.grad();
    float* values = x.data();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float original = values[i];
      const float scale = std::exp2(std::ceil(std::log2(std::max(1.0f, std::fabs(original)))));
      const float h = options.step * scale;
      auto at = [&](float offset) {
        values[i] = original + offset;
        return evaluate(f, copies);
      };
      // f'(x) = (-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)) / 12h + O(h^4).
      const double numeric =
          (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12.0 * static_cast<double>(h));
      values[i] = original;
      const double exact = analytic.defined() ? analytic.data()[i] : 0.0;
      const double error = std::fabs(exact - numeric);
      const double magnitude = std::max(std::fabs(exact), std::fabs(numeric));
      const double relative = magnitude > 0.0 ? error / magnitude : 0.0;
      check.max_absolute_error = std::max(check.max_absolute_error, error);
      check.max_relative_error = std::max(check.max_relative_error, relative);
      const bool ok = std::isfinite(numeric) && std::isfinite(exact) &&
                      error <= options.absolute_tolerance + options.relative_tolerance * magnitude;
      if (!ok && check.passed) {
        check.passed = false;
        check.worst_index = i;
      }
    }
    report.passed = report.passed && check.passed;
    report.inputs.push_back(check);
  }
  return report;
}

std::string GradCheckReport::to_string() const {
  std::string text;
  for (size_t i = 0; i < inputs.size(); ++i) {
    char line[160];
    std::snprintf(line, sizeof line,
                  "input %zu: max absolute error %.3g, max relative error %.3g, %s", i,
                  inputs[i].max_absolute_error, inputs[i].max_relative_error,
                  inputs[i].passed ? "passed" : "FAILED");
    text += line;
    if (!inputs[i].passed)
      text += " (first failure at element " + std::to_string(inputs[i].worst_index) + ")";
    text += '\n';
  }
  return text;
}

}  // namespace soma
