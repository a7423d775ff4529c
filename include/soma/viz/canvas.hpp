// A small plotting base for soma's figures: a Canvas is a white W x H image, Axes are
// panels on it that map data ranges linearly to pixels and draw lines, markers, images,
// "nice" ticks, titles and legends; save() writes it atomically as PNG, SVG or PDF. Cairo
// stays hidden.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace soma::viz {

// An RGB colour with components in [0, 1].
struct Color {
  double red = 0.0;
  double green = 0.0;
  double blue = 0.0;

  static Color from_hex(uint32_t rgb);  // 0xf59322 -> orange
  // (1 - t) * this + t * other, t in [0, 1].
  Color mix(const Color& other, double t) const;
};

// A rectangle in pixels; y grows downwards, as on the screen.
struct Rect {
  double x = 0.0;
  double y = 0.0;
  double width = 0.0;
  double height = 0.0;

  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

// Tick values that are multiples of 1, 2 or 5 x 10^k, about `target_count` of them, lying in
// [low, high]. With integers_only the step is at least 1 (epochs, counts).
std::vector<double> nice_ticks(double low, double high, int target_count = 6,
                               bool integers_only = false);
// The distance between the ticks nice_ticks() chooses.
double nice_tick_step(double low, double high, int target_count = 6, bool integers_only = false);
// A tick label with as many decimals as the step needs: 0.25 with step 0.05 is "0.25", 1e-5
// steps or values of 1e6 and above use exponent notation; never "-0".
std::string format_tick(double value, double step);

// One axis of a panel: its title and the data range it shows.
struct AxisSpec {
  std::string title;
  double low = 0.0;
  double high = 1.0;
  bool integer_ticks = false;
  // Widen [low, high] outwards to the nearest ticks, so the frame starts and ends on a tick.
  bool round_to_ticks = false;
};

struct LineStyle {
  Color color;
  double width = 2.0;
  bool dashed = false;
};

// A filled circle with an outline.
struct MarkerStyle {
  Color fill;
  Color outline{0.2, 0.2, 0.2};
  double radius = 4.0;
  double outline_width = 1.0;
};

// What a legend row shows in front of its label.
struct LegendEntry {
  enum class Kind { line, marker, patch };
  std::string label;
  Kind kind = Kind::line;
  LineStyle line;      // for Kind::line
  MarkerStyle marker;  // for Kind::marker
  Color patch;         // for Kind::patch: a filled square
};

enum class LegendPlacement {
  best_inside,    // the inner corner that covers the fewest drawn points and lines
  outside_right,  // right of the plot area, top-aligned (reserve the room when laying out)
};

class Canvas;

// "png", "svg" or "pdf" for a path ending in that extension (in any case: .PNG too), else
// "": the formats Canvas::save writes.
std::string picture_format(const std::string& path);

// A panel: a plot area inside the rectangle it was given, with room left around it for tick
// labels and axis titles. Data coordinates go through to_pixel_x/y; drawing is clipped to
// the plot area. Axes belong to their Canvas and stay valid as long as it lives.
class Axes {
 public:
  const Rect& plot_area() const { return plot_area_; }
  const AxisSpec& x_axis() const { return x_; }
  const AxisSpec& y_axis() const { return y_; }
  double to_pixel_x(double x) const;
  double to_pixel_y(double y) const;
  // Moves the plot area's left edge to pixel `x`, keeping its right edge: lines up panels
  // stacked over one x axis whose tick labels differ in width. Call before drawing.
  void set_plot_left(double x);

  // Light grid lines at the ticks; draw before the data.
  void draw_grid();
  // Frame, tick marks, tick labels and axis titles; draw after the data so they stay on top.
  void draw_frame();
  // A polyline through (xs[i], ys[i]); a NaN in either breaks the line.
  void draw_line(const std::vector<double>& xs, const std::vector<double>& ys,
                 const LineStyle& style);
  void draw_vertical_line(double x, const LineStyle& style);
  // Points with a NaN coordinate are skipped.
  void draw_markers(const std::vector<double>& xs, const std::vector<double>& ys,
                    const MarkerStyle& style);
  // Fills the plot area with a grid of columns x rows colours, row-major from the top row
  // (the highest y) down, each colour at its cell's centre, smoothly interpolated between.
  void draw_color_grid(int columns, int rows, const std::vector<Color>& cells);
  void draw_legend(const std::vector<LegendEntry>& entries,
                   LegendPlacement placement = LegendPlacement::best_inside);

 private:
  friend class Canvas;
  Axes(Canvas& canvas, const Rect& panel, const AxisSpec& x, const AxisSpec& y);
  // Remembers pixel positions covered by data, for choosing the legend's corner.
  void note_occupied(double px, double py);

  Canvas* canvas_;
  AxisSpec x_;
  AxisSpec y_;
  std::vector<double> x_ticks_;
  std::vector<double> y_ticks_;
  double x_step_ = 1.0;  // the distance between ticks, which sets the labels' decimals
  double y_step_ = 1.0;
  Rect plot_area_;
  std::vector<std::pair<double, double>> occupied_;
};

class Canvas {
 public:
  // Throws soma::Error unless 1 <= width, height <= 8192.
  Canvas(int width, int height);
  ~Canvas();
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }

  // Adds a panel that fills `panel` (in pixels), tick labels and titles included.
  Axes& add_axes(const Rect& panel, const AxisSpec& x, const AxisSpec& y);
  // A bold title centred at the top; `title_height()` pixels are what it takes.
  void draw_title(const std::string& title);
  static double title_height() { return 34.0; }
  // The size a legend with these entries takes, for reserving room outside a plot area.
  double legend_width(const std::vector<LegendEntry>& entries) const;

  // Encodes the picture in the format `path`'s extension names (picture_format: .png, .svg
  // or .pdf; SVG and PDF in lines and text, the PNG in pixels) and writes it with
  // write_file_atomically, so `path` holds the old file or the whole new one. Throws
  // soma::Error naming the path and the reason, another extension included.
  void save(const std::string& path) const;

 private:
  friend class Axes;
  friend class Painter;  // src/viz's drawing in pixels, for figures without axes
  struct Impl;
  int width_;
  int height_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::unique_ptr<Axes>> axes_;
};

}  // namespace soma::viz
