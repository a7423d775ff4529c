// plot_training_curves: one or two panels stacked over a shared epoch axis, each series a
// line (with markers while it has few points), the epoch whose weights were kept as a
// dashed line.
#include "soma/viz/training_curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/viz/canvas.hpp"

namespace soma::viz {

namespace {

// The Playground's blue and orange: training is the main series, validation the check.
const Color training_color = Color::from_hex(0x0877bd);
const Color validation_color = Color::from_hex(0xf59322);
const Color best_epoch_color{0.35, 0.35, 0.35};

// Beyond this many points, markers on every one would crowd into a thick band.
constexpr size_t most_points_with_markers = 30;

struct Series {
  std::string label;
  Color color;
  std::vector<double> values;  // one per epoch, NaN where absent
};

bool has_values(const std::vector<double>& values) {
  return std::any_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

std::pair<double, double> finite_range(const std::vector<Series>& series) {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const Series& s : series) {
    for (double v : s.values) {
      if (!std::isfinite(v)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  return {low, high};
}

// Accuracy lives in [0, 1]: show at least a tenth of it and stay inside it.
AxisSpec accuracy_axis(double low, double high) {
  if (high - low < 0.1) {
    low = std::max(0.0, high - 0.1);
    high = std::min(1.0, low + 0.1);
  }
  const double step = nice_tick_step(low, high, 5);
  return AxisSpec{"accuracy", std::max(0.0, std::floor(low / step + 1e-9) * step),
                  std::min(1.0, std::ceil(high / step - 1e-9) * step)};
}

// The epochs, widened a little so that the first and last points (and a best epoch that
// is the last one) do not disappear into the frame.
AxisSpec epoch_axis(const std::vector<double>& epochs, bool with_title) {
  const double extra = std::max(0.5, (epochs.back() - epochs.front()) * 0.02);
  return AxisSpec{with_title ? "epoch" : "", epochs.front() - extra, epochs.back() + extra, true};
}

void draw_panel(Axes& axes, const std::vector<double>& epochs, const std::vector<Series>& series,
                int best_epoch, const std::string& best_label, const CurveOptions& options) {
  axes.draw_grid();
  std::vector<LegendEntry> legend;
  for (const Series& s : series) {
    // Absent values are skipped and the line joins the epochs that have one, so that a
    // validation every tenth epoch still draws a line.
    std::vector<double> xs;
    std::vector<double> ys;
    for (size_t i = 0; i < epochs.size(); ++i) {
      if (!std::isfinite(s.values[i])) continue;
      xs.push_back(epochs[i]);
      ys.push_back(s.values[i]);
    }
    if (xs.empty()) continue;
    const LineStyle line{s.color, 2.0, false};
    axes.draw_line(xs, ys, line);
    if (xs.size() <= most_points_with_markers) {
      axes.draw_markers(xs, ys, MarkerStyle{s.color, Color{1.0, 1.0, 1.0}, 3.5, 1.0});
    }
    LegendEntry entry;
    entry.label = s.label;
    entry.line = line;
    legend.push_back(entry);
  }
  if (options.mark_best_epoch && best_epoch >= epochs.front() && best_epoch <= epochs.back()) {
    const LineStyle dashed{best_epoch_color, 1.5, true};
    axes.draw_vertical_line(best_epoch, dashed);
    LegendEntry entry;
    entry.label = best_label;
    entry.line = dashed;
    legend.push_back(entry);
  }
  axes.draw_frame();
  axes.draw_legend(legend);
}

}  // namespace

// fit() keeps an earlier epoch only when early stopping restored it, the one with the lowest
// validation loss (the lowest training loss without validation); otherwise the last.
std::string kept_epoch_label(const train::History& history) {
  if (history.epochs.empty()) return "";
  const bool validated =
      std::any_of(history.epochs.begin(), history.epochs.end(),
                  [](const train::EpochRecord& r) { return std::isfinite(r.validation_loss); });
  const std::string epoch = std::to_string(history.best_epoch);
  if (history.best_epoch == history.epochs.back().epoch)
    return "weights kept: last epoch (" + epoch + ")";
  return "weights kept: epoch " + epoch + " (lowest " + (validated ? "validation" : "training") +
         " loss)";
}

void plot_training_curves(const std::string& path, const train::History& history,
                          const CurveOptions& options) {
  if (history.epochs.empty()) {
    throw Error("plot_training_curves: the history has no epochs to plot ('" + path + "')");
  }
  std::vector<double> epochs;
  Series train_loss{"training", training_color, {}};
  Series validation_loss{"validation", validation_color, {}};
  Series train_metric{"training", training_color, {}};
  Series validation_metric{"validation", validation_color, {}};
  const bool classification =
      std::any_of(history.epochs.begin(), history.epochs.end(),
                  [](const train::EpochRecord& r) { return std::isfinite(r.train_accuracy); });
  for (const train::EpochRecord& record : history.epochs) {
    epochs.push_back(record.epoch);
    train_loss.values.push_back(record.train_loss);
    validation_loss.values.push_back(record.validation_loss);
    train_metric.values.push_back(classification ? record.train_accuracy : record.train_rmse);
    validation_metric.values.push_back(classification ? record.validation_accuracy
                                                      : record.validation_rmse);
  }
  const std::vector<Series> losses{train_loss, validation_loss};
  const std::vector<Series> metrics{train_metric, validation_metric};
  const bool with_metric = has_values(train_metric.values) || has_values(validation_metric.values);
  const std::string best_label = kept_epoch_label(history);

  Canvas canvas(options.width, options.height);
  canvas.draw_title(options.title);
  const double top = options.title.empty() ? 10.0 : Canvas::title_height();
  const double margin = 8.0;
  const double usable = options.height - top - margin;
  const double panel_height = with_metric ? (usable - 2.0 * margin) / 2.0 : usable;
  const Rect loss_panel{margin, top, options.width - 2.0 * margin, panel_height};

  // Losses are >= 0, so the axis starts at 0 and the fall is seen at its true scale.
  const auto [loss_low, loss_high] = finite_range(losses);
  const double loss_top = std::isfinite(loss_high) ? loss_high : 1.0;
  const double loss_bottom = std::isfinite(loss_low) ? std::min(0.0, loss_low) : 0.0;
  Axes& loss_axes = canvas.add_axes(loss_panel, epoch_axis(epochs, !with_metric),
                                    AxisSpec{"loss", loss_bottom, loss_top, false, true});
  if (with_metric) {
    const Rect metric_panel{margin, top + panel_height + 2.0 * margin, options.width - 2.0 * margin,
                            panel_height};
    const auto [metric_low, metric_high] = finite_range(metrics);
    const AxisSpec metric_axis = classification ? accuracy_axis(metric_low, metric_high)
                                                : AxisSpec{"RMSE", 0.0, metric_high, false, true};
    Axes& metric_axes = canvas.add_axes(metric_panel, epoch_axis(epochs, true), metric_axis);
    // One epoch axis for both panels: their plot areas start at the same x.
    const double left = std::max(loss_axes.plot_area().x, metric_axes.plot_area().x);
    loss_axes.set_plot_left(left);
    metric_axes.set_plot_left(left);
    draw_panel(metric_axes, epochs, metrics, history.best_epoch, best_label, options);
  }
  draw_panel(loss_axes, epochs, losses, history.best_epoch, best_label, options);
  canvas.save(path);
}

}  // namespace soma::viz
