// Tests soma's pictures by decoding the PNGs they write: sizes, the colours of regions,
// markers, lines and background at known places, and the errors for bad files and shapes.
#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/viz/canvas.hpp"
#include "soma/viz/decision_regions.hpp"
#include "soma/viz/regression_fit.hpp"
#include "soma/viz/training_curves.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::error_message;

namespace fs = std::filesystem;
using soma::Tensor;
using soma::viz::Color;

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

bool near(const Rgb& a, const Rgb& b, int tolerance) {
  return std::abs(a.red - b.red) <= tolerance && std::abs(a.green - b.green) <= tolerance &&
         std::abs(a.blue - b.blue) <= tolerance;
}

bool is_white(const Rgb& c) {
  return c.red == 255 && c.green == 255 && c.blue == 255;
}
// The Playground's orange (245, 147, 34) and blue (8, 119, 189), loosely.
bool is_orangeish(const Rgb& c) {
  return c.red > 200 && c.green > 100 && c.blue < 90;
}
bool is_blueish(const Rgb& c) {
  return c.blue > 150 && c.red < 90 && c.blue > c.green;
}

// A decoded PNG, read through cairo as the library wrote it.
class Picture {
 public:
  explicit Picture(const fs::path& path)
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
    uint32_t pixel = 0;  // native-endian 0xAARRGGBB, opaque here
    std::memcpy(&pixel, row + 4 * x, 4);
    return {static_cast<int>((pixel >> 16) & 0xff), static_cast<int>((pixel >> 8) & 0xff),
            static_cast<int>(pixel & 0xff)};
  }
  int count_near(const Rgb& color, int tolerance) const {
    int count = 0;
    for (int y = 0; y < height(); ++y) {
      for (int x = 0; x < width(); ++x) count += near(at(x, y), color, tolerance) ? 1 : 0;
    }
    return count;
  }

 private:
  cairo_surface_t* surface_;
};

// P(class 1) = sigmoid(10 x1): class 0 (orange) on the left, class 1 (blue) on the right.
Tensor left_orange_right_blue(const Tensor& points) {
  Tensor result = Tensor::empty(soma::Shape{points.size(0), 1});
  for (int64_t i = 0; i < points.size(0); ++i) {
    result.data()[i] = 1.0f / (1.0f + std::exp(-10.0f * points.data()[2 * i]));
  }
  return result;
}

soma::train::History example_history(int epochs, bool classification) {
  soma::train::History history;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int e = 1; e <= epochs; ++e) {
    soma::train::EpochRecord record;
    record.epoch = e;
    record.train_loss = 1.0 / e;
    record.validation_loss = 1.0 / e + 0.1 + 0.004 * e;
    record.train_accuracy = classification ? 1.0 - 0.5 / e : nan;
    record.validation_accuracy = classification ? 0.95 - 0.5 / e : nan;
    record.train_rmse = classification ? nan : 1.0 / std::sqrt(e);
    record.validation_rmse = classification ? nan : 1.1 / std::sqrt(e);
    history.epochs.push_back(record);
  }
  history.best_epoch = epochs / 2;
  return history;
}

class PictureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = fs::temp_directory_path() /
                 ("soma_viz_test_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  // Four corner points and one class-0 point inside class 1's (blue) half, at (0.5, 0.6).
  const Tensor points = soma::tensor({{-1, 1}, {-1, -1}, {0.5f, 0.6f}, {1, 1}, {1, -1}});
  const Tensor labels = soma::tensor(std::vector<float>{0, 0, 0, 1, 1});
  fs::path directory_;
};

TEST(NiceTicksTest, StepsAreOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_EQ(soma::viz::nice_ticks(-1.2, 1.2, 6), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));
  EXPECT_EQ(soma::viz::nice_ticks(0, 100, 5), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_DOUBLE_EQ(soma::viz::nice_tick_step(0, 0.003, 6), 0.0005);
  // Epochs: never a half-epoch tick.
  EXPECT_EQ(soma::viz::nice_ticks(1, 3, 6, true), (std::vector<double>{1, 2, 3}));
}

