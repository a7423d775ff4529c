// Image data on the command line: `--data IMAGES --labels LABELS` (IDX files, as MNIST's)
// for train and eval, IDX images alone for predict, and train's `--image HxW`, which
// declares a CSV file's feature columns the pixels of an image.
#pragma once

#include <string>

#include "arguments.hpp"
#include "data_source.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::cli {

// Whether `path` names an IDX file by its name: NAME.idx, or MNIST's NAME-ubyte.
bool is_idx_path(const std::string& path);

// Throws UsageError unless `data` (the --data value that came with --labels) is IDX.
void check_labels_go_with(const std::string& data);

// --data IMAGES --labels LABELS: byte pixels divided by 255 to [0, 1], classes 0..9 at
// least (MNIST-style). UsageError for IDX --data without --labels and for --labels with
// built-in or CSV data; soma::Error naming the file for what the IDX reader refuses (wrong
// magic, not n x rows x columns, counts that differ).
LoadedData idx_data(const ParsedArguments& arguments);

// `data` with train's --image HxW applied: CSV features become an image of H x W pixels
// (H x W must be the feature count). UsageError for built-in data, for IDX images of
// another shape, and for --features with image data (a feature map takes 2-d points).
LoadedData with_image_option(const ParsedArguments& arguments, LoadedData data);

// The rows `soma predict` runs an image model on: IDX images of the model's height x
// width, as `path` names them. UsageError naming both shapes when they differ, and for a
// model that is no image model (height 0).
Tensor idx_images_for_model(const std::string& path, int64_t height, int64_t width);

}  // namespace soma::cli
