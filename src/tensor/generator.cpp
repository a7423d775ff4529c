// Generator: xoshiro256** (Blackman and Vigna) with soma's own uniform and normal mapping.
#include "soma/tensor/generator.hpp"

#include <cmath>
#include <numbers>
#include <utility>

#include "soma/core/error.hpp"

namespace soma {

namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotate_left(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Generator::Generator(uint64_t seed) {
  // splitmix64 spreads any seed, including 0, over the whole 256-bit state.
  for (uint64_t& word : state_) word = splitmix64(seed);
}

uint64_t Generator::next_u64() {
  const uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

float Generator::uniform() {
  // The top 24 bits scaled by 2^-24: every value is exactly representable, and < 1.
  return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f;
}

float Generator::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  // Box-Muller in double; u1 is kept away from 0 so that log(u1) is finite.
  const double u1 = (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = static_cast<float>(radius * std::sin(angle));
  has_spare_normal_ = true;
  return static_cast<float>(radius * std::cos(angle));
}

uint64_t Generator::below(uint64_t bound) {
  if (bound == 0) throw Error("Generator::below: the bound must be positive");
  // Rejection sampling: draws in the incomplete last block of size `bound` are retried.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t draw = next_u64();
  while (draw >= limit) draw = next_u64();
  return draw % bound;
}

void Generator::shuffle(std::span<int64_t> values) {
  for (size_t i = values.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(below(i));
    std::swap(values[i - 1], values[j]);
  }
}

}  // namespace soma
