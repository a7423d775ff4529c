// Pictures of image data: a grid of samples drawn as images with their predicted and true
// classes (mistakes framed in red), and each first-layer unit's weights drawn as an image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soma/tensor/tensor.hpp"
#include "soma/viz/canvas.hpp"

namespace soma::viz {

struct ImageGridOptions {
  std::string title;
  std::string subtitle;  // a second line under the title, e.g. which samples these are
  int columns = 8;       // tiles per row
  int max_images = 64;   // the first this many are drawn
};

// `pixels` (n x height*width, row-major images) drawn in grey, the darkest pixel the
// largest value over the drawn images; under each, "predicted / true" class names, in red
// with a red frame round the image where they differ. `predicted` and `truth` hold n class
// indices into `class_names`. Writes the picture to `path` (PNG, SVG or PDF by its extension);
// throws soma::Error for shapes or indices that do not fit and for a file that cannot be written.
void plot_image_samples(const std::string& path, const Tensor& pixels, int64_t height,
                        int64_t width, const std::vector<int64_t>& predicted,
                        const std::vector<int64_t>& truth,
                        const std::vector<std::string>& class_names,
                        const ImageGridOptions& options = {});

// The weights (height*width x units, as a first Dense layer holds them) of each unit drawn
// as a height x width image on a diverging map: blue negative, white zero, red positive.
// Each unit has its own scale, its largest |weight| at full colour, printed under it
// ("3: ±0.42"): the
// units' weights differ in size, and one shared scale would leave the small ones blank.
// The first options.max_images units are drawn.
void plot_weight_images(const std::string& path, const Tensor& weights, int64_t height,
                        int64_t width, const ImageGridOptions& options = {});

// The diverging map of plot_weight_images, for t in [-1, 1] (clamped).
Color diverging_color(double t);

}  // namespace soma::viz
