// The pictures of image data for `soma train`: checked before training, drawn after it
// from the validation samples and the network's first layer.
#include "image_pictures.hpp"

#include <algorithm>
#include <cstdio>

#include "picture_output.hpp"
#include "soma/nn/dense.hpp"
#include "soma/viz/confusion_plot.hpp"
#include "soma/viz/image_grid.hpp"

namespace soma::cli {

namespace {

// The features as they were before `scaler`: x * scale + offset, column by column, for
// drawing the images as they are.
Tensor unscaled(const data::Scaler& scaler, const Tensor& features) {
  if (scaler.kind() == data::ScalingKind::none) return features;
  Tensor raw = features.clone();
  const int64_t rows = raw.shape()[0];
  const int64_t columns = raw.shape()[1];
  float* values = raw.data();
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < columns; ++j) {
      const auto column = static_cast<size_t>(j);
      values[i * columns + j] =
          values[i * columns + j] * scaler.scale()[column] + scaler.offset()[column];
    }
  }
  return raw;
}

// "validation samples 1-64 of 360, predicted / true class: 3 wrong, framed in red"
std::string samples_subtitle(const ImageResults& results, const data::Dataset& shown, int drawn) {
  int wrong = 0;
  for (int i = 0; i < drawn; ++i) {
    const auto index = static_cast<size_t>(i);
    wrong += results.evaluation.predicted[index] != static_cast<int64_t>(shown.targets.data()[i]);
  }
  char text[200];
  std::snprintf(text, sizeof text, "%s samples 1-%d of %lld, predicted / true class: %d wrong%s",
                results.part.c_str(), drawn, static_cast<long long>(shown.size()), wrong,
                wrong > 0 ? ", framed in red" : "");
  return text;
}

void plot_samples(const std::string& path, const LoadedData& data, const io::TrainedModel& model,
                  const data::Dataset& shown, const ImageResults& results) {
  viz::ImageGridOptions options;
  options.title = model.description;
  const int drawn = static_cast<int>(std::min<int64_t>(shown.size(), options.max_images));
  options.subtitle = samples_subtitle(results, shown, drawn);
  std::vector<int64_t> truth(static_cast<size_t>(shown.size()));
  for (int64_t i = 0; i < shown.size(); ++i) {
    truth[static_cast<size_t>(i)] = static_cast<int64_t>(shown.targets.data()[i]);
  }
  viz::plot_image_samples(path, unscaled(model.scaler, shown.features), data.image_height,
                          data.image_width, results.evaluation.predicted, truth, model.class_names,
                          options);
}

// The first layer's weights (pixels x units); every network soma builds starts with one.
void plot_weights(const std::string& path, const LoadedData& data, const io::TrainedModel& model) {
  const auto* first = dynamic_cast<const nn::Dense*>(&model.network->layer(0));
  if (first == nullptr) throw UsageError("--weights-plot: the network starts with no dense layer");
  const int64_t units = first->weight().shape()[1];
  viz::ImageGridOptions options;
  options.title = model.description;
  options.subtitle = "first-layer weights of " +
                     std::string(units > options.max_images
                                     ? "units 1-" + std::to_string(options.max_images) + " of "
                                     : "all ") +
                     std::to_string(units) + ": blue < 0 < red, each unit its own scale";
  viz::plot_weight_images(path, first->weight(), data.image_height, data.image_width, options);
}

}  // namespace

// Each command declares its own options (the lines look alike from command to command);
// these are train's image pictures', declared here beside the code that reads them.
void add_image_picture_options(ArgumentParser& parser) {
  parser.add_option("--weights-plot", "FILE",
                    "image data: each first-layer unit's weights as an image (blue < 0 < red, "
                    "one scale per unit; .png, .svg or .pdf)");
  parser.add_option("--confusion-plot", "FILE",
                    "classification: the confusion matrix of the validation part (without one, "
                    "of the training data) as a picture (.png, .svg or .pdf)");
}

void check_image_pictures(const ParsedArguments& arguments, const LoadedData& data) {
  const bool image = data.image_height > 0;
  if (auto path = arguments.value("--plot"); path && image && data.dataset.is_classification()) {
    check_picture_output("--plot", *path, PictureKind::figure);
  }
  if (auto path = arguments.value("--weights-plot")) {
    if (!image) {
      throw UsageError("--weights-plot draws weights as images: '" + data.source +
                       "' holds no images (IDX images, or CSV pixels with --image HxW)");
    }
    check_picture_output("--weights-plot", *path, PictureKind::figure);
  }
  if (auto path = arguments.value("--confusion-plot")) {
    if (!data.dataset.is_classification()) {
      throw UsageError("--confusion-plot: '" + data.source +
                       "' is regression data, which has no classes to confuse");
    }
    check_picture_output("--confusion-plot", *path, PictureKind::figure);
  }
}

ImageResults write_image_pictures(const ParsedArguments& arguments, const LoadedData& data,
                                  const io::TrainedModel& model,
                                  const std::optional<data::Dataset>& validation,
                                  const data::Dataset& training,
                                  std::vector<std::string>& written) {
  const data::Dataset& shown = validation ? *validation : training;
  ImageResults results;
  const bool image_classes = data.image_height > 0 && data.dataset.is_classification();
  if (image_classes || arguments.has("--confusion-plot")) {
    results.evaluated = true;
    results.part = validation ? "validation" : "training";
    results.evaluation = train::evaluate(*model.network, shown, model.loss);
    results.confusion = confusion_matrix(shown, results.evaluation);
  }
  if (auto path = arguments.value("--plot"); path && image_classes) {
    plot_samples(*path, data, model, shown, results);
    written.push_back("picture: " + *path);
  }
  if (auto path = arguments.value("--weights-plot")) {
    plot_weights(*path, data, model);
    written.push_back("weights picture: " + *path);
  }
  if (auto path = arguments.value("--confusion-plot")) {
    char subtitle[160];
    std::snprintf(subtitle, sizeof subtitle,
                  "%s samples: %lld, accuracy %.4f; rows: true class, columns: predicted",
                  results.part.c_str(), static_cast<long long>(shown.size()),
                  results.evaluation.accuracy);
    viz::plot_confusion_matrix(*path, results.confusion, model.class_names,
                               {.title = model.description, .subtitle = subtitle});
    written.push_back("confusion matrix picture: " + *path);
  }
  return results;
}

void print_image_confusion(const io::TrainedModel& model, const ImageResults& results) {
  if (!results.evaluated || !model.is_image()) return;
  std::printf("\n%s confusion matrix (rows: true class, columns: predicted)\n",
              results.part.c_str());
  print_confusion(model.class_names, results.confusion);
}

}  // namespace soma::cli
