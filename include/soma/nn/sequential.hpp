// A sequential container: layers applied one after the other, the output of each the
// input of the next. Its parameters are named by position: "0.weight", "2.bias", ...
#pragma once

#include <memory>

#include "soma/nn/module.hpp"

namespace soma::nn {

class Sequential : public Module {
 public:
  Sequential() = default;

  // Appends a layer and returns *this, for chaining.
  Sequential& add(std::shared_ptr<Module> layer);
  template <class Layer, class... Arguments>
  Sequential& emplace(Arguments&&... arguments) {
    return add(std::make_shared<Layer>(std::forward<Arguments>(arguments)...));
  }

  Tensor forward(const Tensor& input) override;
  std::string describe() const override { return "Sequential"; }
  int64_t output_features(int64_t input_features) const override;
  // One line per layer, in order.
  std::string architecture() const override;

  size_t size() const { return children().size(); }
  Module& layer(size_t index) const { return *children().at(index).second; }
};

}  // namespace soma::nn
