// Tests of saving and loading networks: bit-identical predictions after a round trip,
// metadata, and clear errors for wrong architectures, damaged files, architectures that do
// not match the file's tensors (checked before building) and weights that are not finite.
#include "soma/io/model.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "soma/data/synthetic.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/train/fit.hpp"
#include "support/error_message.hpp"

namespace soma::io {
namespace {

using soma::testing::error_message;

class ModelFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() /
        ("soma-model-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  std::filesystem::path directory_;
};

std::shared_ptr<nn::Sequential> trained_network() {
  Generator generator(3);
  auto network = nn::build_network({.layer_sizes = {2, 6, 6, 3},
                                    .hidden_activation = nn::ActivationKind::leaky_relu,
                                    .output_activation = nn::ActivationKind::softmax,
                                    .negative_slope = 0.05f},
                                   generator);
  // Non-trivial weights: a few steps of gradient descent.
  for (Tensor& p : network->parameters()) {
    for (int64_t i = 0; i < p.numel(); ++i) p.data()[i] += 0.01f * static_cast<float>(i % 7);
  }
  return network;
}

TEST_F(ModelFiles, RoundTripGivesBitIdenticalPredictions) {
  auto network = trained_network();
  Generator generator(5);
  const data::Dataset points = data::gaussians(50, 0.5, generator, 3);
  const Tensor before = train::predict(*network, points.features);
  save_model(path("model.soma"), *network, {{"classes", "setosa,versicolor,virginica"}});

  const LoadedModel loaded = load_model(path("model.soma"));
  EXPECT_EQ(loaded.network->architecture(), network->architecture());
  EXPECT_EQ(loaded.metadata, (Metadata{{"classes", "setosa,versicolor,virginica"}}));
  const Tensor after = train::predict(*loaded.network, points.features);
  ASSERT_EQ(after.shape(), before.shape());
  EXPECT_EQ(std::memcmp(after.data(), before.data(), static_cast<size_t>(before.numel()) * 4), 0);
}

TEST_F(ModelFiles, LoadWeightsIntoTheSameArchitecture) {
  auto network = trained_network();
  save_model(path("model.soma"), *network);
  Generator other_seed(99);
  auto fresh = nn::build_network({.layer_sizes = {2, 6, 6, 3},
                                  .hidden_activation = nn::ActivationKind::leaky_relu,
                                  .output_activation = nn::ActivationKind::softmax,
                                  .negative_slope = 0.05f},
                                 other_seed);
  load_weights(path("model.soma"), *fresh);
  const auto a = network->parameters();
  const auto b = fresh->parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].to_vector(), b[i].to_vector());
}

TEST_F(ModelFiles, WrongArchitectureIsRefusedAndChangesNothing) {
  save_model(path("model.soma"), *trained_network());
  Generator generator(1);
  auto other = nn::build_network({.layer_sizes = {2, 5, 3},
                                  .hidden_activation = nn::ActivationKind::tanh,
                                  .output_activation = nn::ActivationKind::softmax},
                                 generator);
  const std::vector<float> before = other->parameters()[0].to_vector();
  EXPECT_THAT([&] { load_weights(path("model.soma"), *other); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
                  "model.soma: wrong architecture: layer 0 is 'dense 2 6' in the file but "
                  "'dense 2 5' in the model")));
  EXPECT_EQ(other->parameters()[0].to_vector(), before);
}