TEST(NiceTicksTest, LabelsHaveTheDecimalsTheStepNeeds) {
  EXPECT_EQ(soma::viz::format_tick(0.1 + 0.2, 0.1), "0.3");
  EXPECT_EQ(soma::viz::format_tick(-1e-17, 1), "0");  // never "-0"
  EXPECT_EQ(soma::viz::format_tick(-1e-17, 0.5), "0.0");
  EXPECT_EQ(soma::viz::format_tick(0.25, 0.05), "0.25");
  EXPECT_EQ(soma::viz::format_tick(40, 20), "40");
  EXPECT_EQ(soma::viz::format_tick(2e6, 1e6), "2e+06");
}

TEST_F(PictureTest, CanvasMarkerCentreHasItsColourOnWhite) {
  soma::viz::Canvas canvas(300, 200);
  auto& axes = canvas.add_axes({0, 0, 300, 200}, {"x", 0, 10}, {"y", -1, 1});
  const Color fill = Color::from_hex(0x2ca02c);
  axes.draw_markers({5.0}, {0.5}, {fill, Color{}, 6.0, 1.0});
  axes.draw_frame();
  const fs::path path = directory_ / "canvas.png";
  canvas.save(path.string());

  const Picture picture(path);
  ASSERT_TRUE(picture.ok());
  EXPECT_EQ(picture.width(), 300);
  EXPECT_EQ(picture.height(), 200);
  const int x = static_cast<int>(axes.to_pixel_x(5.0));
  const int y = static_cast<int>(axes.to_pixel_y(0.5));
  EXPECT_TRUE(near(picture.at(x, y), to_rgb(fill), 2));
  EXPECT_TRUE(is_white(picture.at(x + 20, y)));  // inside the plot area, away from the marker
  EXPECT_TRUE(is_white(picture.at(0, 0)));
}

