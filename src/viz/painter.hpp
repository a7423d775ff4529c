// Drawing on a Canvas straight in pixels, for figures that are grids of tiles rather than
// plots on Axes (images, a confusion matrix): filled and outlined boxes, sharp pixel
// images and text. Private to src/viz; Cairo stays hidden from the public headers.
#pragma once

#include <string>
#include <vector>

#include "soma/viz/canvas.hpp"

namespace soma::viz {

class Painter {
 public:
  explicit Painter(Canvas& canvas);

  void fill(const Rect& box, const Color& color);
  // An outline `line_width` pixels wide, inside `box`, so that neighbouring boxes keep it.
  void outline(const Rect& box, const Color& color, double line_width);
  // columns x rows colours, row-major from the top row, each a sharp square of `box`.
  void pixels(const Rect& box, int columns, int rows, const std::vector<Color>& cells);
  // `text` with its horizontal anchor at x (0: left, 0.5: centre, 1: right), its digit
  // height centred on y; cut with "..." to fit `max_width` pixels when that is above 0.
  void text(const std::string& text, double x, double y, double align, double size,
            const Color& color, bool bold = false, double max_width = 0.0);
  double text_width(const std::string& text, double size, bool bold = false);

 private:
  Canvas* canvas_;
};

}  // namespace soma::viz
