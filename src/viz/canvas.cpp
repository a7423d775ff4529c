// Canvas and Axes on a cairo image surface: layout of the plot area around measured tick
// labels, nice ticks, clipped drawing, legends, and the PNG encoding behind save_png.
#include "soma/viz/canvas.hpp"

#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <numbers>

#include "soma/core/atomic_file.hpp"
#include "soma/core/error.hpp"

namespace soma::viz {

namespace {

constexpr double pi = std::numbers::pi;
constexpr int max_side = 8192;

// Font sizes in pixels, and the gaps the layout keeps between its parts.
constexpr double tick_font = 12.0;
constexpr double axis_title_font = 13.0;
constexpr double figure_title_font = 16.0;
constexpr double legend_font = 12.0;
constexpr double tick_length = 5.0;
constexpr double gap = 5.0;
constexpr double legend_padding = 8.0;
constexpr double legend_row = 19.0;
constexpr double legend_swatch = 26.0;

const Color frame_color{0.2, 0.2, 0.2};
const Color text_color{0.13, 0.13, 0.13};
const Color grid_color{0.9, 0.9, 0.9};

// The toy text API: "sans-serif" resolves through fontconfig to whatever is installed, and
// cairo falls back to its built-in font when nothing is, so text never fails.
void select_font(cairo_t* cr, double size, bool bold = false) {
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

// The height of a digit: text is centred vertically on it, so that labels with and without
// descenders sit on the same baseline.
double digit_height(cairo_t* cr) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, "0", &extents);
  return extents.height;
}

// Draws `text` with its horizontal anchor at x (0: left, 0.5: centre, 1: right edge) and
// its digit height centred on y, in the current font.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, double align) {
  const double width = text_width(cr, text);
  set_color(cr, text_color);
  cairo_move_to(cr, x - align * width, y + digit_height(cr) / 2.0);
  cairo_show_text(cr, text.c_str());
  cairo_new_path(cr);
}

// 1-pixel lines look sharp only at pixel centres.
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

uint8_t to_byte(double component) {
  return static_cast<uint8_t>(std::lround(std::clamp(component, 0.0, 1.0) * 255.0));
}

// Cairo's PNG writer calls this with each piece of the file. No exception may cross back
// into C, so running out of memory becomes cairo's own error.
cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  } catch (const std::bad_alloc&) {
    return CAIRO_STATUS_NO_MEMORY;
  }
  return CAIRO_STATUS_SUCCESS;
}

// A single value cannot be mapped to a width of pixels: widen it around itself. Reversed
// or infinite ranges are the caller's mistake.
void widen_if_empty(AxisSpec& axis) {
  if (!std::isfinite(axis.low) || !std::isfinite(axis.high) || axis.low > axis.high) {
    throw Error("viz: axis '" + axis.title + "' has an invalid range [" + std::to_string(axis.low) +
                ", " + std::to_string(axis.high) + "]");
  }
  if (axis.low == axis.high) {
    double half = axis.low != 0.0 ? std::abs(axis.low) * 0.1 : 1.0;
    if (axis.integer_ticks) half = std::max(half, 0.5);
    axis.low -= half;
    axis.high += half;
  }
}

// How many ticks suit an axis of this many pixels: labels need room to breathe.
int tick_count_for(double pixels, double pixels_per_tick) {
  return std::clamp(static_cast<int>(pixels / pixels_per_tick), 3, 10);
}

}  // namespace

// --- Color ---

Color Color::from_hex(uint32_t rgb) {
  return {static_cast<double>((rgb >> 16) & 0xffu) / 255.0,
          static_cast<double>((rgb >> 8) & 0xffu) / 255.0,
          static_cast<double>(rgb & 0xffu) / 255.0};
}

Color Color::mix(const Color& other, double t) const {
  t = std::clamp(t, 0.0, 1.0);
  return {red + (other.red - red) * t, green + (other.green - green) * t,
          blue + (other.blue - blue) * t};
}

// --- ticks ---

