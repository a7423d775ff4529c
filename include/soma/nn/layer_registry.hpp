// The layer registry: every layer type soma can save, summarise, draw and rebuild, keyed by
// the first word of its architecture line ("dense 2 16", "activation tanh", "dropout 0.2").
// Reading a line gives a LayerSpec, a description of the layer that needs no building; each
// layer class gives its own with static spec(...) and read(words) (docs/ADDING_A_LAYER.md).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soma/nn/init.hpp"
#include "soma/nn/module.hpp"
#include "soma/tensor/shape.hpp"

namespace soma::nn {

// What building draws on: the weights' initialisers and generator; seeds for dropout's masks.
struct LayerBuild {
  Initializer weight_init;
  Initializer bias_init;
  Generator& weights;
  Generator& seeds;
};

// How viz/network_graph draws a layer: X W + b ("weight" inputs x outputs, "bias"), g, dropout.
enum class LayerRole { affine, activation, dropout };

// A parameter's name and extents: numbers, as a declared layer may exceed what a Shape holds.
struct ParameterExtents {
  std::string name;
  std::vector<int64_t> extents;
};

// One layer, described: enough to count, check, summarise and draw it before it exists.
struct LayerSpec {
  std::string description{};  // "Dense(2 -> 16)", "ReLU", "Dropout(p=0.2)": summaries, errors
  int64_t inputs = 0;         // features per sample it takes; 0: any number
  int64_t outputs = 0;        // features per sample it gives; 0: as many as it takes
  std::vector<ParameterExtents> parameters{};
  LayerRole role = LayerRole::activation;
  std::string label{};  // the drawings' name for it: "ReLU", "p=0.2"
  std::function<std::shared_ptr<Module>(const LayerBuild&)> build{};
};

// A registry entry: the keyword starting its lines, a line the tests round-trip, and the
// reader of the rest of a line (throws soma::Error; the caller adds which line).
struct LayerType {
  std::string_view keyword;
  std::string_view example;
  LayerSpec (*read)(std::istream& words);
};
// Every layer type, one line each (src/nn/layer_registry.cpp).
std::span<const LayerType> layer_types();

// Module::architecture() text (one layer per line; blank lines are skipped) as layers.
// Throws soma::Error naming the line: "architecture line 3 ('dropout 1.5'): ...".
std::vector<LayerSpec> parse_architecture(std::string_view text);
// A built layer's description, read back from its architecture() line; throws soma::Error
// for a module that is not one registry layer.
LayerSpec spec_of(const Module& layer);

// A parameter as Module::named_parameters() names it ("2.weight") and its shape.
struct ParameterShape {
  std::string name;
  Shape shape;
};
// The parameters a Sequential of these layers has, in named_parameters() order ("i.NAME").
std::vector<ParameterShape> parameter_shapes(const std::vector<LayerSpec>& layers);

// Exact parameter counts; throw soma::Error when a count overflows a signed 64-bit integer.
int64_t parameter_count(const LayerSpec& layer);
int64_t parameter_count(const std::vector<LayerSpec>& layers);
// Where the count comes from: "8 x 9 + 9" (each parameter's extents), "" without parameters.
std::string parameter_formula(const LayerSpec& layer);

}  // namespace soma::nn
