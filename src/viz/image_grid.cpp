// plot_image_samples and plot_weight_images: tiles of height x width images in a grid,
// each a sharp block of pixels with a line of text under it, drawn with the Painter.
#include "soma/viz/image_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "soma/core/error.hpp"
#include "viz/painter.hpp"

namespace soma::viz {

namespace {

const Color mistake_color = Color::from_hex(0xd62728);
const Color label_color{0.13, 0.13, 0.13};
const Color negative_color = Color::from_hex(0x0877bd);
const Color positive_color = Color::from_hex(0xd62728);

constexpr double label_font = 11.0;
constexpr double label_height = 18.0;
constexpr double padding = 8.0;
constexpr double frame = 3.0;  // the red frame round a mistake, outside its image
constexpr double subtitle_font = 12.0;

// Where the tiles go: `count` of them, `columns` a row, each image `tile_width` x
// `tile_height` pixels (at least 64 wide for its label) with its label line below.
struct Layout {
  int count = 0;
  int columns = 1;
  double tile_width = 0.0;
  double tile_height = 0.0;
  double cell_width = 0.0;
  double cell_height = 0.0;
  double top = 0.0;

  Rect image(int index) const {
    const double x = padding + (index % columns) * cell_width + (cell_width - tile_width) / 2.0;
    const double y = top + (index / columns) * cell_height + frame;
    return {x, y, tile_width, tile_height};
  }
  int width() const { return static_cast<int>(std::ceil(2 * padding + columns * cell_width)); }
  int height() const {
    const int rows = (count + columns - 1) / columns;
    return static_cast<int>(std::ceil(top + rows * cell_height + padding));
  }
};

// Pixels of about 64 / the longer side each (whole pixels up to that), so that 8 x 8 digits
// and 28 x 28 MNIST images both come out about 64 pixels wide; never wider than a row of
// 8000 pixels allows.
Layout layout_for(int count, int columns, int64_t height, int64_t width, bool subtitle) {
  Layout layout;
  layout.count = count;
  layout.columns = std::max(1, std::min(columns, count));
  const double longer = static_cast<double>(std::max(height, width));
  double zoom = std::max(1.0, std::floor(64.0 / longer));
  zoom = std::min(zoom, 8000.0 / layout.columns / longer);
  layout.tile_width = static_cast<double>(width) * zoom;
  layout.tile_height = static_cast<double>(height) * zoom;
  layout.cell_width = std::max(layout.tile_width, 64.0) + 2 * frame + padding;
  layout.cell_height = layout.tile_height + 2 * frame + label_height + padding / 2;
  layout.top = Canvas::title_height() + (subtitle ? 18.0 : 0.0);
  return layout;
}

void check_image_shape(const Tensor& pixels, int64_t height, int64_t width, const char* what) {
  if (height < 1 || width < 1 || pixels.rank() != 2 || pixels.shape()[1] != height * width) {
    throw Error(std::string("viz: ") + what + " of shape " + pixels.shape().to_string() +
                " are not rows of " + std::to_string(height) + " x " + std::to_string(width) +
                " images");
  }
}

void draw_header(Canvas& canvas, const ImageGridOptions& options) {
  canvas.draw_title(options.title);
  if (options.subtitle.empty()) return;
  Painter(canvas).text(options.subtitle, canvas.width() / 2.0, Canvas::title_height() + 4.0, 0.5,
                       subtitle_font, label_color, false, canvas.width() - 2 * padding);
}

// Row `row` of `pixels` as grey levels: `low` white, `high` black.
std::vector<Color> grey_image(const Tensor& pixels, int64_t row, double low, double high) {
  const int64_t count = pixels.shape()[1];
  const float* values = pixels.data() + row * count;
  std::vector<Color> cells(static_cast<size_t>(count));
  for (int64_t p = 0; p < count; ++p) {
    const double ink = high > low ? (values[p] - low) / (high - low) : 0.0;
    const double level = 1.0 - std::clamp(ink, 0.0, 1.0);
    cells[static_cast<size_t>(p)] = {level, level, level};
  }
  return cells;
}

std::string class_name(const std::vector<std::string>& names, int64_t index, const char* what) {
  if (index < 0 || index >= static_cast<int64_t>(names.size())) {
    throw Error(std::string("viz: ") + what + " class " + std::to_string(index) +
                " is not one of " + std::to_string(names.size()) + " classes");
  }
  return names[static_cast<size_t>(index)];
}

}  // namespace

Color diverging_color(double t) {
  t = std::clamp(t, -1.0, 1.0);
  const Color white{1.0, 1.0, 1.0};
  return t < 0.0 ? white.mix(negative_color, -t) : white.mix(positive_color, t);
}

void plot_image_samples(const std::string& path, const Tensor& pixels, int64_t height,
                        int64_t width, const std::vector<int64_t>& predicted,
                        const std::vector<int64_t>& truth,
                        const std::vector<std::string>& class_names,
                        const ImageGridOptions& options) {
  check_image_shape(pixels, height, width, "images");
  const int64_t samples = pixels.shape()[0];
  if (samples < 1 || static_cast<int64_t>(predicted.size()) != samples ||
      static_cast<int64_t>(truth.size()) != samples) {
    throw Error("viz: " + std::to_string(samples) + " images need as many predicted (" +
                std::to_string(predicted.size()) + ") and true classes (" +
                std::to_string(truth.size()) + ")");
  }
  const int count = static_cast<int>(std::min<int64_t>(samples, std::max(1, options.max_images)));
  const float* first = pixels.data();
  const auto [low, high] = std::minmax_element(first, first + count * height * width);
  const Layout layout =
      layout_for(count, options.columns, height, width, !options.subtitle.empty());
  Canvas canvas(layout.width(), layout.height());
  Painter painter(canvas);
  draw_header(canvas, options);
  for (int i = 0; i < count; ++i) {
    const Rect image = layout.image(i);
    const auto index = static_cast<size_t>(i);
    const bool mistake = predicted[index] != truth[index];
    if (mistake) {
      painter.outline(
          {image.x - frame, image.y - frame, image.width + 2 * frame, image.height + 2 * frame},
          mistake_color, frame);
    }
    painter.pixels(image, static_cast<int>(width), static_cast<int>(height),
                   grey_image(pixels, i, *low, *high));
    const std::string label = class_name(class_names, predicted[index], "predicted") + " / " +
                              class_name(class_names, truth[index], "true");
    painter.text(label, image.x + image.width / 2.0, image.bottom() + frame + label_height / 2.0,
                 0.5, label_font, mistake ? mistake_color : label_color, mistake,
                 layout.cell_width - 4.0);
  }
  canvas.save(path);
}

void plot_weight_images(const std::string& path, const Tensor& weights, int64_t height,
                        int64_t width, const ImageGridOptions& options) {
  if (weights.rank() != 2 || weights.shape()[1] < 1 || weights.shape()[0] != height * width) {
    throw Error("viz: weights of shape " + weights.shape().to_string() + " are not " +
                std::to_string(height) + " x " + std::to_string(width) +
                " pixels x units (a first layer's)");
  }
  const int64_t pixels = weights.shape()[0];
  const int64_t units = weights.shape()[1];
  const int count = static_cast<int>(std::min<int64_t>(units, std::max(1, options.max_images)));
  const Layout layout =
      layout_for(count, options.columns, height, width, !options.subtitle.empty());
  Canvas canvas(layout.width(), layout.height());
  Painter painter(canvas);
  draw_header(canvas, options);
  const float* w = weights.data();
  for (int unit = 0; unit < count; ++unit) {
    double largest = 0.0;
    for (int64_t p = 0; p < pixels; ++p)
      largest = std::max(largest, std::abs(double{w[p * units + unit]}));
    std::vector<Color> cells(static_cast<size_t>(pixels));
    for (int64_t p = 0; p < pixels; ++p) {
      cells[static_cast<size_t>(p)] =
          diverging_color(largest > 0.0 ? w[p * units + unit] / largest : 0.0);
    }
    const Rect image = layout.image(unit);
    painter.pixels(image, static_cast<int>(width), static_cast<int>(height), cells);
    painter.outline({image.x - 1, image.y - 1, image.width + 2, image.height + 2},
                    {0.75, 0.75, 0.75}, 1.0);
    char label[48];
    std::snprintf(label, sizeof label, "%d: \u00b1%.2g", unit + 1, largest);  // its scale
    painter.text(label, image.x + image.width / 2.0, image.bottom() + frame + label_height / 2.0,
                 0.5, label_font, label_color, false, layout.cell_width - 4.0);
  }
  canvas.save(path);
}

}  // namespace soma::viz
