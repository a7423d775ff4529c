// plot_decision_regions: a picture like the TensorFlow Playground's of what a classifier
// does with the plane: each region in its predicted class's colour, faint where the model
// is unsure, full where it is confident, with the training points on top.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "soma/tensor/tensor.hpp"
#include "soma/viz/canvas.hpp"

namespace soma::viz {

// (m x 2) points -> (m x classes) class probabilities, or (m x 1) = P(class 1) when there
// are two classes. A network ending in softmax (or sigmoid) is such a function.
using ClassProbabilities = std::function<Tensor(const Tensor& points)>;

struct DecisionRegionOptions {
  int width = 640;
  int height = 560;
  int resolution = 200;  // grid cells per axis: the model sees resolution^2 points
  std::string title;
  double padding = 0.1;  // fraction of the data's range added on every side
  std::string x_label = "x1";
  std::string y_label = "x2";
  std::vector<std::string> class_names;  // empty: "class 0", "class 1", ...
};

// The palette, fixed so that pictures compare across runs: class 0 orange #f59322 and
// class 1 blue #0877bd as in the Playground, then green #2ca02c, red #d62728, purple
// #9467bd, brown #8c564b, pink #e377c2, grey #7f7f7f, olive #bcbd22, cyan #17becf; classes
// from 10 on repeat it. The regions use class_color; the points use class_point_color, the
// same hue darkened by a third, so that they stand out on their own region.
Color class_color(int64_t class_index);
Color class_point_color(int64_t class_index);
// The background where the model is no surer than chance (1 / classes): a near-white grey.
Color undecided_color();

// Writes the picture to `path` as PNG, SVG or PDF, by its extension (Canvas::save). x1 runs
// horizontally, x2 vertically, over the points' range widened by `padding`. `model` is called once,
// with all grid points. Throws soma::Error for inputs of the wrong shape, labels outside [0,
// classes), a model answer of the wrong shape or with values outside [0, 1], and for a file that
// cannot be written.
void plot_decision_regions(const std::string& path, const ClassProbabilities& model,
                           const Tensor& points, const Tensor& labels, int64_t classes,
                           const DecisionRegionOptions& options = {});

}  // namespace soma::viz