double nice_tick_step(double low, double high, int target_count, bool integers_only) {
  const double span = high - low;
  if (!(span > 0.0) || !std::isfinite(span)) return 1.0;
  const double rough = span / std::max(target_count, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double residual = rough / magnitude;
  const double nice = residual < 1.5 ? 1.0 : residual < 3.0 ? 2.0 : residual < 7.0 ? 5.0 : 10.0;
  const double step = nice * magnitude;
  return integers_only ? std::max(step, 1.0) : step;
}

std::vector<double> nice_ticks(double low, double high, int target_count, bool integers_only) {
  const double step = nice_tick_step(low, high, target_count, integers_only);
  // Ticks are k * step for whole k, so they print exactly; the tolerance keeps ends that
  // sit on a tick up to rounding error.
  const double tolerance = 1e-9;
  const double first = std::ceil(low / step - tolerance);
  const double last = std::floor(high / step + tolerance);
  std::vector<double> ticks;
  for (double k = first; k <= last && ticks.size() < 1000; k += 1.0) {
    ticks.push_back(k * step);
  }
  return ticks;
}

std::string format_tick(double value, double step) {
  if (step > 0.0) value = std::round(value / step) * step;
  if (std::abs(value) < std::abs(step) * 1e-9) value = 0.0;  // no "-0"
  std::array<char, 64> buffer{};
  if (std::abs(value) >= 1e6 || (step > 0.0 && step < 1e-4)) {
    std::snprintf(buffer.data(), buffer.size(), "%g", value);
  } else {
    const int decimals =
        step > 0.0 ? std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9))) : 2;
    std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
  }
  return buffer.data();
}

// --- Canvas ---

struct Canvas::Impl {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;

  ~Impl() {
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
  }
};

Canvas::Canvas(int width, int height)
    : width_(width), height_(height), impl_(std::make_unique<Impl>()) {
  if (width < 1 || height < 1 || width > max_side || height > max_side) {
    throw Error("viz: a figure of " + std::to_string(width) + " x " + std::to_string(height) +
                " pixels is not possible (each side must be 1 to " + std::to_string(max_side) +
                ")");
  }
  impl_->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  impl_->cr = cairo_create(impl_->surface);
  if (cairo_status(impl_->cr) != CAIRO_STATUS_SUCCESS) {
    throw Error(std::string("viz: cannot create a figure: cairo: ") +
                cairo_status_to_string(cairo_status(impl_->cr)));
  }
  cairo_set_source_rgb(impl_->cr, 1.0, 1.0, 1.0);
  cairo_paint(impl_->cr);
}

Canvas::~Canvas() = default;

Axes& Canvas::add_axes(const Rect& panel, const AxisSpec& x, const AxisSpec& y) {
  axes_.push_back(std::unique_ptr<Axes>(new Axes(*this, panel, x, y)));
  return *axes_.back();
}

void Canvas::draw_title(const std::string& title) {
  if (title.empty()) return;
  cairo_t* cr = impl_->cr;
  select_font(cr, figure_title_font, true);
  draw_text(cr, title, width_ / 2.0, title_height() / 2.0 + 2.0, 0.5);
}

double Canvas::legend_width(const std::vector<LegendEntry>& entries) const {
  cairo_t* cr = impl_->cr;
  select_font(cr, legend_font);
  double widest = 0.0;
  for (const LegendEntry& entry : entries) widest = std::max(widest, text_width(cr, entry.label));
  return 2.0 * legend_padding + legend_swatch + gap + widest;
}

void Canvas::save_png(const std::string& path) const {
  const auto fail = [&](cairo_status_t status) {
    throw Error("cannot write '" + path + "': cairo: " + cairo_status_to_string(status));
  };
  if (cairo_status(impl_->cr) != CAIRO_STATUS_SUCCESS) fail(cairo_status(impl_->cr));
  cairo_surface_flush(impl_->surface);
  // Encoding into memory first means a failure cannot leave a half-written file; the
  // atomic write then replaces the target in one step.
  std::string png;
  const cairo_status_t status =
      cairo_surface_write_to_png_stream(impl_->surface, append_to_string, &png);
  if (status != CAIRO_STATUS_SUCCESS) fail(status);
  write_file_atomically(path, png);
}

// --- Axes ---

