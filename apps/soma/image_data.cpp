// IDX images as data for train (with its --test), eval and predict, and --image for CSV
// features.
#include "image_data.hpp"

#include "soma/core/error.hpp"
#include "soma/data/idx.hpp"
#include "soma/io/trained_model.hpp"

namespace soma::cli {

namespace {

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

std::string shape_text(int64_t height, int64_t width) {
  return std::to_string(height) + "x" + std::to_string(width);
}

}  // namespace

bool is_idx_path(const std::string& path) {
  return ends_with(path, ".idx") || ends_with(path, "-ubyte");
}

void check_labels_go_with(const std::string& data, const std::string& images_option,
                          const std::string& labels_option) {
  if (is_idx_path(data)) return;
  // A CSV file's labels are a column: training names it with --label, a test file has the
  // training data's.
  const std::string csv_labels = std::string("with a CSV file, whose labels are a column") +
                                 (labels_option == "--labels" ? " (--label COLUMN)" : "");
  throw UsageError(labels_option + " goes with IDX images in " + images_option +
                   " (NAME.idx or NAME-ubyte), not " +
                   (ends_with(data, ".csv") ? csv_labels : "with '" + data + "'"));
}

LoadedData read_idx_data(const std::string& images_option, const std::string& images,
                         const std::string& labels_option,
                         const std::optional<std::string>& labels) {
  if (!labels) {
    throw UsageError(images_option + " " + images + ": IDX images need their labels: add " +
                     labels_option + " LABELS (an IDX file of one class index per image)");
  }
  check_labels_go_with(images, images_option, labels_option);
  data::IdxImageDataset loaded = data::load_idx_image_dataset(images, *labels);
  LoadedData result;
  result.dataset = std::move(loaded.dataset);
  for (int64_t k = 0; k < result.dataset.classes; ++k) {
    result.class_names.push_back(std::to_string(k));
  }
  result.label_name = "label";
  result.source = images;
  result.image_height = loaded.height;
  result.image_width = loaded.width;
  return result;
}

LoadedData idx_data(const ParsedArguments& arguments) {
  return read_idx_data("--data", *arguments.value("--data"), "--labels",
                       arguments.value("--labels"));
}

void check_image_shape(const std::string& option, const std::string& path, int64_t height,
                       int64_t width, int64_t expected_height, int64_t expected_width,
                       const std::string& expected_by) {
  if (height == expected_height && width == expected_width) return;
  throw UsageError(option + " " + path + " holds " + shape_text(height, width) + " images, " +
                   expected_by + " " + shape_text(expected_height, expected_width));
}

LoadedData with_image_option(const ParsedArguments& arguments, LoadedData data) {
  if (auto text = arguments.value("--image")) {
    std::pair<int64_t, int64_t> shape;
    try {
      shape = io::parse_image_shape(*text);
    } catch (const Error& error) {
      throw UsageError(std::string("--image: ") + error.what());
    }
    const auto [height, width] = shape;
    const int64_t features = data.dataset.features.shape()[1];
    if (data.image_height > 0 && (height != data.image_height || width != data.image_width)) {
      throw UsageError("--image " + *text + ": " + data.source + " holds " +
                       shape_text(data.image_height, data.image_width) + " images");
    }
    if (!data.from_csv && data.image_height == 0) {
      throw UsageError("--image: the built-in data '" + data.source +
                       "' are points, not images (--image declares a CSV file's columns pixels)");
    }
    if (height * width != features) {
      throw UsageError("--image " + *text + ": " + std::to_string(height * width) +
                       " pixels, but " + data.source + " has " + std::to_string(features) +
                       " feature columns");
    }
    data.image_height = height;
    data.image_width = width;
  }
  if (data.image_height > 0 && arguments.has("--features")) {
    throw UsageError("--features maps the two features of 2-d points; " + data.source +
                     " holds images");
  }
  return data;
}

Tensor idx_images_for_model(const std::string& path, int64_t height, int64_t width) {
  if (height == 0) {
    throw UsageError("--data " + path +
                     ": IDX images need an image model; this one was not trained on images");
  }
  data::IdxImages images = data::load_idx_images(path);
  check_image_shape("--data", path, images.height, images.width, height, width, "the model takes");
  return std::move(images.pixels);
}

}  // namespace soma::cli
