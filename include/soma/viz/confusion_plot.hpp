// The confusion matrix as a picture: one cell per (true class, predicted class), shaded by
// the share of the true class's samples it holds, with the count written in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soma::viz {

struct ConfusionPlotOptions {
  std::string title;
  std::string subtitle;
};

// matrix[true class][predicted class] counts, K x K for the K `class_names`. Rows are true
// classes, columns predicted; a cell is white for none of its row and dark blue for all
// of it, so the diagonal is dark where the model is right. Writes the picture to `path` (PNG, SVG
// or PDF by its extension); throws soma::Error for a matrix that is not K x K and for a file that
// cannot be written.
void plot_confusion_matrix(const std::string& path, const std::vector<std::vector<int64_t>>& matrix,
                           const std::vector<std::string>& class_names,
                           const ConfusionPlotOptions& options = {});

}  // namespace soma::viz
