// A fully connected (dense) layer: Y = X W + b for a batch X (samples x inputs), with W
// (inputs x outputs) and b (outputs), as in the lecture's X_i = g(X_{i-1} W_i + b_i).
// A single artificial neuron is a Dense layer with one output.
#pragma once

#include <cstdint>
#include <string>

#include "soma/nn/init.hpp"
#include "soma/nn/layer_registry.hpp"
#include "soma/nn/module.hpp"

namespace soma::nn {

struct DenseOptions {
  bool bias = true;
  Initializer weight_init = Initializer::glorot_uniform();
  Initializer bias_init = Initializer::zeros();
};

class Dense : public Module {
 public:
  Dense(int64_t inputs, int64_t outputs, Generator& generator, const DenseOptions& options = {});

  Tensor forward(const Tensor& input) override;
  std::string describe() const override;
  // describe()'s text for a layer of these sizes, without building one: "Dense(2 -> 16)".
  static std::string description(int64_t inputs, int64_t outputs);
  int64_t output_features(int64_t input_features) const override;
  std::string architecture() const override;
  // The registry's description of such a layer; the reader of "dense INPUTS OUTPUTS [no_bias]".
  static LayerSpec spec(int64_t inputs, int64_t outputs, bool bias = true);
  static LayerSpec read(std::istream& words);

  int64_t inputs() const { return inputs_; }
  int64_t outputs() const { return outputs_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without a bias
  bool has_bias() const { return bias_.defined(); }

 private:
  int64_t inputs_;
  int64_t outputs_;
  Tensor weight_;
  Tensor bias_;
};

}  // namespace soma::nn
