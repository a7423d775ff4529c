// Inverted dropout: in training, each value is kept with probability 1 - rate and scaled by
// 1 / (1 - rate), so that its expected value is unchanged and evaluation needs no rescaling;
// in evaluation mode the layer is the identity. The masks come from the layer's own seeded
// generator, one per forward call, so that a seed repeats a run exactly.
#pragma once

#include <cstdint>
#include <string>

#include "soma/nn/layer_registry.hpp"
#include "soma/nn/module.hpp"
#include "soma/tensor/generator.hpp"

namespace soma::nn {

class Dropout : public Module {
 public:
  // Throws soma::Error unless 0 <= rate < 1: "the dropout rate must be in [0, 1), got 1.5".
  Dropout(float rate, uint64_t seed);

  // Training: input x mask, the mask 0 (probability rate) or 1 / (1 - rate) per value, so
  // the backward pass multiplies the gradient by the same mask. Evaluation: input itself.
  Tensor forward(const Tensor& input) override;
  std::string describe() const override;
  int64_t output_features(int64_t input_features) const override { return input_features; }
  std::string architecture() const override;
  // The registry's description; the reader of "dropout RATE".
  static LayerSpec spec(float rate);
  static LayerSpec read(std::istream& words);

  float rate() const { return rate_; }

 private:
  float rate_;
  Generator generator_;
};

}  // namespace soma::nn
