// Module: parameter registration, recursive traversal, modes, and snapshots.
#include "soma/nn/module.hpp"

#include <algorithm>
#include <cstring>

#include "soma/core/error.hpp"
#include "soma/kernels/fill.hpp"

namespace soma::nn {

std::vector<NamedTensor> Module::named_parameters() const {
  std::vector<NamedTensor> out;
  // Iterative depth-first walk: (module, path prefix).
  std::vector<std::pair<const Module*, std::string>> stack{{this, ""}};
  while (!stack.empty()) {
    auto [module, prefix] = stack.back();
    stack.pop_back();
    for (const auto& [name, tensor] : module->parameters_) out.emplace_back(prefix + name, tensor);
    // Push children in reverse so they come out in registration order.
    for (auto it = module->children_.rbegin(); it != module->children_.rend(); ++it) {
      stack.emplace_back(it->second.get(), prefix + it->first + ".");
    }
  }
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters()) out.push_back(tensor);
  return out;
}

int64_t Module::parameter_count() const {
  int64_t count = 0;
  for (const auto& [name, tensor] : named_parameters()) count += tensor.numel();
  return count;
}

void Module::train(bool training) {
  training_ = training;
  for (auto& [name, child] : children_) child->train(training);
}

void Module::zero_grad() {
  // As Tensor::zero_grad, with large buffers zeroed on all of soma's threads.
  for (auto& [name, tensor] : named_parameters()) {
    Tensor gradient = tensor.grad();
    if (gradient.defined()) kernels::fill(gradient.numel(), 0.0f, gradient.data());
  }
}

Tensor Module::register_parameter(const std::string& name, Tensor value) {
  const bool taken = std::any_of(parameters_.begin(), parameters_.end(),
                                 [&](const NamedTensor& entry) { return entry.first == name; });
  if (taken) throw Error("register_parameter: '" + name + "' is already registered");
  value.set_requires_grad(true);
  parameters_.emplace_back(name, value);
  return value;
}

void Module::register_module(const std::string& name, std::shared_ptr<Module> module) {
  if (!module) throw Error("register_module: '" + name + "' is null");
  children_.emplace_back(name, std::move(module));
}

ParameterSnapshot snapshot_parameters(const Module& module) {
  ParameterSnapshot snapshot;
  for (const auto& [name, tensor] : module.named_parameters()) {
    snapshot.values.emplace_back(name, tensor.clone());
  }
  return snapshot;
}

void restore_parameters(Module& module, const ParameterSnapshot& snapshot) {
  std::vector<NamedTensor> parameters = module.named_parameters();
  if (parameters.size() != snapshot.values.size()) {
    throw Error("restore_parameters: the snapshot has " + std::to_string(snapshot.values.size()) +
                " parameters, the module " + std::to_string(parameters.size()));
  }
  // Check every parameter before copying any, so that a mismatch leaves the module as it was.
  for (size_t i = 0; i < parameters.size(); ++i) {
    const auto& [name, target] = parameters[i];
    const auto& [saved_name, saved] = snapshot.values[i];
    if (name != saved_name || !(target.shape() == saved.shape())) {
      throw Error("restore_parameters: parameter '" + name + "' " + target.shape().to_string() +
                  " does not match the snapshot's '" + saved_name + "' " +
                  saved.shape().to_string());
    }
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    const Tensor& saved = snapshot.values[i].second;
    std::memcpy(parameters[i].second.data(), saved.data(),
                static_cast<size_t>(saved.numel()) * sizeof(float));
  }
}

}  // namespace soma::nn
