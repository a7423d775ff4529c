// Tests the initialisers: reproducibility from a seed, each scheme's bounds and spread on a
// large matrix, and Initializer::parse / to_string with their errors.
#include "soma/nn/init.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

using soma::Generator;
using soma::Shape;
using soma::Tensor;
using soma::nn::Initializer;
using Kind = soma::nn::Initializer::Kind;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr int64_t fan_in = 400;
constexpr int64_t fan_out = 300;

Tensor initialized(const Initializer& initializer, uint64_t seed) {
  Generator generator(seed);
  Tensor weights = soma::full(Shape{fan_in, fan_out}, -123.0f);
  soma::nn::initialize(weights, initializer, fan_in, fan_out, generator);
  return weights;
}

struct Moments {
  double mean = 0.0;
  double stddev = 0.0;
  double min = 0.0;
  double max = 0.0;
};

Moments moments(const Tensor& t) {
  const std::vector<float> v = t.to_vector();
  double total = 0.0;
  for (float x : v) total += x;
  Moments m;
  m.mean = total / static_cast<double>(v.size());
  double squares = 0.0;
  for (float x : v) squares += (x - m.mean) * (x - m.mean);
  m.stddev = std::sqrt(squares / static_cast<double>(v.size()));
  m.min = *std::min_element(v.begin(), v.end());
  m.max = *std::max_element(v.begin(), v.end());
  return m;
}

const std::vector<Initializer>& every_initializer() {
  static const std::vector<Initializer> all = {
      Initializer::zeros(),
      Initializer::constant(0.5f),
      Initializer::uniform(-2.0f, 3.0f),
      Initializer::normal(1.0f, 0.25f),
      Initializer::glorot_uniform(),
      Initializer::glorot_normal(),
      Initializer::he_uniform(),
      Initializer::he_normal(),
      Initializer::lecun_uniform(),
      Initializer::lecun_normal(),
  };
  return all;
}

TEST(InitTest, SameSeedGivesBitIdenticalWeights) {
  for (const Initializer& initializer : every_initializer()) {
    const Tensor a = initialized(initializer, 2024);
    const Tensor b = initialized(initializer, 2024);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)), 0)
        << initializer.to_string();
  }
}

TEST(InitTest, DifferentSeedsGiveDifferentRandomWeights) {
  for (const Initializer& initializer : every_initializer()) {
    const Tensor a = initialized(initializer, 1);
    const Tensor b = initialized(initializer, 2);
    const bool random = initializer.kind != Kind::zeros && initializer.kind != Kind::constant;
    EXPECT_EQ(a.to_vector() != b.to_vector(), random) << initializer.to_string();
  }
}

// For a uniform scheme U(-a, a): every value within +-a, the extremes close to +-a, mean 0
// and standard deviation a / sqrt(3).
void expect_symmetric_uniform(const Initializer& initializer, double limit) {
  SCOPED_TRACE(initializer.to_string());
  const Moments m = moments(initialized(initializer, 11));
  EXPECT_GE(m.min, -limit);
  EXPECT_LE(m.max, limit);
  EXPECT_LT(m.min, -0.999 * limit);
  EXPECT_GT(m.max, 0.999 * limit);
  EXPECT_NEAR(m.mean, 0.0, 0.01 * limit);
  EXPECT_NEAR(m.stddev, limit / std::sqrt(3.0), 0.01 * limit / std::sqrt(3.0));
}

// For a normal scheme N(0, s): mean 0 and standard deviation s (to 1.5 % on 120,000 draws,
// where the sampling error of the standard deviation is about 0.2 %).
void expect_centred_normal(const Initializer& initializer, double stddev) {
  SCOPED_TRACE(initializer.to_string());
  const Moments m = moments(initialized(initializer, 12));
  EXPECT_NEAR(m.mean, 0.0, 0.02 * stddev);
  EXPECT_NEAR(m.stddev, stddev, 0.015 * stddev);
  // Gaussian tails: 120,000 draws reach beyond 3 standard deviations, but not beyond 6.
  EXPECT_GT(m.max, 3.0 * stddev);
  EXPECT_LT(m.max, 6.0 * stddev);
}

TEST(InitTest, GlorotUniformBoundsAndSpread) {
  expect_symmetric_uniform(Initializer::glorot_uniform(), std::sqrt(6.0 / (400 + 300)));
}

TEST(InitTest, GlorotNormalSpread) {
  expect_centred_normal(Initializer::glorot_normal(), std::sqrt(2.0 / (400 + 300)));
}

TEST(InitTest, HeUniformBoundsAndSpread) {
  expect_symmetric_uniform(Initializer::he_uniform(), std::sqrt(6.0 / 400));
}

