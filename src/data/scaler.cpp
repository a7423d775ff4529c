// Scaler: per-column statistics (in double), the transform, and its text form.
#include "soma/data/scaler.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "soma/core/error.hpp"

namespace soma::data {

namespace {

constexpr const char* valid_kinds = "none, standard, minmax";

// The name of the statistic stored as the offset in the text form.
const char* offset_key(ScalingKind kind) {
  return kind == ScalingKind::standard ? "mean" : "min";
}

std::string format_values(const std::vector<float>& values) {
  std::string text;
  char buffer[32];
  for (const float value : values) {
    // %.9g: nine significant digits identify every float exactly.
    std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
    text += ' ';
    text += buffer;
  }
  return text;
}

[[noreturn]] void fail_text(size_t line, const std::string& message) {
  throw Error("scaler text: line " + std::to_string(line) + ": " + message);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < line.size()) {
    while (start < line.size() && line[start] == ' ') ++start;
    size_t end = start;
    while (end < line.size() && line[end] != ' ') ++end;
    if (end > start) words.push_back(line.substr(start, end - start));
    start = end;
  }
  return words;
}

// "KEY v1 v2 ..." on line `number` (1-based); every value finite.
std::vector<float> read_values(std::string_view line, size_t number, const char* key) {
  const std::vector<std::string_view> words = split_words(line);
  if (words.empty() || words[0] != key) {
    fail_text(number, std::string("expected '") + key + "' followed by numbers, got '" +
                          std::string(line) + "'");
  }
  if (words.size() == 1) fail_text(number, std::string("no values after '") + key + "'");
  std::vector<float> values;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string_view word = words[i];
    float value = 0.0f;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc() || end != word.data() + word.size() || !std::isfinite(value)) {
      fail_text(number, "'" + std::string(word) + "' is not a finite number");
    }
    values.push_back(value);
  }
  return values;
}

}  // namespace

ScalingKind parse_scaling(std::string_view name) {
  if (name == "none") return ScalingKind::none;
  if (name == "standard") return ScalingKind::standard;
  if (name == "minmax") return ScalingKind::minmax;
  throw Error("unknown scaling '" + std::string(name) + "' (valid: " + valid_kinds + ")");
}

// A switch, as train::loss_name's: the compiler then checks that every kind has a name.
std::string_view scaling_name(ScalingKind kind) {
  switch (kind) {
    case ScalingKind::none:
      return "none";
    case ScalingKind::standard:
      return "standard";
    case ScalingKind::minmax:
      return "minmax";
  }
  return "?";
}

