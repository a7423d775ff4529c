// Synthetic datasets. Each sample draws its coordinates, then its noise, from the one
// generator, so a seed fixes the whole dataset.
#include "soma/data/synthetic.hpp"

#include <cmath>
#include <numbers>

#include "soma/core/error.hpp"

namespace soma::data {

namespace {

constexpr double pi = std::numbers::pi;

void check_arguments(const char* name, int64_t samples, double noise) {
  if (samples <= 0) {
    throw Error(std::string(name) + ": the number of samples must be positive, got " +
                std::to_string(samples));
  }
  if (!(noise >= 0.0) || !std::isfinite(noise)) {
    throw Error(std::string(name) + ": the noise must be a non-negative number");
  }
}

// A two-feature classification dataset filled point by point by `point(i, x1, x2)`,
// which returns the class of sample i.
template <class Point>
Dataset planar(int64_t samples, int64_t classes, Point point) {
  Dataset dataset{
      Tensor::empty(Shape{samples, 2}), Tensor::empty(Shape{samples}), classes, {"x1", "x2"}};
  float* features = dataset.features.data();
  float* targets = dataset.targets.data();
  for (int64_t i = 0; i < samples; ++i) {
    double x1 = 0.0;
    double x2 = 0.0;
    targets[i] = static_cast<float>(point(i, x1, x2));
    features[2 * i] = static_cast<float>(x1);
    features[2 * i + 1] = static_cast<float>(x2);
  }
  return dataset;
}

double jitter(Generator& generator, double noise) {
  return noise * generator.normal();
}

}  // namespace

Dataset gaussians(int64_t samples, double noise, Generator& generator, int64_t classes) {
  check_arguments("gaussians", samples, noise);
  if (classes < 2) throw Error("gaussians: at least 2 classes are needed");
  return planar(samples, classes, [&](int64_t i, double& x1, double& x2) {
    const int64_t label = i % classes;
    const double angle = 2.0 * pi * static_cast<double>(label) / static_cast<double>(classes);
    x1 = 2.0 * std::cos(angle) + jitter(generator, noise);
    x2 = 2.0 * std::sin(angle) + jitter(generator, noise);
    return label;
  });
}

Dataset circles(int64_t samples, double noise, Generator& generator) {
  check_arguments("circles", samples, noise);
  return planar(samples, 2, [&](int64_t i, double& x1, double& x2) {
    const int64_t label = i % 2;
    const double radius = label == 0 ? 1.0 : 0.5;
    const double angle = 2.0 * pi * generator.uniform();
    x1 = radius * std::cos(angle) + jitter(generator, noise);
    x2 = radius * std::sin(angle) + jitter(generator, noise);
    return label;
  });
}

Dataset xor_quadrants(int64_t samples, double noise, Generator& generator) {
  check_arguments("xor", samples, noise);
  return planar(samples, 2, [&](int64_t, double& x1, double& x2) {
    const double u = 2.0 * generator.uniform() - 1.0;
    const double v = 2.0 * generator.uniform() - 1.0;
    x1 = u + jitter(generator, noise);
    x2 = v + jitter(generator, noise);
    return (u < 0.0) != (v < 0.0) ? 1 : 0;  // the label comes from the clean point
  });
}

Dataset spirals(int64_t samples, double noise, Generator& generator) {
  check_arguments("spiral", samples, noise);
  return planar(samples, 2, [&](int64_t i, double& x1, double& x2) {
    const int64_t label = i % 2;
    const double t = generator.uniform();  // position along the spiral, 0 at the centre
    const double radius = t;
    const double angle = 3.0 * pi * t + (label == 1 ? pi : 0.0);
    x1 = radius * std::cos(angle) + jitter(generator, noise);
    x2 = radius * std::sin(angle) + jitter(generator, noise);
    return label;
  });
}

Dataset moons(int64_t samples, double noise, Generator& generator) {
  check_arguments("moons", samples, noise);
  return planar(samples, 2, [&](int64_t i, double& x1, double& x2) {
    const int64_t label = i % 2;
    const double angle = pi * generator.uniform();
    if (label == 0) {
      x1 = std::cos(angle);
      x2 = std::sin(angle);
    } else {
      x1 = 1.0 - std::cos(angle);
      x2 = 0.5 - std::sin(angle);
    }
    x1 += jitter(generator, noise);
    x2 += jitter(generator, noise);
    return label;
  });
}

Function1d parse_function_1d(std::string_view name) {
  if (name == "sine" || name == "sin") return Function1d::sine;
  if (name == "abs") return Function1d::abs;
  if (name == "step") return Function1d::step;
  if (name == "polynomial") return Function1d::polynomial;
  throw Error("unknown 1-d function '" + std::string(name) +
              "' (valid: sine, abs, step, polynomial)");
}

double evaluate_function_1d(Function1d function, double x) {
  switch (function) {
    case Function1d::sine:
      return std::sin(2.0 * pi * x);
    case Function1d::abs:
      return std::fabs(2.0 * x - 1.0);
    case Function1d::step:
      return x >= 0.5 ? 1.0 : 0.0;
    case Function1d::polynomial:
      return ((8.0 * x - 12.0) * x + 4.0) * x + 0.5;
  }
  return 0.0;
}

Dataset regression_1d(Function1d function, int64_t samples, double noise, Generator& generator,
                      double low, double high) {
  check_arguments("regression", samples, noise);
  if (!(low < high)) throw Error("regression: the interval must have low < high");
  Dataset dataset{Tensor::empty(Shape{samples, 1}), Tensor::empty(Shape{samples, 1}), 0, {"x"}};
  float* x = dataset.features.data();
  float* y = dataset.targets.data();
  for (int64_t i = 0; i < samples; ++i) {
    const double point = low + (high - low) * generator.uniform();
    x[i] = static_cast<float>(point);
    y[i] = static_cast<float>(evaluate_function_1d(function, point) + jitter(generator, noise));
  }
  return dataset;
}

}  // namespace soma::data