TEST(InitTest, HeNormalSpread) {
  expect_centred_normal(Initializer::he_normal(), std::sqrt(2.0 / 400));
}

TEST(InitTest, LecunUniformBoundsAndSpread) {
  expect_symmetric_uniform(Initializer::lecun_uniform(), std::sqrt(3.0 / 400));
}

TEST(InitTest, LecunNormalSpread) {
  expect_centred_normal(Initializer::lecun_normal(), std::sqrt(1.0 / 400));
}

TEST(InitTest, ZerosAndConstantFillEveryEntry) {
  const std::vector<float> zeros = initialized(Initializer::zeros(), 3).to_vector();
  EXPECT_EQ(zeros, std::vector<float>(static_cast<size_t>(fan_in * fan_out), 0.0f));
  const std::vector<float> constant = initialized(Initializer::constant(-0.75f), 3).to_vector();
  EXPECT_EQ(constant, std::vector<float>(static_cast<size_t>(fan_in * fan_out), -0.75f));
}

TEST(InitTest, UniformLowHigh) {
  const Moments m = moments(initialized(Initializer::uniform(-2.0f, 3.0f), 4));
  EXPECT_GE(m.min, -2.0);
  EXPECT_LE(m.max, 3.0);
  EXPECT_LT(m.min, -1.99);
  EXPECT_GT(m.max, 2.99);
  EXPECT_NEAR(m.mean, 0.5, 0.02);                             // (low + high) / 2
  EXPECT_NEAR(m.stddev, 5.0 / std::sqrt(12.0), 0.01 * 1.44);  // (high - low) / sqrt(12)
}

TEST(InitTest, NormalMeanAndStddev) {
  const Moments m = moments(initialized(Initializer::normal(1.0f, 0.25f), 5));
  EXPECT_NEAR(m.mean, 1.0, 0.005);
  EXPECT_NEAR(m.stddev, 0.25, 0.015 * 0.25);
}

// The first draw of each scheme is the generator's first number mapped by the scheme.
TEST(InitTest, DrawsInRowMajorOrderFromTheGenerator) {
  Generator generator(99);
  const float u0 = generator.uniform();
  const float u1 = generator.uniform();
  const Tensor uniform = initialized(Initializer::uniform(-1.0f, 1.0f), 99);
  EXPECT_FLOAT_EQ(uniform.data()[0], -1.0f + 2.0f * u0);
  EXPECT_FLOAT_EQ(uniform.data()[1], -1.0f + 2.0f * u1);

  Generator normal_generator(99);
  const float n0 = normal_generator.normal();
  const float n1 = normal_generator.normal();
  const Tensor normal = initialized(Initializer::normal(2.0f, 0.5f), 99);
  EXPECT_FLOAT_EQ(normal.data()[0], 2.0f + 0.5f * n0);
  EXPECT_FLOAT_EQ(normal.data()[1], 2.0f + 0.5f * n1);
}

TEST(InitTest, ParsesEveryNameAndAlias) {
  const std::vector<std::pair<std::string, Kind>> cases = {
      {"zeros", Kind::zeros},
      {"glorot_uniform", Kind::glorot_uniform},
      {"glorot_normal", Kind::glorot_normal},
      {"he_uniform", Kind::he_uniform},
      {"he_normal", Kind::he_normal},
      {"lecun_uniform", Kind::lecun_uniform},
      {"lecun_normal", Kind::lecun_normal},
      {"xavier_uniform", Kind::glorot_uniform},
      {"xavier_normal", Kind::glorot_normal},
      {"kaiming_normal", Kind::he_normal},
  };
  for (const auto& [name, kind] : cases) {
    EXPECT_EQ(Initializer::parse(name).kind, kind) << name;
  }
}

TEST(InitTest, ParsesArguments) {
  const Initializer constant = Initializer::parse("constant:0.5");
  EXPECT_EQ(constant.kind, Kind::constant);
  EXPECT_EQ(constant.first, 0.5f);

  const Initializer uniform = Initializer::parse("uniform:-0.1,0.1");
  EXPECT_EQ(uniform.kind, Kind::uniform);
  EXPECT_EQ(uniform.first, -0.1f);
  EXPECT_EQ(uniform.second, 0.1f);

  const Initializer normal = Initializer::parse("normal:0,0.01");
  EXPECT_EQ(normal.kind, Kind::normal);
  EXPECT_EQ(normal.first, 0.0f);
  EXPECT_EQ(normal.second, 0.01f);

  EXPECT_EQ(Initializer::parse("constant:-3e-2").first, -0.03f);
  EXPECT_EQ(Initializer::parse("uniform:1,1").first, 1.0f);  // low == high is allowed
  EXPECT_EQ(Initializer::parse("normal:0,0").second, 0.0f);
}

