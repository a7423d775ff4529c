// plot_decision_regions: check the inputs, ask the model about a grid over the plane in one
// batch, colour each cell by its argmax and confidence, then draw the points, axes, legend.
#include "soma/viz/decision_regions.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "soma/autograd/grad_mode.hpp"
#include "soma/core/error.hpp"

namespace soma::viz {

namespace {

constexpr const char* operation = "plot_decision_regions";

constexpr std::array<uint32_t, 10> palette{0xf59322, 0x0877bd, 0x2ca02c, 0xd62728, 0x9467bd,
                                           0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

[[noreturn]] void fail(const std::string& message) {
  throw Error(std::string(operation) + ": " + message);
}

// The range of one column of the (n x 2) points, widened by `padding` of its span on each
// side; a column with a single value gets a span of 2 around it.
std::pair<double, double> padded_range(const Tensor& points, int column, double padding) {
  const float* data = points.data();
  double low = data[column];
  double high = low;
  for (int64_t i = 0; i < points.size(0); ++i) {
    const double value = data[i * 2 + column];
    if (!std::isfinite(value)) {
      fail("point " + std::to_string(i) + " has a coordinate that is not finite (" +
           std::to_string(value) + ")");
    }
    low = std::min(low, value);
    high = std::max(high, value);
  }
  if (low == high) {
    low -= 1.0;
    high += 1.0;
  }
  const double extra = (high - low) * padding;
  return {low - extra, high + extra};
}

std::vector<int64_t> checked_labels(const Tensor& labels, int64_t count, int64_t classes) {
  const bool column = labels.defined() && labels.rank() == 2 && labels.size(1) == 1;
  if (!labels.defined() || !(labels.rank() == 1 || column) || labels.size(0) != count) {
    fail("labels must be (" + std::to_string(count) + ") class indices, one per point; got " +
         (labels.defined() ? labels.shape().to_string() : std::string("an undefined tensor")));
  }
  std::vector<int64_t> result(static_cast<size_t>(count));
  const float* data = labels.data();
  for (int64_t i = 0; i < count; ++i) {
    const float label = data[i];
    if (!(label >= 0.0f) || label >= static_cast<float>(classes) || label != std::floor(label)) {
      fail("label " + std::to_string(i) + " is " + std::to_string(label) +
           ", not a class index in [0, " + std::to_string(classes) + ")");
    }
    result[static_cast<size_t>(i)] = static_cast<int64_t>(label);
  }
  return result;
}

// The (resolution^2 x 2) centres of the grid cells, row by row from the top (highest x2).
Tensor grid_points(const AxisSpec& x, const AxisSpec& y, int resolution) {
  Tensor grid = Tensor::empty(Shape{int64_t{resolution} * resolution, 2});
  float* data = grid.data();
  const double cell_width = (x.high - x.low) / resolution;
  const double cell_height = (y.high - y.low) / resolution;
  for (int row = 0; row < resolution; ++row) {
    for (int column = 0; column < resolution; ++column) {
      const int64_t i = int64_t{row} * resolution + column;
      data[2 * i] = static_cast<float>(x.low + (column + 0.5) * cell_width);
      data[2 * i + 1] = static_cast<float>(y.high - (row + 0.5) * cell_height);
    }
  }
  return grid;
}

// One colour per grid cell: the argmax class's colour, blended from the undecided grey at
// chance-level confidence (1 / classes) to the full colour at confidence 1.
std::vector<Color> region_colors(const Tensor& probabilities, int64_t cells, int64_t classes) {
  const bool one_column = classes == 2 && probabilities.defined() && probabilities.rank() == 2 &&
                          probabilities.size(1) == 1;
  if (!probabilities.defined() || probabilities.rank() != 2 || probabilities.size(0) != cells ||
      (probabilities.size(1) != classes && !one_column)) {
    const std::string got =
        probabilities.defined() ? probabilities.shape().to_string() : "an undefined tensor";
    const std::string expected = "(" + std::to_string(cells) + "x" + std::to_string(classes) + ")";
    fail("the model returned " + got + " for " + std::to_string(cells) + " points; expected " +
         expected + " class probabilities" +
         (classes == 2 ? ", or (" + std::to_string(cells) + "x1) = P(class 1)" : std::string()));
  }
  const float* data = probabilities.data();
  const int64_t columns = probabilities.size(1);
  const double chance = 1.0 / static_cast<double>(classes);
  std::vector<Color> colors(static_cast<size_t>(cells));
  std::vector<double> row(static_cast<size_t>(classes));
  for (int64_t cell = 0; cell < cells; ++cell) {
    const float* values = data + cell * columns;
    if (one_column) {
      row[0] = 1.0 - values[0];
      row[1] = values[0];
    } else {
      std::copy(values, values + classes, row.begin());
    }
    bool defined = true;
    for (double p : row) {
      if (std::isnan(p)) {
        defined = false;
      } else if (p < -1e-3 || p > 1.0 + 1e-3) {
        fail("the model returned " + std::to_string(p) +
             ", which is no probability in [0, 1] (does the network end in softmax or "
             "sigmoid?)");
      }
    }
    if (!defined) {  // a diverged model: show that it knows nothing here
      colors[static_cast<size_t>(cell)] = undecided_color();
      continue;
    }
    const auto best = std::max_element(row.begin(), row.end());
    const double strength = (*best - chance) / (1.0 - chance);
    colors[static_cast<size_t>(cell)] =
        undecided_color().mix(class_color(best - row.begin()), strength);
  }
  return colors;
}

// Refuses what no picture can be drawn from, naming the argument.
void check_arguments(const ClassProbabilities& model, const Tensor& points, int64_t classes,
                     const DecisionRegionOptions& options) {
  if (!model) fail("no model was given");
  if (classes < 2) fail("needs at least 2 classes, got " + std::to_string(classes));
  if (!points.defined() || points.rank() != 2 || points.size(1) != 2 || points.size(0) < 1) {
    fail("points must be (n x 2) with n >= 1; got " +
         (points.defined() ? points.shape().to_string() : std::string("an undefined tensor")));
  }
  if (options.resolution < 2 || options.resolution > 2000) {
    fail("resolution must be 2 to 2000 cells per axis, got " + std::to_string(options.resolution));
  }
  if (!(options.padding >= 0.0) || !std::isfinite(options.padding)) {
    fail("padding must be a fraction >= 0, got " + std::to_string(options.padding));
  }
  if (!options.class_names.empty() && options.class_names.size() != static_cast<size_t>(classes)) {
    fail(std::to_string(options.class_names.size()) + " class names for " +
         std::to_string(classes) + " classes");
  }
}

}  // namespace

Color class_color(int64_t class_index) {
  const auto size = static_cast<int64_t>(palette.size());
  return Color::from_hex(palette[static_cast<size_t>(((class_index % size) + size) % size)]);
}

Color class_point_color(int64_t class_index) {
  return class_color(class_index).mix(Color{0.0, 0.0, 0.0}, 1.0 / 3.0);
}

Color undecided_color() {
  return Color::from_hex(0xf4f5f6);
}

void plot_decision_regions(const std::string& path, const ClassProbabilities& model,
                           const Tensor& points, const Tensor& labels, int64_t classes,
                           const DecisionRegionOptions& options) {
  check_arguments(model, points, classes, options);
  const std::vector<int64_t> point_classes = checked_labels(labels, points.size(0), classes);
  const auto [x_low, x_high] = padded_range(points, 0, options.padding);
  const auto [y_low, y_high] = padded_range(points, 1, options.padding);

  Canvas canvas(options.width, options.height);
  canvas.draw_title(options.title);
  // A few points can be large; hundreds must stay small enough not to hide the regions.
  const double radius = points.size(0) <= 100 ? 5.0 : 4.0;
  const MarkerStyle base_marker{Color{}, Color{1.0, 1.0, 1.0}, radius, 1.2};
  std::vector<LegendEntry> legend;
  for (int64_t k = 0; k < classes; ++k) {
    LegendEntry entry;
    entry.label = options.class_names.empty() ? "class " + std::to_string(k)
                                              : options.class_names[static_cast<size_t>(k)];
    entry.kind = LegendEntry::Kind::marker;
    entry.marker = base_marker;
    entry.marker.fill = class_point_color(k);
    entry.marker.outline = Color{0.3, 0.3, 0.3};  // white would vanish on the legend's white
    legend.push_back(entry);
  }
  // The legend sits right of the plot so that it never hides a region or a point.
  const double top = options.title.empty() ? 8.0 : Canvas::title_height();
  const double legend_room = canvas.legend_width(legend) + 20.0;
  const Rect panel{4.0, top, options.width - 4.0 - legend_room, options.height - top - 4.0};
  Axes& axes = canvas.add_axes(panel, AxisSpec{options.x_label, x_low, x_high},
                               AxisSpec{options.y_label, y_low, y_high});

  const int resolution = options.resolution;
  const Tensor grid = grid_points(axes.x_axis(), axes.y_axis(), resolution);
  Tensor probabilities;
  {
    NoGradGuard no_graph;  // 40,000 rows of activations are not needed for a picture
    probabilities = model(grid);
  }
  axes.draw_color_grid(resolution, resolution, region_colors(probabilities, grid.size(0), classes));

  const float* coordinates = points.data();
  for (int64_t k = 0; k < classes; ++k) {
    std::vector<double> xs;
    std::vector<double> ys;
    for (size_t i = 0; i < point_classes.size(); ++i) {
      if (point_classes[i] != k) continue;
      xs.push_back(coordinates[2 * i]);
      ys.push_back(coordinates[2 * i + 1]);
    }
    MarkerStyle marker = base_marker;
    marker.fill = class_point_color(k);
    axes.draw_markers(xs, ys, marker);
  }
  axes.draw_frame();
  axes.draw_legend(legend, LegendPlacement::outside_right);
  canvas.save(path);
}

}  // namespace soma::viz
