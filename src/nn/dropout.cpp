// Dropout: a mask drawn per forward call in training mode, multiplied in with one mul node.
#include "soma/nn/dropout.hpp"

#include <charconv>
#include <cstdlib>
#include <istream>

#include "soma/core/error.hpp"
#include "soma/ops/arithmetic.hpp"

namespace soma::nn {

namespace {

// The shortest text that reads back as the same float: "0.2", not "0.200000003".
std::string shortest(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

float checked(float rate) {
  if (!(rate >= 0.0f && rate < 1.0f)) {  // NaN too
    throw Error("the dropout rate must be in [0, 1), got " + shortest(rate));
  }
  return rate;
}

std::string description(float rate) {
  return "Dropout(p=" + shortest(rate) + ")";
}

}  // namespace

Dropout::Dropout(float rate, uint64_t seed) : rate_(checked(rate)), generator_(seed) {}

Tensor Dropout::forward(const Tensor& input) {
  if (!is_training() || rate_ == 0.0f) return input;
  Tensor mask = Tensor::empty(input.shape());  // 0 (probability rate) or 1 / (1 - rate)
  const float kept = 1.0f / (1.0f - rate_);
  float* values = mask.data();
  for (int64_t i = 0; i < mask.numel(); ++i) {
    values[i] = generator_.uniform() < rate_ ? 0.0f : kept;
  }
  return mul(input, mask);
}

std::string Dropout::describe() const {
  return description(rate_);
}

std::string Dropout::architecture() const {
  return "dropout " + shortest(rate_);
}

LayerSpec Dropout::spec(float rate) {
  return {.description = description(checked(rate)),
          .role = LayerRole::dropout,
          .label = "p=" + shortest(rate),
          .build = [=](const LayerBuild& build) {
            return std::make_shared<Dropout>(rate, build.seeds.next_u64());
          }};
}

LayerSpec Dropout::read(std::istream& words) {
  std::string text;
  if (!(words >> text)) throw Error("expected 'dropout RATE'");
  char* end = nullptr;
  const float rate = std::strtof(text.c_str(), &end);
  if (end != text.c_str() + text.size()) throw Error("bad rate " + quoted_for_message(text));
  return spec(rate);
}

}  // namespace soma::nn
