// A seeded pseudo-random generator (xoshiro256**, seeded through splitmix64). soma never
// uses a hidden global generator: every random tensor takes one of these explicitly, and
// the same seed gives the same numbers on every platform and compiler, because the
// distributions are soma's own (the standard library's are implementation-defined).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace soma {

class Generator {
 public:
  explicit Generator(uint64_t seed);

  uint64_t next_u64();
  // Uniform in [0, 1), with the 24 bits of precision a float can hold.
  float uniform();
  // Standard normal (mean 0, standard deviation 1), by the Box-Muller transform.
  float normal();
  // Uniform integer in [0, bound), without modulo bias; bound must be positive.
  uint64_t below(uint64_t bound);
  // Puts `values` in a uniformly random order: Fisher-Yates with below(), so a seed fixes
  // the order (fit's epochs, the dataset splits).
  void shuffle(std::span<int64_t> values);

 private:
  std::array<uint64_t, 4> state_{};
  bool has_spare_normal_ = false;
  float spare_normal_ = 0.0f;
};

}  // namespace soma
