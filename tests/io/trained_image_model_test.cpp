// Tests of image models in files: the optional `image` entry (HEIGHTxWIDTH) round-trips, is
// written only for image models (so other files stay as earlier versions wrote them), and
// is checked against the features at load and before a save.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/io/model_file.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "support/earlier_model_files.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace soma::io {
namespace {

using soma::testing::error_message;

// A 2x3-pixel image model with three classes, as `soma train --data images.idx` makes.
TrainedModel image_model() {
  Generator generator(3);
  TrainedModel model;
  model.network = nn::build_network({.layer_sizes = {6, 4, 3}}, generator);
  model.loss = train::LossKind::softmax_cross_entropy;
  model.head = nn::ActivationKind::softmax;
  model.feature_names = {"px0_0", "px0_1", "px0_2", "px1_0", "px1_1", "px1_2"};
  model.class_names = {"0", "1", "2"};
  model.label_name = "label";
  model.description = "6-4-3 relu, trained on images.idx";
  model.image_height = 2;
  model.image_width = 3;
  return model;
}

class TrainedImageModelFiles : public soma::testing::TemporaryDirectoryTest {
 protected:
  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // Saves image_model() with the entry `image` set to `value` afterwards.
  std::string with_image_entry(const std::string& value) {
    const std::string file = path("model.soma");
    save_trained_model(file, image_model());
    ModelFile contents = load_model_file(file);
    for (auto& [key, text] : contents.metadata) {
      if (key == "image") text = value;
    }
    save_model_file(file, contents);
    return file;
  }
};

TEST_F(TrainedImageModelFiles, TheImageShapeRoundTrips) {
  save_trained_model(path("m.soma"), image_model());
  const ModelFile file = load_model_file(path("m.soma"));
  ASSERT_NE(file.find_metadata("image"), nullptr);
  EXPECT_EQ(*file.find_metadata("image"), "2x3");
  const TrainedModel loaded = load_trained_model(path("m.soma"));
  EXPECT_TRUE(loaded.is_image());
  EXPECT_EQ(loaded.image_height, 2);
  EXPECT_EQ(loaded.image_width, 3);
}

TEST_F(TrainedImageModelFiles, OtherModelsHaveNoImageEntryAndEarlierFilesAreNoImages) {
  TrainedModel model = image_model();
  model.image_height = 0;
  model.image_width = 0;
  save_trained_model(path("m.soma"), model);
  EXPECT_EQ(load_model_file(path("m.soma")).find_metadata("image"), nullptr);
  EXPECT_FALSE(load_trained_model(path("m.soma")).is_image());
  for (const auto& earlier : soma::testing::earlier_model_files) {
    const TrainedModel loaded =
        load_trained_model(soma::testing::fixtures_directory + "/" + earlier.model);
    EXPECT_FALSE(loaded.is_image()) << earlier.model;
  }
}

TEST_F(TrainedImageModelFiles, ImageEntriesThatDoNotFitTheFeaturesAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"3x3", "image: 3x3 pixels, but feature_names has 6"},
      {"6x1", ""},  // as many pixels as features: another shape of the same image
      {"2by3", "image: '2by3' is not HEIGHTxWIDTH, e.g. 28x28 (each side 1 to 65536)"},
      {"0x6", "image: '0x6' is not HEIGHTxWIDTH, e.g. 28x28 (each side 1 to 65536)"},
      {"2x3x1", "image: '2x3x1' is not HEIGHTxWIDTH, e.g. 28x28 (each side 1 to 65536)"},
  };
  for (const auto& [value, message] : cases) {
    SCOPED_TRACE(value);
    const std::string file = with_image_entry(value);
    if (message.empty()) {
      EXPECT_EQ(load_trained_model(file).image_height, 6);
    } else {
      EXPECT_EQ(error_message([&] { load_trained_model(file); }), file + ": " + message);
    }
  }
  TrainedModel mapped = image_model();
  mapped.image_height = 1;
  mapped.image_width = 5;
  EXPECT_EQ(error_message([&] { save_trained_model(path("bad.soma"), mapped); }),
            path("bad.soma") + ": cannot save: image: 1x5 pixels, but feature_names has 6");
}

TEST(ImageShape, ParsesHeightByWidth) {
  EXPECT_EQ(parse_image_shape("28x28"), std::make_pair(int64_t{28}, int64_t{28}));
  EXPECT_EQ(parse_image_shape("1x65536"), std::make_pair(int64_t{1}, int64_t{65536}));
  for (const char* bad : {"28", "x3", "3x", "1x65537", "-1x3", "3x3x3", "a8x8", "", "8 x 8"}) {
    EXPECT_EQ(error_message([&] { parse_image_shape(bad); }),
              "'" + std::string(bad) + "' is not HEIGHTxWIDTH, e.g. 28x28 (each side 1 to 65536)")
        << bad;
  }
}

}  // namespace
}  // namespace soma::io
