// Tests of the pictures of image data, by decoding the PNGs they write: the grid's size,
// each image's pixels in grey, the red frame that marks a mistake (and none round a right
// answer), the weights on their diverging map with one scale per unit, and the confusion
// matrix's cells shaded by their share of the row.
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "soma/viz/canvas.hpp"
#include "soma/viz/confusion_plot.hpp"
#include "soma/viz/image_grid.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace soma::viz {
namespace {

using soma::testing::error_message;

struct Rgb {
  int red = 0;
  int green = 0;
  int blue = 0;
};

Rgb to_rgb(const Color& color) {
  return {static_cast<int>(std::lround(color.red * 255)),
          static_cast<int>(std::lround(color.green * 255)),
          static_cast<int>(std::lround(color.blue * 255))};
}

bool near(const Rgb& a, const Rgb& b, int tolerance = 2) {
  return std::abs(a.red - b.red) <= tolerance && std::abs(a.green - b.green) <= tolerance &&
         std::abs(a.blue - b.blue) <= tolerance;
}

// A PNG decoded through cairo.
class Picture {
 public:
  explicit Picture(const std::string& path)
      : surface_(cairo_image_surface_create_from_png(path.c_str())) {}
  ~Picture() { cairo_surface_destroy(surface_); }
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;

  bool ok() const { return cairo_surface_status(surface_) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface_); }
  int height() const { return cairo_image_surface_get_height(surface_); }
  Rgb at(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(surface_) + y * cairo_image_surface_get_stride(surface_);
    uint32_t pixel = 0;  // native-endian 0xAARRGGBB
    std::memcpy(&pixel, row + 4 * x, 4);
    return {static_cast<int>((pixel >> 16) & 0xff), static_cast<int>((pixel >> 8) & 0xff),
            static_cast<int>(pixel & 0xff)};
  }
  int count_near(const Rgb& color) const {
    int count = 0;
    for (int y = 0; y < height(); ++y) {
      for (int x = 0; x < width(); ++x) count += near(at(x, y), color) ? 1 : 0;
    }
    return count;
  }

 private:
  cairo_surface_t* surface_;
};

const Rgb white{255, 255, 255};
const Rgb mistake_red{0xd6, 0x27, 0x28};

class ImagePictures : public soma::testing::TemporaryDirectoryTest {
 protected:
  std::string path(const std::string& name) const { return (directory_ / name).string(); }
};

// Three 2x2 images in one row of three tiles. A 2-pixel side is drawn 32 times larger, so
// each image is 64 x 64; a cell is 64 + 2 x 3 (frame) + 8 (padding) = 78 wide and
// 64 + 6 + 18 (label) + 4 = 92 high under the 34-pixel title: 8 + 3 x 78 + 8 = 250 wide,
// 34 + 92 + 8 = 134 high. Image i starts at x = 8 + 78 i + 7, y = 37.
TEST_F(ImagePictures, SamplesAreGreyImagesAndOnlyTheMistakeIsFramedInRed) {
  const Tensor pixels = soma::tensor({{0.0f, 1.0f, 0.5f, 0.25f},  // a right answer
                                      {1.0f, 1.0f, 1.0f, 1.0f},
                                      {0.0f, 0.0f, 0.0f, 1.0f}});  // a mistake
  plot_image_samples(path("samples.png"), pixels, 2, 2, {0, 1, 1}, {0, 1, 0}, {"a", "b"},
                     {.title = "three samples", .subtitle = "", .columns = 3, .max_images = 64});
  const Picture picture(path("samples.png"));
  ASSERT_TRUE(picture.ok());
  EXPECT_EQ(picture.width(), 250);
  EXPECT_EQ(picture.height(), 134);
  const int x0 = 15;
  const int y = 37;
  EXPECT_TRUE(near(picture.at(x0 + 16, y + 16), white));            // 0: no ink
  EXPECT_TRUE(near(picture.at(x0 + 48, y + 16), {0, 0, 0}));        // 1: black
  EXPECT_TRUE(near(picture.at(x0 + 16, y + 48), {128, 128, 128}));  // 0.5
  EXPECT_TRUE(near(picture.at(x0 + 48, y + 48), {191, 191, 191}));  // 0.25
  // The frame is the 3 pixels just outside an image: red round the third, not the first.
  const int x2 = 8 + 2 * 78 + 7;
  EXPECT_TRUE(near(picture.at(x2 - 2, y + 32), mistake_red));
  EXPECT_TRUE(near(picture.at(x2 + 32, y - 2), mistake_red));
  EXPECT_TRUE(near(picture.at(x0 - 2, y + 32), white));
  EXPECT_TRUE(near(picture.at(x0 + 32, y - 2), white));
  EXPECT_TRUE(near(picture.at(x2 + 48, y + 48), {0, 0, 0}));  // its pixels are drawn too
}