Axes::Axes(Canvas& canvas, const Rect& panel, const AxisSpec& x, const AxisSpec& y)
    : canvas_(&canvas), x_(x), y_(y) {
  widen_if_empty(x_);
  widen_if_empty(y_);
  const int x_count = tick_count_for(panel.width, 90.0);
  const int y_count = tick_count_for(panel.height, 50.0);
  for (auto [axis, count] : {std::pair{&x_, x_count}, std::pair{&y_, y_count}}) {
    if (axis->round_to_ticks) {
      const double step = nice_tick_step(axis->low, axis->high, count, axis->integer_ticks);
      axis->low = std::floor(axis->low / step + 1e-9) * step;
      axis->high = std::ceil(axis->high / step - 1e-9) * step;
    }
  }
  x_ticks_ = nice_ticks(x_.low, x_.high, x_count, x_.integer_ticks);
  y_ticks_ = nice_ticks(y_.low, y_.high, y_count, y_.integer_ticks);
  x_step_ = nice_tick_step(x_.low, x_.high, x_count, x_.integer_ticks);
  y_step_ = nice_tick_step(y_.low, y_.high, y_count, y_.integer_ticks);

  // Margins from the measured labels, so that nothing is clipped whatever the numbers.
  cairo_t* cr = canvas.impl_->cr;
  select_font(cr, tick_font);
  double widest_y_label = 0.0;
  for (double tick : y_ticks_) {
    widest_y_label = std::max(widest_y_label, text_width(cr, format_tick(tick, y_step_)));
  }
  const double last_x_label =
      x_ticks_.empty() ? 0.0 : text_width(cr, format_tick(x_ticks_.back(), x_step_));
  const double label_height = digit_height(cr);
  select_font(cr, axis_title_font);
  const double title_size = digit_height(cr) + 2.0 * gap;

  const double left =
      gap + (y_.title.empty() ? 0.0 : title_size) + widest_y_label + gap + tick_length;
  const double bottom =
      tick_length + gap + label_height + gap + (x_.title.empty() ? 0.0 : title_size);
  const double top = label_height;  // the top tick label is centred on the frame's edge
  const double right = std::max(12.0, last_x_label / 2.0 + 4.0);
  plot_area_.x = std::round(panel.x + left);
  plot_area_.y = std::round(panel.y + top);
  plot_area_.width = std::max(1.0, std::round(panel.width - left - right));
  plot_area_.height = std::max(1.0, std::round(panel.height - top - bottom));
}

double Axes::to_pixel_x(double x) const {
  return plot_area_.x + (x - x_.low) / (x_.high - x_.low) * plot_area_.width;
}

double Axes::to_pixel_y(double y) const {
  return plot_area_.bottom() - (y - y_.low) / (y_.high - y_.low) * plot_area_.height;
}

void Axes::set_plot_left(double x) {
  const double right = plot_area_.right();
  plot_area_.x = std::round(x);
  plot_area_.width = std::max(1.0, right - plot_area_.x);
}

void Axes::note_occupied(double px, double py) {
  occupied_.emplace_back(px, py);
}

