// What Canvas and Axes share on the cairo side: a Canvas's surface and its encoding, the
// layout's fonts and gaps, the drawing of text, lines and markers. Private to src/viz.
#pragma once

#include <cairo.h>

#include <numbers>
#include <string>
#include <vector>

#include "soma/viz/canvas.hpp"

namespace soma::viz {

struct Canvas::Impl {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;

  ~Impl() {
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
  }
};

// Replays the width x height `recording` onto a new PNG, SVG or PDF surface (`format`: "png",
// "svg" or "pdf") and appends the file's bytes to `encoded`; returns cairo's status. The
// recording's reference count is as it was before (Canvas::save; see canvas.cpp on why).
cairo_status_t encode_recording(cairo_surface_t* recording, const std::string& format, int width,
                                int height, std::string& encoded);

inline constexpr double pi = std::numbers::pi;

// Font sizes in pixels, and the gaps the layout keeps between its parts.
inline constexpr double tick_font = 12.0;
inline constexpr double axis_title_font = 13.0;
inline constexpr double figure_title_font = 16.0;
inline constexpr double legend_font = 12.0;
inline constexpr double tick_length = 5.0;
inline constexpr double gap = 5.0;
inline constexpr double legend_padding = 8.0;
inline constexpr double legend_row = 19.0;
inline constexpr double legend_swatch = 26.0;

inline constexpr Color frame_color{0.2, 0.2, 0.2};
inline constexpr Color text_color{0.13, 0.13, 0.13};
inline constexpr Color grid_color{0.9, 0.9, 0.9};

// The toy text API: "sans-serif" resolves through fontconfig to whatever is installed, and
// cairo falls back to its built-in font when nothing is, so text never fails.
void select_font(cairo_t* cr, double size, bool bold = false);
void set_color(cairo_t* cr, const Color& color);
double text_width(cairo_t* cr, const std::string& text);
// The height of a digit: text is centred vertically on it, so that labels with and without
// descenders sit on the same baseline.
double digit_height(cairo_t* cr);
// Draws `text` with its horizontal anchor at x (0: left, 0.5: centre, 1: right edge) and
// its digit height centred on y, in the current font.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, double align,
               const Color& color = text_color);
// 1-pixel lines look sharp only at pixel centres.
double snap(double coordinate);
void apply_line_style(cairo_t* cr, const LineStyle& style);
void draw_marker(cairo_t* cr, double px, double py, const MarkerStyle& style);
// Fills `area` with a grid of columns x rows colours, row-major from the top row: smooth
// (bilinear between cell centres) or as sharp squares, one per cell (the pixels of an
// image). Throws soma::Error when `cells` does not hold columns x rows colours.
void paint_color_grid(cairo_t* cr, const Rect& area, int columns, int rows,
                      const std::vector<Color>& cells, bool smooth);

}  // namespace soma::viz