TEST_F(PictureTest, CairoErrorsNameThePathAndTheReason) {
  soma::viz::Canvas canvas(100, 100);
  canvas.draw_title("caf\xe9");  // Latin-1, not UTF-8: cairo refuses the text
  const std::string path = (directory_ / "title.png").string();
  const std::string message = error_message([&] { canvas.save(path); });
  EXPECT_NE(message.find("cannot write '" + path + "': cairo: "), std::string::npos) << message;
  EXPECT_NE(message.find("UTF-8"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(PictureTest, CanvasRejectsImpossibleSizes) {
  EXPECT_THROW(soma::viz::Canvas(0, 100), soma::Error);
  EXPECT_THROW(soma::viz::Canvas(100, 100000), soma::Error);
}

TEST_F(PictureTest, DecisionRegionsColourEachSideByItsClass) {
  int calls = 0;
  int64_t rows_asked = 0;
  const auto model = [&](const Tensor& grid) {
    ++calls;
    rows_asked = grid.size(0);
    EXPECT_EQ(grid.size(1), 2);
    return left_orange_right_blue(grid);
  };
  const fs::path path = directory_ / "regions.png";
  soma::viz::plot_decision_regions(path.string(), model, points, labels, 2);
  EXPECT_EQ(calls, 1);  // one batch with every grid point
  EXPECT_EQ(rows_asked, 200 * 200);

  const Picture picture(path);
  ASSERT_TRUE(picture.ok());
  ASSERT_EQ(picture.width(), 640);
  ASSERT_EQ(picture.height(), 560);
  const int middle = picture.height() / 2;
  // x1 is about -0.7 a quarter of the way across, and about +0.4 at 60%: P(1) < 0.01, > 0.98.
  EXPECT_TRUE(is_orangeish(picture.at(picture.width() / 4, middle)));
  EXPECT_TRUE(is_blueish(picture.at(picture.width() * 6 / 10, middle)));
  // The figure's background around the plot area.
  EXPECT_TRUE(is_white(picture.at(0, 0)));
  EXPECT_TRUE(is_white(picture.at(picture.width() - 1, picture.height() - 1)));
  EXPECT_TRUE(is_white(picture.at(picture.width() - 2, middle)));

  // The class-0 point at (0.5, 0.6) is the only dark orange in the blue upper right quarter:
  // its marker is a round blob whose centre has the point colour of class 0.
  const Rgb point_color = to_rgb(soma::viz::class_point_color(0));
  int left = picture.width();
  int right = -1;
  int top = picture.height();
  int bottom = -1;
  for (int y = 0; y < middle; ++y) {
    for (int x = picture.width() / 2; x < picture.width() * 3 / 4; ++x) {
      if (!near(picture.at(x, y), point_color, 3)) continue;
      left = std::min(left, x);
      right = std::max(right, x);
      top = std::min(top, y);
      bottom = std::max(bottom, y);
    }
  }
  ASSERT_GE(right, 0) << "no class-0 marker found";
  EXPECT_NEAR(right - left, bottom - top, 1);  // round
  EXPECT_GE(right - left, 4);
  EXPECT_LE(right - left, 10);
  EXPECT_TRUE(near(picture.at((left + right) / 2, (top + bottom) / 2), point_color, 3));
  EXPECT_TRUE(is_blueish(picture.at(right + 4, (top + bottom) / 2)));
}

TEST_F(PictureTest, DecisionRegionsTakeAnyNumberOfClasses) {
  // Three vertical bands: class 0 left, 1 in the middle, 2 right, all fully confident.
  const auto bands = [](const Tensor& grid) {
    Tensor result = soma::zeros(soma::Shape{grid.size(0), 3});
    for (int64_t i = 0; i < grid.size(0); ++i) {
      const float x1 = grid.data()[2 * i];
      result.data()[3 * i + (x1 < -0.33f ? 0 : x1 < 0.33f ? 1 : 2)] = 1.0f;
    }
    return result;
  };
  const Tensor three_labels = soma::tensor(std::vector<float>{0, 0, 1, 2, 2});
  const fs::path path = directory_ / "three.png";
  soma::viz::DecisionRegionOptions options;
  options.resolution = 50;
  options.title = "three classes";
  soma::viz::plot_decision_regions(path.string(), bands, points, three_labels, 3, options);
  const Picture picture(path);
  ASSERT_TRUE(picture.ok());
  EXPECT_GT(picture.count_near(to_rgb(soma::viz::class_color(2)), 2), 5000);  // green band
}

TEST_F(PictureTest, DecisionRegionsRejectAModelOfTheWrongShape) {
  const auto three_columns = [](const Tensor& grid) {
    return soma::full(soma::Shape{grid.size(0), 3}, 1.0f / 3.0f);
  };
  const fs::path path = directory_ / "wrong.png";
  soma::viz::DecisionRegionOptions options;
  options.resolution = 20;
  const std::string message = error_message([&] {
    soma::viz::plot_decision_regions(path.string(), three_columns, points, labels, 2, options);
  });
  EXPECT_NE(message.find("plot_decision_regions: the model returned (400x3) for 400 points; "
                         "expected (400x2)"),
            std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(PictureTest, DecisionRegionsRejectBadInputsAndNonProbabilities) {
  soma::viz::DecisionRegionOptions options;
  options.resolution = 10;
  const std::string path = (directory_ / "bad.png").string();
  const auto logits = [](const Tensor& grid) { return soma::full({grid.size(0), 1}, 3.0f); };
  EXPECT_NE(error_message([&] {
              soma::viz::plot_decision_regions(path, logits, points, labels, 2, options);
            }).find("no probability"),
            std::string::npos);
  const Tensor bad_labels = soma::tensor(std::vector<float>{0, 0, 0, 1, 2});
  EXPECT_NE(error_message([&] {
              soma::viz::plot_decision_regions(path, left_orange_right_blue, points, bad_labels, 2,
                                               options);
            }).find("label 4 is 2"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              soma::viz::plot_decision_regions(path, left_orange_right_blue, soma::zeros({5, 3}),
                                               labels, 2, options);
            }).find("points must be (n x 2)"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(PictureTest, WritingIntoAMissingDirectoryThrowsNamingThePath) {
  const fs::path missing = directory_ / "no_such_directory";
  const std::string path = (missing / "regions.png").string();
  soma::viz::DecisionRegionOptions options;
  options.resolution = 10;
  const std::string message = error_message([&] {
    soma::viz::plot_decision_regions(path, left_orange_right_blue, points, labels, 2, options);
  });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_TRUE(fs::is_empty(directory_));
}

TEST_F(PictureTest, TrainingCurvesShowTheLossLine) {
  const fs::path path = directory_ / "curves.png";
  soma::viz::CurveOptions options;
  options.width = 500;
  options.height = 420;
  soma::viz::plot_training_curves(path.string(), example_history(40, true), options);
  const Picture picture(path);
  ASSERT_TRUE(picture.ok());
  EXPECT_EQ(picture.width(), 500);
  EXPECT_EQ(picture.height(), 420);
  const Rgb training = to_rgb(Color::from_hex(0x0877bd));
  const Rgb validation = to_rgb(Color::from_hex(0xf59322));
  // Far more than the legends' short swatches: the lines are there in both panels.
  EXPECT_GT(picture.count_near(training, 12), 600);
  EXPECT_GT(picture.count_near(validation, 12), 600);
  EXPECT_TRUE(is_white(picture.at(0, 0)));
}

TEST_F(PictureTest, TrainingCurvesHandleRegressionOneEpochAndEmptyHistories) {
  const fs::path path = directory_ / "rmse.png";
  soma::viz::plot_training_curves(path.string(), example_history(1, false));
  const Picture picture(path);
  ASSERT_TRUE(picture.ok());
  EXPECT_EQ(picture.width(), 720);
  EXPECT_NE(error_message([&] {
              soma::viz::plot_training_curves(path.string(), soma::train::History{});
            }).find("no epochs"),
            std::string::npos);
}

TEST_F(PictureTest, RegressionFitDrawsTargetDataAndNetwork) {
  const Tensor x = soma::tensor({{-2}, {-1}, {0}, {1}, {2}});
  const Tensor y = soma::tensor({{4.2f}, {0.8f}, {0.1f}, {1.1f}, {3.9f}});
  int calls = 0;
  const auto model = [&](const Tensor& inputs) {
    ++calls;
    Tensor out = Tensor::empty(soma::Shape{inputs.size(0), 1});
    for (int64_t i = 0; i < inputs.size(0); ++i) {
      out.data()[i] = 0.9f * inputs.data()[i] * inputs.data()[i] + 0.2f;
    }
    return out;
  };
  const fs::path path = directory_ / "fit.png";
  soma::viz::plot_regression_fit(
      path.string(), [](double v) { return v * v; }, model, x, y);
  EXPECT_EQ(calls, 1);
  const Picture picture(path);
  ASSERT_TRUE(picture.ok());
  EXPECT_EQ(picture.width(), 640);
  EXPECT_EQ(picture.height(), 480);
  EXPECT_GT(picture.count_near(to_rgb(Color::from_hex(0x0877bd)), 8), 1000);  // thick curve

  const auto wrong = [](const Tensor& inputs) { return soma::zeros({inputs.size(0), 2}); };
  EXPECT_NE(error_message([&] {
              soma::viz::plot_regression_fit(path.string(), {}, wrong, x, y);
            }).find("the model returned (400x2) for 400 inputs; expected (400x1)"),
            std::string::npos);
}

}  // namespace
