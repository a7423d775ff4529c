// Initialisers: fill a weight tensor by the chosen scheme.
#include "soma/nn/init.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "soma/core/error.hpp"

namespace soma::nn {

namespace {

using Kind = Initializer::Kind;

constexpr std::array<std::pair<const char*, Kind>, 13> names = {{
    {"zeros", Kind::zeros},
    {"constant", Kind::constant},
    {"uniform", Kind::uniform},
    {"normal", Kind::normal},
    {"glorot_uniform", Kind::glorot_uniform},
    {"glorot_normal", Kind::glorot_normal},
    {"he_uniform", Kind::he_uniform},
    {"he_normal", Kind::he_normal},
    {"lecun_uniform", Kind::lecun_uniform},
    {"lecun_normal", Kind::lecun_normal},
    {"xavier_uniform", Kind::glorot_uniform},
    {"xavier_normal", Kind::glorot_normal},
    {"kaiming_normal", Kind::he_normal},
}};

std::string valid_names() {
  return "zeros, constant:V, uniform:LOW,HIGH, normal:MEAN,STDDEV, glorot_uniform, "
         "glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal";
}

float parse_number(std::string_view text, std::string_view whole) {
  const std::string copy(text);
  char* end = nullptr;
  const float value = std::strtof(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    throw Error("initializer '" + std::string(whole) + "': '" + copy + "' is not a number");
  }
  return value;
}

void fill_uniform(Tensor& weights, float low, float high, Generator& generator) {
  float* out = weights.data();
  for (int64_t i = 0; i < weights.numel(); ++i) out[i] = low + (high - low) * generator.uniform();
}

void fill_normal(Tensor& weights, float mean, float stddev, Generator& generator) {
  float* out = weights.data();
  for (int64_t i = 0; i < weights.numel(); ++i) out[i] = mean + stddev * generator.normal();
}

}  // namespace

Initializer Initializer::parse(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  const std::string_view arguments =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  const auto error = [text](const std::string& problem) {
    return Error("initializer '" + std::string(text) + "'" + problem);
  };
  for (const auto& [known, kind] : names) {
    if (name != known) continue;
    const bool takes_one = kind == Kind::constant;
    const bool takes_two = kind == Kind::uniform || kind == Kind::normal;
    if (!takes_one && !takes_two) {
      if (colon != std::string_view::npos) throw error(" takes no arguments");
      return {kind};
    }
    if (colon == std::string_view::npos) {
      throw error(std::string(" needs ") +
                  (takes_one ? "a value, e.g. constant:0.1"
                             : "two values, e.g. " + std::string(name) + ":0,0.1"));
    }
    const size_t comma = arguments.find(',');
    if (takes_one) {
      if (comma != std::string_view::npos) throw error(" takes one value");
      return {kind, parse_number(arguments, text)};
    }
    if (comma == std::string_view::npos) throw error(" needs two values separated by ','");
    Initializer result{kind, parse_number(arguments.substr(0, comma), text),
                       parse_number(arguments.substr(comma + 1), text)};
    if (kind == Kind::uniform && !(result.first <= result.second)) {
      throw error(": low must not exceed high");
    }
    if (kind == Kind::normal && result.second < 0.0f) {
      throw error(": the stddev must be non-negative");
    }
    return result;
  }
  throw Error("unknown initializer '" + std::string(text) + "' (valid: " + valid_names() + ")");
}

std::string Initializer::to_string() const {
  std::string name;
  for (const auto& [known, k] : names) {
    if (k == kind) {
      name = known;
      break;
    }
  }
  char values[64];
  switch (kind) {
    case Kind::constant:
      std::snprintf(values, sizeof values, ":%.9g", static_cast<double>(first));
      return name + values;
    case Kind::uniform:
    case Kind::normal:
      std::snprintf(values, sizeof values, ":%.9g,%.9g", static_cast<double>(first),
                    static_cast<double>(second));
      return name + values;
    default:
      return name;
  }
}

void initialize(Tensor& weights, const Initializer& initializer, int64_t fan_in, int64_t fan_out,
                Generator& generator) {
  const auto in = static_cast<double>(fan_in);
  const auto in_plus_out = static_cast<double>(fan_in + fan_out);
  auto limit = [](double variance_scale) { return static_cast<float>(std::sqrt(variance_scale)); };
  const bool kind_is_zeros = initializer.kind == Kind::zeros;
  switch (initializer.kind) {
    case Kind::zeros:
    case Kind::constant:
      std::fill_n(weights.data(), weights.numel(), kind_is_zeros ? 0.0f : initializer.first);
      return;
    case Kind::uniform:
      return fill_uniform(weights, initializer.first, initializer.second, generator);
    case Kind::normal:
      return fill_normal(weights, initializer.first, initializer.second, generator);
    case Kind::glorot_uniform:
      return fill_uniform(weights, -limit(6.0 / in_plus_out), limit(6.0 / in_plus_out), generator);
    case Kind::glorot_normal:
      return fill_normal(weights, 0.0f, limit(2.0 / in_plus_out), generator);
    case Kind::he_uniform:
      return fill_uniform(weights, -limit(6.0 / in), limit(6.0 / in), generator);
    case Kind::he_normal:
      return fill_normal(weights, 0.0f, limit(2.0 / in), generator);
    case Kind::lecun_uniform:
      return fill_uniform(weights, -limit(3.0 / in), limit(3.0 / in), generator);
    case Kind::lecun_normal:
      return fill_normal(weights, 0.0f, limit(1.0 / in), generator);
  }
}

}  // namespace soma::nn