Scaler Scaler::fit(ScalingKind kind, const Tensor& features) {
  if (!features.defined() || features.rank() != 2 || features.shape()[0] == 0) {
    throw Error("scaler: needs (samples x features) with at least one sample, got " +
                (features.defined() ? features.shape().to_string() : std::string("nothing")));
  }
  const int64_t samples = features.shape()[0];
  const int64_t columns = features.shape()[1];
  const float* x = features.data();
  for (int64_t i = 0; i < samples * columns; ++i) {
    if (!std::isfinite(x[i])) {
      throw Error("scaler: the features hold a non-finite value at (" +
                  std::to_string(i / columns) + ", " + std::to_string(i % columns) + ")");
    }
  }
  Scaler scaler;
  scaler.kind_ = kind;
  scaler.features_ = columns;
  if (kind == ScalingKind::none) return scaler;

  scaler.offset_.resize(static_cast<size_t>(columns));
  scaler.scale_.resize(static_cast<size_t>(columns));
  const auto count = static_cast<double>(samples);
  for (int64_t j = 0; j < columns; ++j) {
    double sum = 0.0;
    float low = x[j];
    float high = x[j];
    for (int64_t i = 0; i < samples; ++i) {
      const float value = x[i * columns + j];
      sum += value;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    const bool constant = low == high;  // exact, unlike a variance computed as 0
    double offset = 0.0;
    double scale = 1.0;
    if (kind == ScalingKind::standard) {
      offset = sum / count;
      double squares = 0.0;  // two passes: no cancellation as in E[x^2] - E[x]^2
      for (int64_t i = 0; i < samples; ++i) {
        const double difference = x[i * columns + j] - offset;
        squares += difference * difference;
      }
      if (!constant) scale = std::sqrt(squares / count);
    } else {
      offset = low;
      if (!constant) scale = static_cast<double>(high) - static_cast<double>(low);
    }
    const auto column = static_cast<size_t>(j);
    scaler.offset_[column] = static_cast<float>(offset);
    // A spread too small for a float still divides by something positive.
    scaler.scale_[column] = std::max(static_cast<float>(scale), std::numeric_limits<float>::min());
  }
  return scaler;
}

Tensor Scaler::transform(const Tensor& features) const {
  if (!features.defined() || features.rank() != 2) {
    throw Error("scaler: needs (samples x features), got " +
                (features.defined() ? features.shape().to_string() : std::string("nothing")));
  }
  const int64_t samples = features.shape()[0];
  const int64_t columns = features.shape()[1];
  if (features_ >= 0 && columns != features_) {
    throw Error("scaler: fitted on " + std::to_string(features_) + " features, given " +
                std::to_string(columns));
  }
  if (kind_ == ScalingKind::none) return features.detach().clone();
  Tensor out = Tensor::empty(features.shape());
  const float* x = features.data();
  float* y = out.data();
  for (int64_t i = 0; i < samples; ++i) {
    for (int64_t j = 0; j < columns; ++j) {
      const auto column = static_cast<size_t>(j);
      y[i * columns + j] = (x[i * columns + j] - offset_[column]) / scale_[column];
    }
  }
  return out;
}

std::string Scaler::to_text() const {
  std::string text(scaling_name(kind_));
  text += '\n';
  if (kind_ == ScalingKind::none) {
    if (features_ >= 0) text += "features " + std::to_string(features_) + "\n";
    return text;
  }
  text += offset_key(kind_) + format_values(offset_) + "\n";
  text += "scale" + format_values(scale_) + "\n";
  return text;
}

Scaler Scaler::from_text(std::string_view text) {
  std::vector<std::string_view> lines = split_lines(text);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty()) throw Error("scaler text: empty");
  ScalingKind kind = ScalingKind::none;
  try {
    kind = parse_scaling(lines[0]);
  } catch (const Error&) {
    fail_text(1, "unknown scaling '" + std::string(lines[0]) + "' (valid: " + valid_kinds + ")");
  }
  Scaler scaler;
  scaler.kind_ = kind;
  size_t expected_lines = 3;
  if (kind == ScalingKind::none) {
    expected_lines = 1;
    if (lines.size() >= 2) {
      expected_lines = 2;
      const std::vector<std::string_view> words = split_words(lines[1]);
      int64_t count = 0;
      const std::string_view value = words.size() == 2 ? words[1] : std::string_view();
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), count);
      if (words.size() != 2 || words[0] != "features" || error != std::errc() ||
          end != value.data() + value.size() || count < 1) {
        fail_text(2,
                  "expected 'features' and a positive count, got '" + std::string(lines[1]) + "'");
      }
      scaler.features_ = count;
    }
  } else {
    if (lines.size() < 3) {
      fail_text(lines.size() + 1, std::string("missing the '") +
                                      (lines.size() < 2 ? offset_key(kind) : "scale") + "' line");
    }
    scaler.offset_ = read_values(lines[1], 2, offset_key(kind));
    scaler.scale_ = read_values(lines[2], 3, "scale");
    if (scaler.scale_.size() != scaler.offset_.size()) {
      fail_text(3, std::to_string(scaler.scale_.size()) + " scale values for " +
                       std::to_string(scaler.offset_.size()) + " " + offset_key(kind) + " values");
    }
    for (const float scale : scaler.scale_) {
      if (!(scale > 0.0f))
        fail_text(3, "scale " + format_values({scale}).substr(1) + " is not positive");
    }
    scaler.features_ = static_cast<int64_t>(scaler.offset_.size());
  }
  if (lines.size() > expected_lines) {
    fail_text(expected_lines + 1, "unexpected '" + std::string(lines[expected_lines]) + "'");
  }
  return scaler;
}

}  // namespace soma::data
