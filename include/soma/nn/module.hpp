// The module interface every layer and network implements: a forward function, named
// parameters and submodules (so "1.weight" names the weight of a network's second layer),
// train/eval mode and zero_grad, in the manner of PyTorch's C++ modules.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::nn {

using NamedTensor = std::pair<std::string, Tensor>;

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // input is a batch (samples x features); returns (samples x outputs).
  virtual Tensor forward(const Tensor& input) = 0;
  Tensor operator()(const Tensor& input) { return forward(input); }

  // A short description for summaries and errors, e.g. "Dense(2 -> 16)".
  virtual std::string describe() const = 0;
  // Features per sample that come out for `input_features` going in; throws soma::Error
  // when the module cannot take that many.
  virtual int64_t output_features(int64_t input_features) const = 0;
  // The text that rebuilds this module (see nn/architecture.hpp); one line per layer.
  virtual std::string architecture() const = 0;

  // Every parameter of this module and its submodules, depth first, named by path.
  std::vector<NamedTensor> named_parameters() const;
  std::vector<Tensor> parameters() const;
  int64_t parameter_count() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const {
    return children_;
  }

  // Training mode (the default) versus evaluation mode, for this module and below.
  void train(bool training = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Zeroes the gradient of every parameter.
  void zero_grad();

 protected:
  // Registers `value` as a parameter (it is marked requires_grad) and returns its handle.
  Tensor register_parameter(const std::string& name, Tensor value);
  void register_module(const std::string& name, std::shared_ptr<Module> module);

 private:
  std::vector<NamedTensor> parameters_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// A copy of every parameter's values, to return to later (early stopping keeps the best).
struct ParameterSnapshot {
  std::vector<NamedTensor> values;
};
ParameterSnapshot snapshot_parameters(const Module& module);
// Copies the values back in place (an optimiser holding the tensors stays valid); throws if
// names or shapes differ.
void restore_parameters(Module& module, const ParameterSnapshot& snapshot);

}  // namespace soma::nn
