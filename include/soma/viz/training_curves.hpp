// plot_training_curves: the loss per epoch (training and validation) and, below it, the
// accuracy (classification) or RMSE (regression), with the epoch whose weights were kept
// marked.
#pragma once

#include <string>

#include "soma/train/fit.hpp"

namespace soma::viz {

struct CurveOptions {
  int width = 720;
  int height = 640;
  std::string title;
  // A dashed vertical line at history.best_epoch, the epoch whose weights the model kept:
  // "weights kept: epoch 12 (lowest validation loss)" after early stopping restored it,
  // "weights kept: last epoch (100)" otherwise.
  bool mark_best_epoch = true;
};

// The legend of the dashed line: which epoch's weights the model kept, and why.
std::string kept_epoch_label(const train::History& history);

// Writes the picture to `path` as PNG, SVG or PDF, by its extension (Canvas::save): the top panel
// shows the loss, the bottom panel the accuracy when EpochRecord::train_accuracy is a number and
// the RMSE otherwise (no bottom panel when neither is). Training is blue, validation orange; NaN
// values are left out. Throws soma::Error for an empty history and for a file that cannot be
// written.
void plot_training_curves(const std::string& path, const train::History& history,
                          const CurveOptions& options = {});

}  // namespace soma::viz
