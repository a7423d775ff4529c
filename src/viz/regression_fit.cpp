// plot_regression_fit: sample the target and the network along x's range (the network in
// one batch), fit both curves and the data into one frame, and draw them.
#include "soma/viz/regression_fit.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "soma/autograd/grad_mode.hpp"
#include "soma/core/error.hpp"
#include "soma/viz/canvas.hpp"

namespace soma::viz {

namespace {

constexpr const char* operation = "plot_regression_fit";

const Color target_color{0.55, 0.55, 0.55};
const Color data_color = Color::from_hex(0xf59322);
const Color network_color = Color::from_hex(0x0877bd);

[[noreturn]] void fail(const std::string& message) {
  throw Error(std::string(operation) + ": " + message);
}

std::string describe(const Tensor& t) {
  return t.defined() ? t.shape().to_string() : "an undefined tensor";
}

bool is_column(const Tensor& t) {
  return t.defined() && (t.rank() == 1 || (t.rank() == 2 && t.size(1) == 1));
}

// The values of an (n) or (n x 1) tensor, each checked to be finite.
std::vector<double> column_values(const Tensor& t, const char* name) {
  if (!is_column(t) || t.numel() < 1) {
    fail(std::string(name) + " must be (n) or (n x 1) with n >= 1; got " + describe(t));
  }
  std::vector<double> values(t.data(), t.data() + t.numel());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      fail(std::string(name) + "[" + std::to_string(i) + "] is not finite (" +
           std::to_string(values[i]) + ")");
    }
  }
  return values;
}

void widen(double& low, double& high, double padding) {
  if (low == high) {
    low -= 1.0;
    high += 1.0;
  }
  const double extra = (high - low) * padding;
  low -= extra;
  high += extra;
}

// The network's curve (and the target's, if there is one) at `samples` points from x_min
// to x_max, the network in one batch without a graph.
struct Curves {
  std::vector<double> x;
  std::vector<double> network_y;
  std::vector<double> target_y;  // empty without a target
};

Curves sample_curves(const std::function<double(double)>& target,
                     const std::function<Tensor(const Tensor&)>& model, double x_min, double x_max,
                     int samples) {
  Curves curves;
  curves.x.resize(static_cast<size_t>(samples));
  Tensor inputs = Tensor::empty(Shape{samples, 1});
  for (int i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / (samples - 1);
    curves.x[static_cast<size_t>(i)] = x_min + (x_max - x_min) * t;
    inputs.data()[i] = static_cast<float>(curves.x[static_cast<size_t>(i)]);
  }
  Tensor outputs;
  {
    NoGradGuard no_graph;
    outputs = model(inputs);
  }
  if (!is_column(outputs) || outputs.size(0) != samples) {
    fail("the model returned " + describe(outputs) + " for " + std::to_string(samples) +
         " inputs; expected (" + std::to_string(samples) + "x1)");
  }
  curves.network_y.assign(outputs.data(), outputs.data() + samples);
  if (target) {
    for (double value : curves.x) curves.target_y.push_back(target(value));
  }
  return curves;
}

}  // namespace

void plot_regression_fit(const std::string& path, const std::function<double(double)>& target,
                         const std::function<Tensor(const Tensor&)>& model, const Tensor& x,
                         const Tensor& y, const RegressionPlotOptions& options) {
  if (!model) fail("no model was given");
  if (options.samples < 2 || options.samples > 100000) {
    fail("samples must be 2 to 100000, got " + std::to_string(options.samples));
  }
  if (!(options.padding >= 0.0) || !std::isfinite(options.padding)) {
    fail("padding must be a fraction >= 0, got " + std::to_string(options.padding));
  }
  const std::vector<double> xs = column_values(x, "x");
  const std::vector<double> ys = column_values(y, "y");
  if (xs.size() != ys.size()) {
    fail("x has " + std::to_string(xs.size()) + " values but y has " + std::to_string(ys.size()));
  }

  // The curves span exactly the data's x range: beyond it the network was never trained.
  const auto [x_min, x_max] = std::minmax_element(xs.begin(), xs.end());
  const Curves curves = sample_curves(target, model, *x_min, *x_max, options.samples);
  const std::vector<double>& curve_x = curves.x;
  const std::vector<double>& network_y = curves.network_y;
  const std::vector<double>& target_y = curves.target_y;

  double y_low = *std::min_element(ys.begin(), ys.end());
  double y_high = *std::max_element(ys.begin(), ys.end());
  const auto include_in_range = [&](const std::vector<double>& curve) {
    for (double v : curve) {
      if (!std::isfinite(v)) continue;  // a NaN breaks the line; it does not set the range
      y_low = std::min(y_low, v);
      y_high = std::max(y_high, v);
    }
  };
  include_in_range(network_y);
  include_in_range(target_y);
  double x_low = *x_min;
  double x_high = *x_max;
  widen(x_low, x_high, options.padding);
  widen(y_low, y_high, options.padding);

  Canvas canvas(options.width, options.height);
  canvas.draw_title(options.title);
  const double top = options.title.empty() ? 8.0 : Canvas::title_height();
  const Rect panel{8.0, top, options.width - 16.0, options.height - top - 8.0};
  Axes& axes = canvas.add_axes(panel, AxisSpec{options.x_label, x_low, x_high},
                               AxisSpec{options.y_label, y_low, y_high});
  axes.draw_grid();

  std::vector<LegendEntry> legend;
  if (target) {
    const LineStyle thin{target_color, 1.5, false};
    axes.draw_line(curve_x, target_y, thin);
    legend.push_back(LegendEntry{"target", LegendEntry::Kind::line, thin, {}, {}});
  }
  const MarkerStyle points{data_color, Color{0.25, 0.25, 0.25}, 4.0, 1.0};
  axes.draw_markers(xs, ys, points);
  legend.push_back(LegendEntry{"training data", LegendEntry::Kind::marker, {}, points, {}});
  // The network on top of the data, so that its curve is never hidden.
  const LineStyle thick{network_color, 3.0, false};
  axes.draw_line(curve_x, network_y, thick);
  legend.push_back(LegendEntry{"network", LegendEntry::Kind::line, thick, {}, {}});
  axes.draw_frame();
  axes.draw_legend(legend);
  canvas.save(path);
}

}  // namespace soma::viz