void Axes::draw_grid() {
  cairo_t* cr = canvas_->impl_->cr;
  cairo_save(cr);
  set_color(cr, grid_color);
  cairo_set_line_width(cr, 1.0);
  for (double tick : x_ticks_) {
    const double px = snap(to_pixel_x(tick));
    cairo_move_to(cr, px, plot_area_.y);
    cairo_line_to(cr, px, plot_area_.bottom());
  }
  for (double tick : y_ticks_) {
    const double py = snap(to_pixel_y(tick));
    cairo_move_to(cr, plot_area_.x, py);
    cairo_line_to(cr, plot_area_.right(), py);
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

void Axes::draw_frame() {
  cairo_t* cr = canvas_->impl_->cr;
  cairo_save(cr);
  cairo_set_dash(cr, nullptr, 0, 0.0);
  set_color(cr, frame_color);
  cairo_set_line_width(cr, 1.0);
  cairo_rectangle(cr, plot_area_.x - 0.5, plot_area_.y - 0.5, plot_area_.width + 1.0,
                  plot_area_.height + 1.0);
  // Ticks point outwards, so they never hide data.
  for (double tick : x_ticks_) {
    const double px = snap(to_pixel_x(tick));
    cairo_move_to(cr, px, plot_area_.bottom() + 0.5);
    cairo_line_to(cr, px, plot_area_.bottom() + 0.5 + tick_length);
  }
  for (double tick : y_ticks_) {
    const double py = snap(to_pixel_y(tick));
    cairo_move_to(cr, plot_area_.x - 0.5, py);
    cairo_line_to(cr, plot_area_.x - 0.5 - tick_length, py);
  }
  cairo_stroke(cr);

  select_font(cr, tick_font);
  const double label_height = digit_height(cr);
  const double x_labels_y = plot_area_.bottom() + tick_length + gap + label_height / 2.0;
  for (double tick : x_ticks_) {
    draw_text(cr, format_tick(tick, x_step_), to_pixel_x(tick), x_labels_y, 0.5);
  }
  double widest_y_label = 0.0;
  for (double tick : y_ticks_) {
    const std::string label = format_tick(tick, y_step_);
    widest_y_label = std::max(widest_y_label, text_width(cr, label));
    draw_text(cr, label, plot_area_.x - tick_length - gap, to_pixel_y(tick), 1.0);
  }

  select_font(cr, axis_title_font);
  const double title_height = digit_height(cr);
  if (!x_.title.empty()) {
    draw_text(cr, x_.title, plot_area_.x + plot_area_.width / 2.0,
              x_labels_y + label_height / 2.0 + gap + title_height, 0.5);
  }
  if (!y_.title.empty()) {
    cairo_save(cr);
    cairo_translate(cr, plot_area_.x - tick_length - 2.0 * gap - widest_y_label - title_height,
                    plot_area_.y + plot_area_.height / 2.0);
    cairo_rotate(cr, -pi / 2.0);
    draw_text(cr, y_.title, 0.0, 0.0, 0.5);
    cairo_restore(cr);
  }
  cairo_restore(cr);
}

void Axes::draw_line(const std::vector<double>& xs, const std::vector<double>& ys,
                     const LineStyle& style) {
  cairo_t* cr = canvas_->impl_->cr;
  cairo_save(cr);
  cairo_rectangle(cr, plot_area_.x, plot_area_.y, plot_area_.width, plot_area_.height);
  cairo_clip(cr);
  apply_line_style(cr, style);
  bool drawing = false;
  double last_px = 0.0;
  double last_py = 0.0;
  const size_t count = std::min(xs.size(), ys.size());
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
      drawing = false;
      continue;
    }
    const double px = to_pixel_x(xs[i]);
    const double py = to_pixel_y(ys[i]);
    if (drawing) {
      cairo_line_to(cr, px, py);
      // Sample the segment every few pixels for the legend's placement.
      const double length = std::hypot(px - last_px, py - last_py);
      const int samples = std::min(1000, static_cast<int>(length / 4.0));
      for (int s = 1; s <= samples; ++s) {
        const double t = static_cast<double>(s) / (samples + 1);
        note_occupied(last_px + (px - last_px) * t, last_py + (py - last_py) * t);
      }
    } else {
      cairo_move_to(cr, px, py);
      drawing = true;
    }
    note_occupied(px, py);
    last_px = px;
    last_py = py;
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

void Axes::draw_vertical_line(double x, const LineStyle& style) {
  if (!std::isfinite(x) || x < x_.low || x > x_.high) return;
  cairo_t* cr = canvas_->impl_->cr;
  cairo_save(cr);
  apply_line_style(cr, style);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  const double px = style.width <= 1.0 ? snap(to_pixel_x(x)) : to_pixel_x(x);
  cairo_move_to(cr, px, plot_area_.y);
  cairo_line_to(cr, px, plot_area_.bottom());
  cairo_stroke(cr);
  cairo_restore(cr);
  for (double py = plot_area_.y; py <= plot_area_.bottom(); py += 4.0) note_occupied(px, py);
}

void Axes::draw_markers(const std::vector<double>& xs, const std::vector<double>& ys,
                        const MarkerStyle& style) {
  cairo_t* cr = canvas_->impl_->cr;
  cairo_save(cr);
  // Markers may reach past the frame by their radius rather than be cut in half.
  const double reach = style.radius + style.outline_width;
  cairo_rectangle(cr, plot_area_.x - reach, plot_area_.y - reach, plot_area_.width + 2.0 * reach,
                  plot_area_.height + 2.0 * reach);
  cairo_clip(cr);
  const size_t count = std::min(xs.size(), ys.size());
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    const double px = to_pixel_x(xs[i]);
    const double py = to_pixel_y(ys[i]);
    draw_marker(cr, px, py, style);
    note_occupied(px, py);
  }
  cairo_restore(cr);
}

void Axes::draw_color_grid(int columns, int rows, const std::vector<Color>& cells) {
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

  cairo_t* cr = canvas_->impl_->cr;
  cairo_save(cr);
  cairo_rectangle(cr, plot_area_.x, plot_area_.y, plot_area_.width, plot_area_.height);
  cairo_clip(cr);
  cairo_translate(cr, plot_area_.x, plot_area_.y);
  cairo_scale(cr, plot_area_.width / columns, plot_area_.height / rows);
  cairo_set_source_surface(cr, image, 0.0, 0.0);
  // Bilinear between cell centres looks like a smooth field; PAD keeps the edges from
  // fading into transparency.
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(image);
}

void Axes::draw_legend(const std::vector<LegendEntry>& entries, LegendPlacement placement) {
  if (entries.empty()) return;
  cairo_t* cr = canvas_->impl_->cr;
  const double width = canvas_->legend_width(entries);
  select_font(cr, legend_font);
  const double height = 2.0 * legend_padding + legend_row * static_cast<double>(entries.size()) -
                        (legend_row - digit_height(cr)) + 4.0;
  double left = plot_area_.right() + 12.0;
  double top = plot_area_.y;
  if (placement == LegendPlacement::best_inside) {
    // The corner covering the fewest drawn points, in matplotlib's order of preference.
    const double inset = 8.0;
    const double right_x = plot_area_.right() - inset - width;
    const double bottom_y = plot_area_.bottom() - inset - height;
    const std::array<std::pair<double, double>, 4> corners{{
        {right_x, plot_area_.y + inset},
        {plot_area_.x + inset, plot_area_.y + inset},
        {plot_area_.x + inset, bottom_y},
        {right_x, bottom_y},
    }};
    size_t fewest = std::numeric_limits<size_t>::max();
    for (const auto& corner : corners) {
      const double margin = 4.0;
      const Rect box{corner.first - margin, corner.second - margin, width + 2.0 * margin,
                     height + 2.0 * margin};
      const auto covered = static_cast<size_t>(
          std::count_if(occupied_.begin(), occupied_.end(), [&box](const auto& point) {
            return point.first >= box.x && point.first <= box.right() && point.second >= box.y &&
                   point.second <= box.bottom();
          }));
      if (covered < fewest) {
        fewest = covered;
        left = corner.first;
        top = corner.second;
      }
    }
  }

  cairo_save(cr);
  cairo_rectangle(cr, snap(left), snap(top), std::round(width), std::round(height));
  cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.88);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  select_font(cr, legend_font);
  for (size_t i = 0; i < entries.size(); ++i) {
    const LegendEntry& entry = entries[i];
    const double centre_y =
        top + legend_padding + 2.0 + digit_height(cr) / 2.0 + legend_row * static_cast<double>(i);
    const double swatch_left = left + legend_padding;
    const double swatch_middle = swatch_left + legend_swatch / 2.0;
    switch (entry.kind) {
      case LegendEntry::Kind::line:
        cairo_save(cr);
        apply_line_style(cr, entry.line);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_move_to(cr, swatch_left, centre_y);
        cairo_line_to(cr, swatch_left + legend_swatch, centre_y);
        cairo_stroke(cr);
        cairo_restore(cr);
        break;
      case LegendEntry::Kind::marker:
        draw_marker(cr, swatch_middle, centre_y, entry.marker);
        break;
      case LegendEntry::Kind::patch:
        cairo_rectangle(cr, swatch_middle - 7.0, centre_y - 7.0, 14.0, 14.0);
        set_color(cr, entry.patch);
        cairo_fill_preserve(cr);
        set_color(cr, Color{0.45, 0.45, 0.45});
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
        break;
    }
    draw_text(cr, entry.label, swatch_left + legend_swatch + gap, centre_y, 0.0);
  }
  cairo_restore(cr);
}

}  // namespace soma::viz
