// The cairo drawing Canvas and Axes share: fonts, text, line styles and markers.
#include "viz/drawing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "soma/core/error.hpp"

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

void draw_text(cairo_t* cr, const std::string& text, double x, double y, double align,
               const Color& color) {
  const double width = text_width(cr, text);
  set_color(cr, color);
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

namespace {

uint8_t to_byte(double component) {
  return static_cast<uint8_t>(std::lround(std::clamp(component, 0.0, 1.0) * 255.0));
}

}  // namespace

void paint_color_grid(cairo_t* cr, const Rect& area, int columns, int rows,
                      const std::vector<Color>& cells, bool smooth) {
  if (columns < 1 || rows < 1 ||
      cells.size() != static_cast<size_t>(columns) * static_cast<size_t>(rows)) {
    throw Error("viz: a colour grid of " + std::to_string(columns) + " x " + std::to_string(rows) +
                " needs that many colours, got " + std::to_string(cells.size()));
  }
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, columns, rows);
  if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
    const std::string reason = cairo_status_to_string(cairo_surface_status(image));
    cairo_surface_destroy(image);
    throw Error("viz: cannot create a colour grid: cairo: " + reason);
  }
  cairo_surface_flush(image);
  unsigned char* pixels = cairo_image_surface_get_data(image);
  const int stride = cairo_image_surface_get_stride(image);
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns; ++column) {
      const Color& color = cells[static_cast<size_t>(row) * columns + column];
      // RGB24 keeps each pixel as a native-endian 32-bit 0x00RRGGBB.
      const uint32_t value = (uint32_t{to_byte(color.red)} << 16) |
                             (uint32_t{to_byte(color.green)} << 8) | to_byte(color.blue);
      std::memcpy(pixels + static_cast<ptrdiff_t>(row) * stride + 4 * column, &value, 4);
    }
  }
  cairo_surface_mark_dirty(image);

  cairo_save(cr);
  cairo_rectangle(cr, area.x, area.y, area.width, area.height);
  cairo_clip(cr);
  cairo_translate(cr, area.x, area.y);
  cairo_scale(cr, area.width / columns, area.height / rows);
  cairo_set_source_surface(cr, image, 0.0, 0.0);
  // PAD keeps the edges from fading into transparency.
  cairo_pattern_set_filter(cairo_get_source(cr),
                           smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(image);
}

}  // namespace soma::viz
