// plot_regression_fit: how well a network with one input and one output fits its training
// data: the true function (if known) thin and grey, the data as points, the network thick.
#pragma once

#include <functional>
#include <string>

#include "soma/tensor/tensor.hpp"

namespace soma::viz {

// Like every picture's options (training_curves.hpp, decision_regions.hpp): its size and
// title, then its own settings, each with the default that suits this picture.
struct RegressionPlotOptions {
  int width = 640;
  int height = 480;
  std::string title;
  int samples = 400;      // points along each curve
  double padding = 0.05;  // fraction of the data's range added on every side
  std::string x_label = "x";
  std::string y_label = "y";
};

// Writes the picture to `path` as PNG, SVG or PDF, by its extension (Canvas::save). `x` and `y` are
// the training data, (n) or (n x 1) each. `model` maps (m x 1) inputs to (m x 1) outputs and is
// called once, with `samples` points spread over x's range; `target` may be empty. Throws
// soma::Error for inputs or a model answer of the wrong shape, values that are not finite, and an
// unwritable file.
void plot_regression_fit(const std::string& path, const std::function<double(double)>& target,
                         const std::function<Tensor(const Tensor&)>& model, const Tensor& x,
                         const Tensor& y, const RegressionPlotOptions& options = {});

}  // namespace soma::viz