TEST_F(ModelFiles, DamagedFilesGiveErrorsNotCrashes) {
  save_model(path("model.soma"), *trained_network());
  std::ifstream in(path("model.soma"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto write = [&](const std::string& name, const std::string& contents) {
    std::ofstream out(path(name), std::ios::binary);
    out << contents;
  };
  write("truncated.soma", bytes.substr(0, bytes.size() / 2));
  EXPECT_THAT([&] { load_model(path("truncated.soma")); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("truncated.soma: ")));
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
  write("flipped.soma", flipped);
  EXPECT_THAT([&] { load_model(path("flipped.soma")); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("corrupted")));
  EXPECT_THAT([&] { load_model(path("missing.soma")); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("missing.soma")));
}

TEST_F(ModelFiles, FilesWithoutANetworkOrWithMissingWeightsAreRefused) {
  save_model_file(path("tensors.soma"), ModelFile{{{"note", "just tensors"}}, {}});
  EXPECT_THAT([&] { load_model(path("tensors.soma")); },
              ::testing::ThrowsMessage<Error>(
                  ::testing::HasSubstr("tensors.soma: the file holds no network architecture")));
  save_model_file(path("partial.soma"),
                  ModelFile{{{"architecture", "dense 2 1\n"}}, {{"0.weight", zeros({2, 1})}}});
  EXPECT_THAT([&] { load_model(path("partial.soma")); },
              ::testing::ThrowsMessage<Error>(
                  ::testing::HasSubstr("partial.soma: the file has no weights for '0.bias'")));
  save_model_file(path("badarch.soma"), ModelFile{{{"architecture", "dense 2 1\nconv 3\n"}}, {}});
  EXPECT_THAT([&] { load_model(path("badarch.soma")); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr(
                  "badarch.soma: architecture line 2 ('conv 3'): unknown layer 'conv'")));
}

// The review's 338-byte file declared a huge dense layer, which was built (gigabytes
// allocated and zeroed) before any tensor was compared with it.
TEST_F(ModelFiles, ArchitectureIsCheckedAgainstTheTensorsBeforeBuilding) {
  const ModelFile small{{{"architecture", "dense 2 3\n"}},
                        {{"0.weight", zeros({2, 3})}, {"0.bias", zeros({3})}}};
  ModelFile huge = small;
  // 8 TB of weights: building it first would throw std::bad_alloc, or worse.
  huge.metadata[0].second = "dense 2 1000000000000\n";
  save_model_file(path("huge.soma"), huge);
  EXPECT_EQ(error_message([&] { load_model(path("huge.soma")); }),
            path("huge.soma") +
                ": '0.weight' has shape (2x3) in the file but (2x1000000000000) in its "
                "architecture");
  ModelFile no_tensors = huge;
  no_tensors.metadata[0].second = "dense 2 16777216\ndense 16777216 16777216\n";
  no_tensors.tensors.clear();
  save_model_file(path("empty.soma"), no_tensors);
  EXPECT_EQ(error_message([&] { load_model(path("empty.soma")); }),
            path("empty.soma") + ": the file has no weights for '0.weight'");
  // 2^62 weights: counted, but more than any tensor's shape can hold; still the file's fault.
  no_tensors.metadata[0].second = "dense 4611686018427387904 1 no_bias\n";
  save_model_file(path("unshaped.soma"), no_tensors);
  EXPECT_EQ(error_message([&] { load_model(path("unshaped.soma")); }),
            path("unshaped.soma") +
                ": shape: too many elements (the extents multiply past 2305843009213693951)");
  ModelFile extra = small;
  extra.tensors.emplace_back("1.weight\n", zeros({1}));
  save_model_file(path("extra.soma"), extra);
  EXPECT_EQ(error_message([&] { load_model(path("extra.soma")); }),
            path("extra.soma") + ": the file has weights '1.weight\\x0A' its architecture lacks");
  save_model_file(path("small.soma"), small);
  EXPECT_EQ(load_model(path("small.soma")).network->parameter_count(), 9);
}

TEST_F(ModelFiles, NonFiniteWeightsAreRefusedNamingTheTensorAndTheIndex) {
  auto network = trained_network();
  save_model(path("good.soma"), *network);
  struct Case {
    const char* tensor;
    int64_t index;
    float value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"0.weight", 7, std::numeric_limits<float>::quiet_NaN(),
       "tensor '0.weight' holds nan at index 7 (element [1, 1] of (2x6)); weights must be "
       "finite"},
      {"2.bias", 5, std::numeric_limits<float>::infinity(),
       "tensor '2.bias' holds inf at index 5 (element [5] of (6)); weights must be finite"},
      {"4.weight", 0, -std::numeric_limits<float>::infinity(),
       "tensor '4.weight' holds -inf at index 0 (element [0, 0] of (6x3)); weights must be "
       "finite"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tensor);
    ModelFile file = load_model_file(path("good.soma"));
    for (auto& [name, tensor] : file.tensors) {
      if (name == c.tensor) tensor.data()[c.index] = c.value;
    }
    save_model_file(path("bad.soma"), file);
    EXPECT_EQ(error_message([&] { load_model(path("bad.soma")); }),
              path("bad.soma") + ": " + c.message);
    const std::vector<float> before = network->parameters()[0].to_vector();
    EXPECT_EQ(error_message([&] { load_weights(path("bad.soma"), *network); }),
              path("bad.soma") + ": " + c.message);
    EXPECT_EQ(network->parameters()[0].to_vector(), before);  // nothing was copied
  }
  // Saving refuses them too, before writing anything.
  network->parameters()[1].data()[2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(error_message([&] { save_model(path("never.soma"), *network); }),
            path("never.soma") +
                ": cannot save: tensor '0.bias' holds nan at index 2 (element [2] of (6)); "
                "weights must be finite");
  EXPECT_FALSE(std::filesystem::exists(path("never.soma")));
}

}  // namespace
}  // namespace soma::io
