// Painter: boxes, sharp pixel images and text in a Canvas's pixels, through cairo.
#include "viz/painter.hpp"

#include <cairo.h>

#include "viz/drawing.hpp"

namespace soma::viz {

Painter::Painter(Canvas& canvas) : canvas_(&canvas) {}

void Painter::fill(const Rect& box, const Color& color) {
  cairo_t* cr = canvas_->impl_->cr;
  set_color(cr, color);
  cairo_rectangle(cr, box.x, box.y, box.width, box.height);
  cairo_fill(cr);
}

void Painter::outline(const Rect& box, const Color& color, double line_width) {
  cairo_t* cr = canvas_->impl_->cr;
  apply_line_style(cr, {.color = color, .width = line_width});
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  const double half = line_width / 2.0;
  cairo_rectangle(cr, box.x + half, box.y + half, box.width - line_width, box.height - line_width);
  cairo_stroke(cr);
}

void Painter::pixels(const Rect& box, int columns, int rows, const std::vector<Color>& cells) {
  paint_color_grid(canvas_->impl_->cr, box, columns, rows, cells, false);
}

void Painter::text(const std::string& text, double x, double y, double align, double size,
                   const Color& color, bool bold, double max_width) {
  cairo_t* cr = canvas_->impl_->cr;
  select_font(cr, size, bold);
  std::string shown = text;
  if (max_width > 0.0 && viz::text_width(cr, shown) > max_width) {
    while (!shown.empty() && viz::text_width(cr, shown + "...") > max_width) {
      // One whole UTF-8 character at a time: cairo refuses a cut one.
      unsigned char last = 0;
      do {
        last = static_cast<unsigned char>(shown.back());
        shown.pop_back();
      } while (!shown.empty() && (last & 0xC0) == 0x80);
    }
    shown += "...";
  }
  draw_text(cr, shown, x, y, align, color);
}

double Painter::text_width(const std::string& text, double size, bool bold) {
  cairo_t* cr = canvas_->impl_->cr;
  select_font(cr, size, bold);
  return viz::text_width(cr, text);
}

}  // namespace soma::viz