TEST_F(ImagePictures, WeightsUseOneDivergingScalePerUnit) {
  // 2x2 pixels x 2 units: unit 1 spans [-1, 1], unit 2 only [-0.2, 0.1].
  const Tensor weights = soma::tensor({{1.0f, 0.1f}, {-1.0f, 0.0f}, {0.5f, 0.0f}, {0.0f, -0.2f}});
  plot_weight_images(path("weights.png"), weights, 2, 2,
                     {.title = "", .subtitle = "", .columns = 2, .max_images = 64});
  const Picture picture(path("weights.png"));
  ASSERT_TRUE(picture.ok());
  EXPECT_EQ(picture.width(), 8 + 2 * 78 + 8);
  const int y = 37;
  const int x0 = 15;
  const int x1 = 15 + 78;
  EXPECT_TRUE(near(picture.at(x0 + 16, y + 16), to_rgb(diverging_color(1.0))));
  EXPECT_TRUE(near(picture.at(x0 + 48, y + 16), to_rgb(diverging_color(-1.0))));
  EXPECT_TRUE(near(picture.at(x0 + 16, y + 48), to_rgb(diverging_color(0.5))));
  EXPECT_TRUE(near(picture.at(x0 + 48, y + 48), white));
  // Unit 2's own largest |w| is 0.2: -0.2 is full blue and 0.1 half red.
  EXPECT_TRUE(near(picture.at(x1 + 48, y + 48), to_rgb(diverging_color(-1.0))));
  EXPECT_TRUE(near(picture.at(x1 + 16, y + 16), to_rgb(diverging_color(0.5))));
  EXPECT_TRUE(near(to_rgb(diverging_color(-1.0)), {0x08, 0x77, 0xbd}));
  EXPECT_TRUE(near(to_rgb(diverging_color(0.0)), white));
}

TEST_F(ImagePictures, ConfusionCellsAreShadedByTheirShareOfTheRow) {
  plot_confusion_matrix(path("confusion.png"), {{3, 1}, {0, 4}}, {"cat", "dog"},
                        {.title = "confusion", .subtitle = "2 classes"});
  const Picture picture(path("confusion.png"));
  ASSERT_TRUE(picture.ok());
  const Color none{1.0, 1.0, 1.0};
  const Color all = Color::from_hex(0x08306b);
  // Cells of 48 x 48 pixels: 3 of 4, 1 of 4, and 4 of 4 appear, each nearly whole (its
  // count and outline take some pixels); the empty cell is white like the background.
  EXPECT_GT(picture.count_near(to_rgb(none.mix(all, 0.75))), 1600);
  EXPECT_GT(picture.count_near(to_rgb(none.mix(all, 0.25))), 1600);
  EXPECT_GT(picture.count_near(to_rgb(all)), 1600);
  EXPECT_LT(picture.count_near(to_rgb(none.mix(all, 0.5))), 50);
}

TEST_F(ImagePictures, ShapesThatDoNotFitAreRefused) {
  const Tensor pixels = soma::zeros(Shape{2, 6});
  EXPECT_EQ(error_message([&] {
              plot_image_samples(path("x.png"), pixels, 2, 2, {0, 0}, {0, 0}, {"a"});
            }),
            "viz: images of shape (2x6) are not rows of 2 x 2 images");
  EXPECT_EQ(error_message([&] {
              plot_image_samples(path("x.png"), pixels, 2, 3, {0}, {0, 0}, {"a"});
            }),
            "viz: 2 images need as many predicted (1) and true classes (2)");
  EXPECT_EQ(error_message([&] {
              plot_image_samples(path("x.png"), pixels, 2, 3, {0, 2}, {0, 0}, {"a", "b"});
            }),
            "viz: predicted class 2 is not one of 2 classes");
  EXPECT_EQ(error_message([&] { plot_weight_images(path("x.png"), pixels, 2, 2); }),
            "viz: weights of shape (2x6) are not 2 x 2 pixels x units (a first layer's)");
  EXPECT_EQ(error_message([&] {
              plot_confusion_matrix(path("x.png"), {{1, 2}}, {"a", "b"});
            }),
            "viz: a confusion matrix of 2 classes needs that many rows of that many counts, got "
            "1 rows");
  EXPECT_FALSE(std::filesystem::exists(path("x.png")));
}

}  // namespace
}  // namespace soma::viz
