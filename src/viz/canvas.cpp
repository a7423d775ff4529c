// Canvas on a cairo recording surface: colours, nice ticks and their labels, the figure's
// title, and save(), which replays the recording as PNG, SVG or PDF. Axes, the panels drawn
// on it, are in axes.cpp.
#include "soma/viz/canvas.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <new>

#include "soma/core/atomic_file.hpp"
#include "soma/core/error.hpp"
#include "viz/drawing.hpp"

namespace soma::viz {

namespace {

constexpr int max_side = 8192;

// Cairo's PNG, SVG and PDF writers call this with each piece of the file. No exception may cross
// back into C, so running out of memory becomes cairo's own error.
cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  } catch (const std::bad_alloc&) {
    return CAIRO_STATUS_NO_MEMORY;
  }
  return CAIRO_STATUS_SUCCESS;
}

// The target surface for `format`; cairo returns an error surface rather than null.
cairo_surface_t* create_target(const std::string& format, int width, int height,
                               std::string& encoded) {
  if (format == "png") return cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  if (format == "svg") {
    return cairo_svg_surface_create_for_stream(append_to_string, &encoded, width, height);
  }
  return cairo_pdf_surface_create_for_stream(append_to_string, &encoded, width, height);
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

Canvas::Canvas(int width, int height)
    : width_(width), height_(height), impl_(std::make_unique<Impl>()) {
  if (width < 1 || height < 1 || width > max_side || height > max_side) {
    throw Error("viz: a figure of " + std::to_string(width) + " x " + std::to_string(height) +
                " pixels is not possible (each side must be 1 to " + std::to_string(max_side) +
                ")");
  }
  // A recording, not pixels: save() replays it onto the surface of the file's format, so
  // that an SVG or PDF is drawn in lines and text, not a photograph of the PNG.
  const cairo_rectangle_t extents{0.0, 0.0, static_cast<double>(width),
                                  static_cast<double>(height)};
  impl_->surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, &extents);
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

// --- encoding ---

cairo_status_t encode_recording(cairo_surface_t* recording, const std::string& format, int width,
                                int height, std::string& encoded) {
  const unsigned int references = cairo_surface_get_reference_count(recording);
  cairo_surface_t* target = create_target(format, width, height, encoded);
  cairo_t* cr = cairo_create(target);
  cairo_set_source_surface(cr, recording, 0.0, 0.0);
  cairo_paint(cr);
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  if (status == CAIRO_STATUS_SUCCESS && format == "png") {
    status = cairo_surface_write_to_png_stream(target, append_to_string, &encoded);
  }
  cairo_surface_finish(target);  // SVG and PDF write their last bytes here
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(target);
  cairo_surface_destroy(target);
  // Cairo 1.16's SVG writer replays a recording source through the snapshot its paginated
  // surface took of it: _cairo_svg_surface_emit_composite_recording_pattern asks the snapshot
  // for its target (_cairo_surface_snapshot_get_target), which returns a new reference that
  // it never drops. With the target destroyed nothing else holds one, so any reference above
  // the count before the save is that one: without dropping it the recording, and all that
  // was drawn on it (the decision regions' image: about 1 MB), outlives its Canvas. PNG and
  // PDF, and a Cairo without the fault, leave the count as it was, so nothing is dropped.
  while (cairo_surface_get_reference_count(recording) > references) {
    cairo_surface_destroy(recording);
  }
  return status;
}

void Canvas::save(const std::string& path) const {
  const auto fail = [&](cairo_status_t status) {
    throw Error("cannot write '" + path + "': cairo: " + cairo_status_to_string(status));
  };
  if (cairo_status(impl_->cr) != CAIRO_STATUS_SUCCESS) fail(cairo_status(impl_->cr));
  const std::string format = picture_format(path);
  if (format.empty()) {
    throw Error("cannot write '" + path + "': a picture's name ends in .png, .svg or .pdf");
  }
  cairo_surface_flush(impl_->surface);
  // Encoding into memory first means a failure cannot leave a half-written file; the
  // atomic write then replaces the target in one step.
  std::string encoded;
  const cairo_status_t status = encode_recording(impl_->surface, format, width_, height_, encoded);
  if (status != CAIRO_STATUS_SUCCESS) fail(status);
  write_file_atomically(path, encoded);
}

std::string picture_format(const std::string& path) {
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return "";
  std::string extension = path.substr(dot + 1);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension == "png" || extension == "svg" || extension == "pdf" ? extension : "";
}

}  // namespace soma::viz
