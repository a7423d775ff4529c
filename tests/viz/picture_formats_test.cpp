// Tests that a Canvas writes PNG, SVG and PDF by the file's extension (SVG and PDF drawn in
// lines, not as an embedded photograph) and frees its recording after any of them, refuses
// other extensions, and what the training curves' dashed line says about the kept epoch.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/viz/canvas.hpp"
#include "soma/viz/training_curves.hpp"
#include "support/error_message.hpp"
#include "viz/drawing.hpp"

namespace {

namespace fs = std::filesystem;
using soma::viz::Color;

std::string contents(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class PictureFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("soma-picture-formats-" +
                  std::to_string(::testing::UnitTest::GetInstance()->current_test_info()->line()));
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  // A 300 x 200 canvas with one green marker (0x2ca02c) and a frame, saved as `name`.
  fs::path save_marker(const std::string& name) const {
    soma::viz::Canvas canvas(300, 200);
    auto& axes = canvas.add_axes({0, 0, 300, 200}, {"x", 0, 10}, {"y", -1, 1});
    axes.draw_markers({5.0}, {0.5}, {Color::from_hex(0x2ca02c), Color{}, 6.0, 1.0});
    axes.draw_frame();
    const fs::path path = directory_ / name;
    canvas.save(path.string());
    return path;
  }

  fs::path directory_;
};

TEST_F(PictureFormatsTest, TheExtensionChoosesTheFormat) {
  EXPECT_EQ(contents(save_marker("marker.png")).substr(0, 8), "\x89PNG\r\n\x1a\n");

  const std::string svg = contents(save_marker("marker.svg"));
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u) << svg.substr(0, 80);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("width=\"300pt\" height=\"200pt\""), std::string::npos) << svg.substr(0, 300);
  // The marker is a vector shape in its own colour (44/255 = 17.2549%, 160/255 = 62.7451%),
  // not pixels of an embedded image.
  EXPECT_NE(svg.find("rgb(17.254902%,62.745098%,17.254902%)"), std::string::npos);
  EXPECT_EQ(svg.find("<image"), std::string::npos);

  const std::string pdf = contents(save_marker("marker.pdf"));
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u) << pdf.substr(0, 16);
  EXPECT_NE(pdf.find("%%EOF", pdf.size() - 8), std::string::npos);

  // Upper case names the same formats.
  EXPECT_EQ(contents(save_marker("MARKER.PDF")).rfind("%PDF-", 0), 0u);
}

// Cairo 1.16's SVG writer keeps a reference to a recording it replays; encode_recording drops
// it, or the recording and all drawn on it (here a 200 x 200 image) would never be freed.
TEST(EncodeRecording, LeavesTheRecordingToBeFreedByItsOwner) {
  const cairo_rectangle_t extents{0.0, 0.0, 300.0, 200.0};
  cairo_surface_t* recording = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, &extents);
  bool freed = false;
  static const cairo_user_data_key_t key{};
  cairo_surface_set_user_data(recording, &key, &freed,
                              [](void* flag) { *static_cast<bool*>(flag) = true; });
  cairo_t* cr = cairo_create(recording);
  const std::vector<Color> cells(200 * 200, Color::from_hex(0x0877bd));
  soma::viz::paint_color_grid(cr, {50.0, 0.0, 200.0, 200.0}, 200, 200, cells, true);
  cairo_destroy(cr);

  const unsigned int references = cairo_surface_get_reference_count(recording);
  ASSERT_EQ(references, 1u);
  // Each format's mark: the SVG embeds the grid as an image, the others open as such files.
  const std::pair<std::string, std::string> formats[] = {
      {"svg", "<image"}, {"svg", "<image"}, {"png", "\x89PNG"}, {"pdf", "%PDF-"}};
  for (const auto& [format, mark] : formats) {
    std::string encoded;
    EXPECT_EQ(soma::viz::encode_recording(recording, format, 300, 200, encoded),
              CAIRO_STATUS_SUCCESS);
    EXPECT_NE(encoded.find(mark), std::string::npos) << format;
    EXPECT_EQ(cairo_surface_get_reference_count(recording), references) << format;
  }
  cairo_surface_destroy(recording);
  EXPECT_TRUE(freed);
}

TEST_F(PictureFormatsTest, PictureFormatReadsTheLastExtension) {
  using soma::viz::picture_format;
  EXPECT_EQ(picture_format("out/curves.png"), "png");
  EXPECT_EQ(picture_format("curves.v2.SVG"), "svg");
  EXPECT_EQ(picture_format("report.pdf"), "pdf");
  EXPECT_EQ(picture_format("curves.jpg"), "");
  EXPECT_EQ(picture_format("net.dot"), "");
  EXPECT_EQ(picture_format("png"), "");
  EXPECT_EQ(picture_format("pictures.png/curves"), "");
}

TEST_F(PictureFormatsTest, AnotherExtensionIsRefusedNamingThePath) {
  soma::viz::Canvas canvas(50, 50);
  const std::string path = (directory_ / "marker.jpg").string();
  const std::string message = soma::testing::error_message([&] { canvas.save(path); });
  EXPECT_EQ(message, "cannot write '" + path + "': a picture's name ends in .png, .svg or .pdf");
  EXPECT_FALSE(fs::exists(path));
}

soma::train::History history_of(int epochs, int best_epoch, bool validated) {
  soma::train::History history;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    soma::train::EpochRecord record;
    record.epoch = epoch;
    record.train_loss = 1.0 / epoch;
    record.validation_loss = validated ? 1.0 / epoch : NAN;
    history.epochs.push_back(record);
  }
  history.best_epoch = best_epoch;
  return history;
}

TEST(KeptEpochLabel, SaysWhichEpochsWeightsTheModelKeptAndWhy) {
  using soma::viz::kept_epoch_label;
  EXPECT_EQ(kept_epoch_label(history_of(100, 100, true)), "weights kept: last epoch (100)");
  EXPECT_EQ(kept_epoch_label(history_of(40, 28, true)),
            "weights kept: epoch 28 (lowest validation loss)");
  EXPECT_EQ(kept_epoch_label(history_of(40, 28, false)),
            "weights kept: epoch 28 (lowest training loss)");
}

}  // namespace
