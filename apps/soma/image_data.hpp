// Image data on the command line: `--data IMAGES --labels LABELS` (IDX files, as MNIST's)
// for train and eval, and train's held-out `--test IMAGES --test-labels LABELS`; IDX images
// alone for predict, and train's `--image HxW`, which declares a CSV file's feature columns
// the pixels of an image.
#pragma once

#include <optional>
#include <string>

#include "arguments.hpp"
#include "data_source.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::cli {

// Whether `path` names an IDX file by its name: NAME.idx, or MNIST's NAME-ubyte.
bool is_idx_path(const std::string& path);

// Throws UsageError unless `data` (the value of `images_option` that came with
// `labels_option`: --data and --labels, or --test and --test-labels) is IDX.
void check_labels_go_with(const std::string& data, const std::string& images_option = "--data",
                          const std::string& labels_option = "--labels");

// IDX images and their labels, as `images_option` and `labels_option` name them: byte
// pixels divided by 255 to [0, 1], classes 0..9 at least (MNIST-style). UsageError for
// images without labels and for labels with images that are not IDX (check_labels_go_with);
// soma::Error naming the file for what the IDX reader refuses (wrong magic, not n x rows x
// columns, counts that differ).
LoadedData read_idx_data(const std::string& images_option, const std::string& images,
                         const std::string& labels_option,
                         const std::optional<std::string>& labels);
// --data IMAGES --labels LABELS, by read_idx_data.
LoadedData idx_data(const ParsedArguments& arguments);

// Throws UsageError "OPTION PATH holds HxW images, `expected_by` HxW" (expected_by: "the
// model takes", say) unless the images are expected_height x expected_width.
void check_image_shape(const std::string& option, const std::string& path, int64_t height,
                       int64_t width, int64_t expected_height, int64_t expected_width,
                       const std::string& expected_by);

// `data` with train's --image HxW applied: CSV features become an image of H x W pixels
// (H x W must be the feature count). UsageError for built-in data, for IDX images of
// another shape, and for --features with image data (a feature map takes 2-d points).
LoadedData with_image_option(const ParsedArguments& arguments, LoadedData data);

// The rows `soma predict` runs an image model on: IDX images of the model's height x
// width, as `path` names them. UsageError naming both shapes when they differ, and for a
// model that is no image model (height 0).
Tensor idx_images_for_model(const std::string& path, int64_t height, int64_t width);

}  // namespace soma::cli
