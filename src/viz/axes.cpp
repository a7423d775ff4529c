// Axes, the panels of a Canvas: layout of the plot area around measured tick labels,
// clipped drawing of lines, markers and colour grids, the frame, and legends placed where
// they cover the least.
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "soma/core/error.hpp"
#include "soma/viz/canvas.hpp"
#include "viz/drawing.hpp"

namespace soma::viz {

namespace {

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

// The top left of a legend of width x height in the inner corner of `plot_area` that
// covers the fewest `occupied` points, in matplotlib's order of preference.
std::pair<double, double> least_covered_corner(
    const Rect& plot_area, const std::vector<std::pair<double, double>>& occupied, double width,
    double height) {
  const double inset = 8.0;
  const double right_x = plot_area.right() - inset - width;
  const double bottom_y = plot_area.bottom() - inset - height;
  const std::array<std::pair<double, double>, 4> corners{{
      {right_x, plot_area.y + inset},
      {plot_area.x + inset, plot_area.y + inset},
      {plot_area.x + inset, bottom_y},
      {right_x, bottom_y},
  }};
  std::pair<double, double> best = corners[0];
  size_t fewest = std::numeric_limits<size_t>::max();
  for (const auto& corner : corners) {
    const double margin = 4.0;
    const Rect box{corner.first - margin, corner.second - margin, width + 2.0 * margin,
                   height + 2.0 * margin};
    const auto covered = static_cast<size_t>(
        std::count_if(occupied.begin(), occupied.end(), [&box](const auto& point) {
          return point.first >= box.x && point.first <= box.right() && point.second >= box.y &&
                 point.second <= box.bottom();
        }));
    if (covered < fewest) {
      fewest = covered;
      best = corner;
    }
  }
  return best;
}

// What a legend row shows in front of its label, legend_swatch wide from swatch_left.
void draw_swatch(cairo_t* cr, const LegendEntry& entry, double swatch_left, double centre_y) {
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
}

}  // namespace

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
  // Bilinear between cell centres looks like a smooth field.
  paint_color_grid(canvas_->impl_->cr, plot_area_, columns, rows, cells, true);
}

void Axes::draw_legend(const std::vector<LegendEntry>& entries, LegendPlacement placement) {
  if (entries.empty()) return;
  cairo_t* cr = canvas_->impl_->cr;
  const double width = canvas_->legend_width(entries);
  select_font(cr, legend_font);
  const double height = 2.0 * legend_padding + legend_row * static_cast<double>(entries.size()) -
                        (legend_row - digit_height(cr)) + 4.0;
  const auto [left, top] = placement == LegendPlacement::best_inside
                               ? least_covered_corner(plot_area_, occupied_, width, height)
                               : std::pair{plot_area_.right() + 12.0, plot_area_.y};

  cairo_save(cr);
  cairo_rectangle(cr, snap(left), snap(top), std::round(width), std::round(height));
  cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, 0.88);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  select_font(cr, legend_font);
  for (size_t i = 0; i < entries.size(); ++i) {
    const double centre_y =
        top + legend_padding + 2.0 + digit_height(cr) / 2.0 + legend_row * static_cast<double>(i);
    const double swatch_left = left + legend_padding;
    draw_swatch(cr, entries[i], swatch_left, centre_y);
    draw_text(cr, entries[i].label, swatch_left + legend_swatch + gap, centre_y, 0.0);
  }
  cairo_restore(cr);
}

}  // namespace soma::viz
