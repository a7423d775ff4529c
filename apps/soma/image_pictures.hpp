// `soma train`'s pictures of image data: --plot draws validation samples as images with
// their predicted and true classes, --weights-plot each first-layer unit's weights as an
// image, and --confusion-plot (any classification) the confusion matrix; for image data
// the report also shows that matrix. Every option is checked before training.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "confusion_report.hpp"
#include "data_source.hpp"
#include "soma/io/trained_model.hpp"

namespace soma::cli {

void add_image_picture_options(ArgumentParser& parser);

// Throws UsageError for a picture file that cannot be written (see picture_output.hpp), for
// --weights-plot without image data and for --confusion-plot without classes.
void check_image_pictures(const ParsedArguments& arguments, const LoadedData& data);

// What the trained model makes of the samples the pictures show: the validation part, or
// the training part without one; `evaluated` is false when nothing asked for them.
struct ImageResults {
  bool evaluated = false;
  std::string part;  // "validation" or "training"
  train::Evaluation evaluation;
  ConfusionMatrix confusion;
};

// Evaluates the validation part (else the training part), both scaled as the network takes
// them, when the data are images or --confusion-plot asks, and writes --plot (image
// classification), --weights-plot and --confusion-plot, adding "picture: PATH", ... to
// `written` for the report.
ImageResults write_image_pictures(const ParsedArguments& arguments, const LoadedData& data,
                                  const io::TrainedModel& model,
                                  const std::optional<data::Dataset>& validation,
                                  const data::Dataset& training, std::vector<std::string>& written);

// The confusion matrix of image data in the text report ("validation confusion matrix").
void print_image_confusion(const io::TrainedModel& model, const ImageResults& results);

}  // namespace soma::cli
