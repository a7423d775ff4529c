// The cairo drawing Canvas and Axes share: fonts, text, line styles and markers.
#include "viz/drawing.hpp"

#include <array>
#include <cmath>

namespace soma::viz {

void select_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

void set_color(cairo_t* cr, const Color& color) {
  cairo_set_source_rgb(cr, color.red, color.green, color.blue);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

double digit_height(cairo_t* cr) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, "0", &extents);
  return extents.height;
}

void draw_text(cairo_t* cr, const std::string& text, double x, double y, double align) {
  const double width = text_width(cr, text);
  set_color(cr, text_color);
  cairo_move_to(cr, x - align * width, y + digit_height(cr) / 2.0);
  cairo_show_text(cr, text.c_str());
  cairo_new_path(cr);
}

double snap(double coordinate) {
  return std::floor(coordinate) + 0.5;
}

void apply_line_style(cairo_t* cr, const LineStyle& style) {
  set_color(cr, style.color);
  cairo_set_line_width(cr, style.width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  if (style.dashed) {
    const std::array<double, 2> dashes{6.0, 4.0};
    cairo_set_dash(cr, dashes.data(), 2, 0.0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  } else {
    cairo_set_dash(cr, nullptr, 0, 0.0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  }
}

void draw_marker(cairo_t* cr, double px, double py, const MarkerStyle& style) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, px, py, style.radius, 0.0, 2.0 * pi);
  set_color(cr, style.fill);
  cairo_fill_preserve(cr);
  if (style.outline_width > 0.0) {
    set_color(cr, style.outline);
    cairo_set_line_width(cr, style.outline_width);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
}

}  // namespace soma::viz
