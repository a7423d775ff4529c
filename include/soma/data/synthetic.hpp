// The lecture's toy datasets, generated from a seed: gaussian clouds, two concentric
// circles, XOR (four quadrants), two interleaved spirals, two moons, and 1-d regression
// targets. `noise` is the standard deviation of the gaussian jitter added to each point.
#pragma once

#include <cstdint>
#include <string_view>

#include "soma/data/dataset.hpp"
#include "soma/tensor/generator.hpp"

namespace soma::data {

// `classes` clouds of samples/classes points each (the remainder go to the first ones),
// centred evenly on a circle of radius 2, with standard deviation `noise`.
Dataset gaussians(int64_t samples, double noise, Generator& generator, int64_t classes = 2);
// Class 0 on the circle of radius 1, class 1 on the circle of radius 0.5.
Dataset circles(int64_t samples, double noise, Generator& generator);
// Points uniform in [-1, 1]^2; class 1 where x1 and x2 have different signs.
Dataset xor_quadrants(int64_t samples, double noise, Generator& generator);
// Two spirals of 1.5 turns, one per class, the second the first rotated by half a turn.
Dataset spirals(int64_t samples, double noise, Generator& generator);
// Two interleaved half circles, as scikit-learn's make_moons.
Dataset moons(int64_t samples, double noise, Generator& generator);

enum class Function1d { sine, abs, step, polynomial };
// "sine" (sin(2 pi x)), "abs" (|2x - 1|), "step" (1 where x >= 0.5), "polynomial"
// (8x^3 - 12x^2 + 4x + 0.5 ... a cubic with two bends on [0, 1]).
Function1d parse_function_1d(std::string_view name);
double evaluate_function_1d(Function1d function, double x);
// x uniform in [low, high] (samples x 1), target f(x) + noise (samples x 1).
Dataset regression_1d(Function1d function, int64_t samples, double noise, Generator& generator,
                      double low = 0.0, double high = 1.0);

}  // namespace soma::data
