// plot_confusion_matrix: a K x K grid of cells shaded by their share of the row, the counts
// written in them, class names along both sides, drawn with the Painter.
#include "soma/viz/confusion_plot.hpp"

#include <algorithm>
#include <cmath>

#include "soma/core/error.hpp"
#include "soma/viz/canvas.hpp"
#include "viz/painter.hpp"

namespace soma::viz {

namespace {

const Color empty_cell{1.0, 1.0, 1.0};
const Color full_cell = Color::from_hex(0x08306b);
const Color dark_text{0.13, 0.13, 0.13};
const Color light_text{1.0, 1.0, 1.0};

constexpr double axis_font = 13.0;
constexpr double name_font = 12.0;
constexpr double margin = 12.0;

void check_matrix(const std::vector<std::vector<int64_t>>& matrix,
                  const std::vector<std::string>& class_names) {
  const size_t classes = class_names.size();
  bool square = classes > 0 && matrix.size() == classes;
  for (const auto& row : matrix) square = square && row.size() == classes;
  if (!square) {
    throw Error("viz: a confusion matrix of " + std::to_string(classes) +
                " classes needs that many rows of that many counts, got " +
                std::to_string(matrix.size()) + " rows");
  }
}

// The widest class name, for the room the row names take.
double widest_name(Painter& painter, const std::vector<std::string>& names) {
  double widest = 0.0;
  for (const std::string& name : names)
    widest = std::max(widest, painter.text_width(name, name_font));
  return std::min(widest, 160.0);
}

// Each cell shaded by its share of the row, its count written in it where it fits.
void draw_cells(Painter& painter, const std::vector<std::vector<int64_t>>& matrix, double left,
                double top, double cell) {
  const auto classes = static_cast<int>(matrix.size());
  for (int row = 0; row < classes; ++row) {
    const auto& counts = matrix[static_cast<size_t>(row)];
    int64_t total = 0;
    for (const int64_t count : counts) total += count;
    for (int column = 0; column < classes; ++column) {
      const int64_t count = counts[static_cast<size_t>(column)];
      const double share =
          total > 0 ? static_cast<double>(count) / static_cast<double>(total) : 0.0;
      const Rect box{left + column * cell, top + row * cell, cell, cell};
      painter.fill(box, empty_cell.mix(full_cell, share));
      painter.outline(box, {0.85, 0.85, 0.85}, 1.0);
      if (cell >= 20.0 && count > 0) {
        painter.text(std::to_string(count), box.x + cell / 2.0, box.y + cell / 2.0, 0.5,
                     cell >= 36.0 ? 13.0 : 10.0, share > 0.5 ? light_text : dark_text, false,
                     cell - 2.0);
      }
    }
  }
}

}  // namespace

void plot_confusion_matrix(const std::string& path, const std::vector<std::vector<int64_t>>& matrix,
                           const std::vector<std::string>& class_names,
                           const ConfusionPlotOptions& options) {
  check_matrix(matrix, class_names);
  const auto classes = static_cast<int>(class_names.size());
  // Cells of 48 pixels for a few classes, down to 12 for many (the counts then left out).
  const double cell = std::clamp(560.0 / classes, 12.0, 48.0);
  double names_width = 0.0;
  double true_width = 0.0;
  {
    Canvas probe(1, 1);
    Painter painter(probe);
    names_width = widest_name(painter, class_names);
    true_width = painter.text_width("true", axis_font, true);
  }
  const double left = margin + true_width + 10.0 + names_width + 6.0;
  const double top = Canvas::title_height() + (options.subtitle.empty() ? 0.0 : 18.0) + 8.0 +
                     axis_font + 8.0 + name_font + 6.0;
  const double side = cell * classes;
  Canvas canvas(static_cast<int>(std::ceil(std::max(left + side + margin, 360.0))),
                static_cast<int>(std::ceil(top + side + margin)));
  Painter painter(canvas);
  canvas.draw_title(options.title);
  if (!options.subtitle.empty()) {
    painter.text(options.subtitle, canvas.width() / 2.0, Canvas::title_height() + 4.0, 0.5,
                 name_font, dark_text, false, canvas.width() - 2 * margin);
  }
  painter.text("predicted class", left + side / 2.0, top - name_font - 14.0, 0.5, axis_font,
               dark_text, true);
  painter.text("true", margin, top + side / 2.0, 0.0, axis_font, dark_text, true);
  for (int k = 0; k < classes; ++k) {
    const std::string& name = class_names[static_cast<size_t>(k)];
    painter.text(name, left + (k + 0.5) * cell, top - name_font / 2.0 - 4.0, 0.5, name_font,
                 dark_text, false, cell - 2.0);
    painter.text(name, left - 6.0, top + (k + 0.5) * cell, 1.0, name_font, dark_text, false,
                 names_width);
  }
  draw_cells(painter, matrix, left, top, cell);
  canvas.save(path);
}

}  // namespace soma::viz
