// Feature scaling fitted on training data and applied unchanged to any later data, with an
// exact text form for storing in model-file metadata.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::data {

enum class ScalingKind { none, standard, minmax };

// "none", "standard", "minmax"; throws listing them otherwise.
ScalingKind parse_scaling(std::string_view name);
std::string_view scaling_name(ScalingKind kind);

// Each feature column j becomes (x - offset[j]) / scale[j]:
//   standard: offset = the mean, scale = the population standard deviation (1 for a
//             constant column, which therefore maps to 0);
//   minmax:   offset = the minimum, scale = max - min (1 for a constant column), giving
//             [0, 1] on the training data;
//   none:     the values unchanged (offset 0, scale 1).
// The statistics come from the data given to fit() only, normally the training rows, so
// that validation and test data are scaled without their own statistics leaking in.
class Scaler {
 public:
  Scaler() = default;  // none, for any number of features

  // features: (samples x features) with at least one sample and finite values.
  static Scaler fit(ScalingKind kind, const Tensor& features);

  // A new (samples x features) tensor; throws "scaler: fitted on 4 features, given 3".
  Tensor transform(const Tensor& features) const;

  // Three lines, the numbers in %.9g so that every float comes back bit for bit:
  //   "standard\nmean 1.5 2.25\nscale 0.5 1\n"
  //   "minmax\nmin 0 -1\nscale 2 4\n"
  //   "none\nfeatures 4\n"  (or "none\n" for a default-constructed scaler)
  std::string to_text() const;
  // Reads to_text()'s form; throws soma::Error ("scaler text: line 2: ...") on anything else.
  static Scaler from_text(std::string_view text);

  ScalingKind kind() const { return kind_; }
  // The number of features fitted on; -1 for a default-constructed scaler, which accepts any.
  int64_t features() const { return features_; }
  const std::vector<float>& offset() const { return offset_; }  // empty for none
  const std::vector<float>& scale() const { return scale_; }    // empty for none

  friend bool operator==(const Scaler& a, const Scaler& b) = default;

 private:
  ScalingKind kind_ = ScalingKind::none;
  int64_t features_ = -1;
  std::vector<float> offset_;
  std::vector<float> scale_;
};

}  // namespace soma::data
