// Weight initialisation: zeros, constant, uniform, normal, and the schemes scaled by a
// layer's fan-in and fan-out (Glorot/Xavier, He, LeCun). Every random draw comes from an
// explicit Generator, so a seed gives bit-identical weights.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "soma/tensor/generator.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::nn {

struct Initializer {
  enum class Kind {
    zeros,
    constant,        // every entry = first
    uniform,         // U(first, second)
    normal,          // N(mean = first, stddev = second)
    glorot_uniform,  // U(-a, a), a = sqrt(6 / (fan_in + fan_out))
    glorot_normal,   // N(0, sqrt(2 / (fan_in + fan_out)))
    he_uniform,      // U(-a, a), a = sqrt(6 / fan_in)
    he_normal,       // N(0, sqrt(2 / fan_in))
    lecun_uniform,   // U(-a, a), a = sqrt(3 / fan_in)
    lecun_normal,    // N(0, sqrt(1 / fan_in))
  };
  Kind kind = Kind::glorot_uniform;
  float first = 0.0f;
  float second = 0.0f;

  static Initializer zeros() { return {Kind::zeros}; }
  static Initializer constant(float value) { return {Kind::constant, value}; }
  static Initializer uniform(float low, float high) { return {Kind::uniform, low, high}; }
  static Initializer normal(float mean, float stddev) { return {Kind::normal, mean, stddev}; }
  static Initializer glorot_uniform() { return {Kind::glorot_uniform}; }
  static Initializer glorot_normal() { return {Kind::glorot_normal}; }
  static Initializer he_uniform() { return {Kind::he_uniform}; }
  static Initializer he_normal() { return {Kind::he_normal}; }
  static Initializer lecun_uniform() { return {Kind::lecun_uniform}; }
  static Initializer lecun_normal() { return {Kind::lecun_normal}; }

  // "glorot_uniform" (alias "xavier_uniform"), "he_normal" (alias "kaiming_normal"),
  // "zeros", "constant:0.5", "uniform:-0.1,0.1", "normal:0,0.01", ...; throws soma::Error
  // listing the valid names.
  static Initializer parse(std::string_view text);
  // The inverse of parse: "glorot_uniform", "constant:0.5", ...
  std::string to_string() const;
};

// Overwrites `weights` in place, drawing from `generator` in row-major order.
void initialize(Tensor& weights, const Initializer& initializer, int64_t fan_in, int64_t fan_out,
                Generator& generator);

}  // namespace soma::nn