TEST(InitTest, ParseErrors) {
  const std::string unknown = error_message([] { Initializer::parse("gaussian"); });
  EXPECT_TRUE(contains(unknown, "unknown initializer 'gaussian' (valid: ")) << unknown;
  for (const char* name :
       {"zeros", "constant:V", "uniform:LOW,HIGH", "normal:MEAN,STDDEV", "glorot_uniform",
        "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal"}) {
    EXPECT_TRUE(contains(unknown, name)) << unknown;
  }
  EXPECT_TRUE(contains(error_message([] { Initializer::parse(""); }), "unknown initializer ''"));
  EXPECT_TRUE(
      contains(error_message([] { Initializer::parse("Zeros"); }), "unknown initializer 'Zeros'"));

  EXPECT_EQ(error_message([] { Initializer::parse("constant"); }),
            "initializer 'constant' needs a value, e.g. constant:0.1");
  EXPECT_EQ(error_message([] { Initializer::parse("uniform"); }),
            "initializer 'uniform' needs two values, e.g. uniform:0,0.1");
  EXPECT_EQ(error_message([] { Initializer::parse("normal"); }),
            "initializer 'normal' needs two values, e.g. normal:0,0.1");
  EXPECT_EQ(error_message([] { Initializer::parse("uniform:0.1"); }),
            "initializer 'uniform:0.1' needs two values separated by ','");
  EXPECT_EQ(error_message([] { Initializer::parse("constant:1,2"); }),
            "initializer 'constant:1,2' takes one value");
  EXPECT_EQ(error_message([] { Initializer::parse("he_normal:1"); }),
            "initializer 'he_normal:1' takes no arguments");

  EXPECT_EQ(error_message([] { Initializer::parse("constant:abc"); }),
            "initializer 'constant:abc': 'abc' is not a number");
  EXPECT_EQ(error_message([] { Initializer::parse("constant:"); }),
            "initializer 'constant:': '' is not a number");
  EXPECT_EQ(error_message([] { Initializer::parse("uniform:0,1x"); }),
            "initializer 'uniform:0,1x': '1x' is not a number");
  EXPECT_EQ(error_message([] { Initializer::parse("normal:,1"); }),
            "initializer 'normal:,1': '' is not a number");
  EXPECT_EQ(error_message([] { Initializer::parse("constant:inf"); }),
            "initializer 'constant:inf': 'inf' is not a number");
  EXPECT_EQ(error_message([] { Initializer::parse("constant:nan"); }),
            "initializer 'constant:nan': 'nan' is not a number");

  EXPECT_EQ(error_message([] { Initializer::parse("uniform:0.5,-0.5"); }),
            "initializer 'uniform:0.5,-0.5': low must not exceed high");
  EXPECT_EQ(error_message([] { Initializer::parse("normal:0,-1"); }),
            "initializer 'normal:0,-1': the stddev must be non-negative");
}

TEST(InitTest, ToStringRoundTrips) {
  EXPECT_EQ(Initializer::glorot_uniform().to_string(), "glorot_uniform");
  EXPECT_EQ(Initializer::he_normal().to_string(), "he_normal");
  EXPECT_EQ(Initializer::zeros().to_string(), "zeros");
  EXPECT_EQ(Initializer::constant(0.5f).to_string(), "constant:0.5");
  EXPECT_EQ(Initializer::uniform(-2.0f, 3.0f).to_string(), "uniform:-2,3");
  EXPECT_EQ(Initializer::parse("xavier_normal").to_string(), "glorot_normal");
  EXPECT_EQ(Initializer::parse("kaiming_normal").to_string(), "he_normal");

  std::vector<Initializer> all = every_initializer();
  all.push_back(Initializer::constant(0.1f));  // not exact in binary: needs 9 digits
  all.push_back(Initializer::uniform(-0.1f, 0.1f));
  all.push_back(Initializer::normal(1e-7f, 0.3333333f));
  for (const Initializer& initializer : all) {
    const std::string text = initializer.to_string();
    const Initializer parsed = Initializer::parse(text);
    EXPECT_EQ(parsed.kind, initializer.kind) << text;
    EXPECT_EQ(parsed.to_string(), text);
    if (initializer.kind == Kind::constant || initializer.kind == Kind::uniform ||
        initializer.kind == Kind::normal) {
      EXPECT_EQ(parsed.first, initializer.first) << text;  // bit-exact
    }
    if (initializer.kind == Kind::uniform || initializer.kind == Kind::normal) {
      EXPECT_EQ(parsed.second, initializer.second) << text;
    }
  }
}

}  // namespace
