// Everything needed to use a trained network on new data, saved in one model file: the
// network, the loss it was trained with, the activation that turns its outputs into
// probabilities, the feature map and scaling fitted on the training data, and the names
// of the features and classes. `soma train --save` writes it; `soma eval` and `soma
// predict` (or a C++ program) read it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soma/data/scaler.hpp"
#include "soma/nn/activation_layer.hpp"
#include "soma/nn/sequential.hpp"
#include "soma/train/loss_kind.hpp"

namespace soma::io {

struct TrainedModel {
  std::shared_ptr<nn::Sequential> network;
  train::LossKind loss = train::LossKind::squared_error;
  // Applied to the network's outputs at prediction time: sigmoid or softmax when the loss
  // works on logits (the activation is fused into the loss while training), else identity.
  nn::ActivationKind head = nn::ActivationKind::identity;
  std::vector<std::string> feature_names;  // of the raw input columns, in order
  std::vector<std::string> feature_map;    // data::map_features names; empty for none
  data::Scaler scaler;                     // fitted on the training part only
  std::vector<std::string> class_names;    // classification: index -> label text
  std::string label_name;                  // the label column of the training data
  std::string description;                 // e.g. "2-16-16-1 tanh, trained on circles"
  // An image model's raw features are the pixels of image_height x image_width images,
  // row-major; both are 0 for other models.
  int64_t image_height = 0;
  int64_t image_width = 0;

  bool is_image() const { return image_height > 0; }

  bool is_classification() const { return !class_names.empty(); }
  // Raw input rows -> the network's inputs: the feature map, then the scaling.
  Tensor prepare(const Tensor& raw_features) const;
  // Raw input rows -> outputs after the head (probabilities for classification), in
  // batches, without recording a graph.
  Tensor predict(const Tensor& raw_features) const;
};

// "28x28" -> {28, 28}: the `image` entry's text and `soma train --image`'s value. Throws
// soma::Error ("'28' is not HEIGHTxWIDTH, e.g. 28x28") unless both are whole numbers from 1
// to 65536.
std::pair<int64_t, int64_t> parse_image_shape(std::string_view text);

// Throws soma::Error, before writing anything, for a model that load_trained_model would
// refuse (see there). Names may hold any bytes, line breaks included (docs/MODEL_FORMAT.md
// says how lists are stored).
void save_trained_model(const std::string& path, const TrainedModel& model);
// Throws soma::Error starting with the path for a missing, damaged or foreign file, and for
// one whose entries do not fit its network, naming the entry: "PATH: class_names: 2 names,
// but a network with 3 outputs predicts one per output". Checked: loss and head parse and
// agree (sigmoid for bce_with_logits, softmax for cross_entropy, identity otherwise);
// feature_names are unique and not empty, and they (or the feature map's known names, of
// two features) are as many as the network's inputs; the scaler was fitted on that many;
// class_names are unique and fit the outputs (1 output: 2 classes; K outputs: K classes;
// regression: none, with squared_error); label_name is not a feature name; an image model's
// height x width is as many pixels as feature_names, with no feature map.
TrainedModel load_trained_model(const std::string& path);
// The same from the bytes of a model file; `name_for_errors` starts every message.
TrainedModel decode_trained_model(std::string_view bytes, const std::string& name_for_errors);

}  // namespace soma::io
