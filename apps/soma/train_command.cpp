// `soma train`: trains a network on built-in or CSV data and reports, saves and draws the
// result. Defaults follow the task found in the data, so that
// `soma train --data FILE.csv --arch 30-32-2` needs nothing more.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "arguments.hpp"
#include "commands.hpp"
#include "data_source.hpp"
#include "json_writer.hpp"
#include "progress.hpp"
#include "soma/data/features.hpp"
#include "soma/data/split.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/optim/adam.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/viz/decision_regions.hpp"
#include "soma/viz/regression_fit.hpp"
#include "soma/viz/training_curves.hpp"

namespace soma::cli {

namespace {

using nn::ActivationKind;
using train::LossKind;

// The output activation and loss: from the options when given, else from the task.
// Sigmoid + binary cross-entropy and softmax + cross-entropy train on logits (stable and
// fused); the activation then becomes the model's prediction head instead of a layer.
struct OutputChoice {
  ActivationKind layer = ActivationKind::identity;  // a real last layer, or identity
  ActivationKind head = ActivationKind::identity;   // applied at prediction time
  LossKind loss = LossKind::squared_error;
};

OutputChoice choose_output(const ParsedArguments& arguments, const LoadedData& data,
                           int64_t outputs) {
  const bool classification = data.dataset.is_classification();
  const int64_t classes = data.dataset.classes;
  ActivationKind activation = ActivationKind::identity;
  LossKind loss = LossKind::squared_error;
  if (classification) {
    if (outputs == 1 && classes == 2) {
      activation = ActivationKind::sigmoid;
      loss = LossKind::binary_cross_entropy;
    } else if (outputs == classes) {
      activation = ActivationKind::softmax;
      loss = LossKind::softmax_cross_entropy;
    } else {
      throw UsageError("--arch: " + std::to_string(outputs) + " outputs fit neither " +
                       std::to_string(classes) + " classes with one output per class" +
                       (classes == 2 ? " nor two classes with one sigmoid output" : "") +
                       " (make the last size " + std::to_string(classes) +
                       (classes == 2 ? " or 1)" : ")"));
    }
  } else {
    const int64_t targets = data.dataset.targets.rank() == 2 ? data.dataset.targets.shape()[1] : 1;
    if (outputs != targets) {
      throw UsageError("--arch: " + std::to_string(outputs) + " outputs for " +
                       std::to_string(targets) + " regression target(s) (make the last size " +
                       std::to_string(targets) + ")");
    }
  }
  if (auto name = arguments.value("--output-activation")) activation = nn::parse_activation(*name);
  if (auto name = arguments.value("--loss")) loss = train::parse_loss(*name);

  OutputChoice choice{activation, ActivationKind::identity, loss};
  if (activation == ActivationKind::sigmoid && loss == LossKind::binary_cross_entropy) {
    choice = {ActivationKind::identity, ActivationKind::sigmoid,
              LossKind::binary_cross_entropy_with_logits};
  } else if (activation == ActivationKind::softmax && loss == LossKind::softmax_cross_entropy) {
    choice = {ActivationKind::identity, ActivationKind::softmax, LossKind::softmax_cross_entropy};
  } else if (loss == LossKind::softmax_cross_entropy) {
    if (activation != ActivationKind::identity) {
      throw UsageError(
          "--loss cross_entropy works on the raw outputs: use --output-activation "
          "softmax or identity");
    }
    choice.head = ActivationKind::softmax;
  } else if (loss == LossKind::binary_cross_entropy_with_logits) {
    if (activation != ActivationKind::identity) {
      throw UsageError(
          "--loss bce_with_logits works on the raw outputs: use "
          "--output-activation sigmoid or identity");
    }
    choice.head = ActivationKind::sigmoid;
  }
  return choice;
}

std::unique_ptr<Optimizer> make_optimizer(const ParsedArguments& arguments,
                                          std::vector<Tensor> parameters) {
  const std::string name = arguments.value("--optimizer").value_or("adam");
  const bool adaptive = name == "adam" || name == "adamw";
  const auto learning_rate = static_cast<float>(
      arguments.has("--learning-rate")
          ? parse_real("--learning-rate", *arguments.value("--learning-rate"), 1e-12, 1e6)
          : (adaptive ? 0.01 : 0.1));
  if (name == "sgd")
    return std::make_unique<Sgd>(parameters, SgdOptions{.learning_rate = learning_rate});
  if (name == "momentum") {
    return std::make_unique<Sgd>(parameters,
                                 SgdOptions{.learning_rate = learning_rate, .momentum = 0.9f});
  }
  if (name == "nesterov") {
    return std::make_unique<Sgd>(
        parameters, SgdOptions{.learning_rate = learning_rate, .momentum = 0.9f, .nesterov = true});
  }
  if (name == "adam")
    return std::make_unique<Adam>(parameters, AdamOptions{.learning_rate = learning_rate});
  if (name == "adamw") {
    return std::make_unique<AdamW>(parameters, AdamWOptions{.learning_rate = learning_rate});
  }
  throw UsageError("--optimizer: unknown optimizer '" + name +
                   "' (valid: sgd, momentum, nesterov, adam, adamw)");
}

void write_history(JsonWriter& json, const train::History& history, bool classification) {
  json.key("history").begin_array();
  for (const train::EpochRecord& record : history.epochs) {
    json.begin_object().key("epoch").value(static_cast<int64_t>(record.epoch));
    json.key("train_loss").value(record.train_loss);
    json.key(classification ? "train_accuracy" : "train_rmse")
        .value(classification ? record.train_accuracy : record.train_rmse);
    json.key("val_loss").value(record.validation_loss);
    json.key(classification ? "val_accuracy" : "val_rmse")
        .value(classification ? record.validation_accuracy : record.validation_rmse);
    json.key("learning_rate").value(record.learning_rate);
    json.key("seconds").value(record.seconds).end_object();
  }
  json.end_array();
}

// Whether every class name reads as a number, as labels that are quantities would.
bool all_numbers(const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(), [](const std::string& name) {
    char* end = nullptr;
    std::strtod(name.c_str(), &end);
    return !name.empty() && end == name.c_str() + name.size();
  });
}

// Classification needs two classes, and the stratified validation split gives
// round(fraction x rows) of each class to validation: with classes as small as the rows
// allow, that is nothing (or everything). Said here, with the label column and its counts,
// where the split could only say that the samples are too few.
void check_classes(const LoadedData& data, double validation_fraction) {
  const data::Dataset& dataset = data.dataset;
  if (!dataset.is_classification()) return;
  const std::string column =
      "--data '" + data.source + "': the label column '" + data.label_name + "'";
  const std::string hint =
      data.from_csv ? "; is '" + data.label_name + "' the column to predict? choose another with " +
                          "--label" +
                          (all_numbers(data.class_names)
                               ? ", or use --task regression if its values are quantities"
                               : "")
                    : "; use more --samples";
  if (dataset.classes < 2) {
    throw UsageError(column + " has one class, '" +
                     (data.class_names.empty() ? "0" : data.class_names.front()) +
                     "': classification needs at least two" + hint);
  }
  if (validation_fraction == 0.0) return;
  std::vector<int64_t> rows_per_class(static_cast<size_t>(dataset.classes));
  const float* labels = dataset.targets.data();
  for (int64_t i = 0; i < dataset.size(); ++i) {
    const auto label = static_cast<size_t>(labels[i]);
    if (label < rows_per_class.size()) ++rows_per_class[label];  // others: the split says so
  }
  int64_t validation_rows = 0;
  int64_t largest = 0;
  int64_t classes_present = 0;
  for (const int64_t rows : rows_per_class) {
    validation_rows += std::min(
        rows, static_cast<int64_t>(std::llround(validation_fraction * static_cast<double>(rows))));
    largest = std::max(largest, rows);
    classes_present += rows > 0;
  }
  const int64_t rows = dataset.size();
  if (validation_rows > 0 && validation_rows < rows) return;
  char fraction[32];
  std::snprintf(fraction, sizeof fraction, "%g", validation_fraction);
  const std::string counts =
      dataset.classes == rows && classes_present == rows
          ? " has as many classes as rows (" + std::to_string(rows) + "), one row each"
          : " has " + std::to_string(dataset.classes) + " classes in " + std::to_string(rows) +
                " rows, the largest with " + std::to_string(largest) +
                (largest == 1 ? " row" : " rows");
  const std::string split = "a validation split of " + std::string(fraction);
  throw UsageError(column + counts +
                   (validation_rows == 0
                        ? ", too few for " + split + " to take any"
                        : ", so " + split + " takes every row, leaving none to train on") +
                   " (each class gives it round(" + fraction + " x its rows))" + hint);
}

// Each feature map once: the same name twice adds a column that says nothing new, and a
// long list of repeats would make the data as wide as the list.
std::vector<std::string> parse_feature_map(const std::string& text) {
  std::vector<std::string> names = parse_list("--features", text);
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw UsageError("--features: '" + names[i] + "' is named twice");
    }
  }
  return names;
}

// Refuses, before anything is allocated, a network and batch size whose training would not
// fit in memory. Per parameter: its value, gradient, two optimiser moments and the best
// epoch's copy (5 floats); per row of a batch, each layer's outputs, activations and their
// gradients (4 floats per unit), and the same for evaluation's batches of up to 1024 rows;
// per sample, the split and scaled copies of its features (3 floats each).
void check_training_memory(const std::vector<int64_t>& sizes, const std::string& architecture,
                           int64_t batch_size, int64_t samples, double validation_fraction) {
  const auto training_rows = std::max<int64_t>(
      1, std::llround(static_cast<double>(samples) * (1.0 - validation_fraction)));
  const int64_t batch_rows =
      batch_size == 0 || batch_size > training_rows ? training_rows : batch_size;
  double units = 0.0;
  for (const int64_t size : sizes) units += static_cast<double>(size);
  const int64_t parameters = nn::parameter_count(nn::layers_of({.layer_sizes = sizes}));
  const double floats =
      5.0 * static_cast<double>(parameters) +
      4.0 * units * static_cast<double>(batch_rows + std::min<int64_t>(samples, 1024)) +
      3.0 * static_cast<double>(samples) * static_cast<double>(sizes.front());
  check_memory("training " + architecture + " (" + std::to_string(parameters) +
                   " parameters, batches of " + std::to_string(batch_rows) + " rows)",
               4.0 * floats);
}

}  // namespace

int run_train(int argc, const char* const* argv, int first) {
  ArgumentParser parser(
      "soma train", "soma train --data NAME|FILE.csv [--arch 2-16-16-1] [options]",
      "Trains a fully connected network by backpropagation and gradient descent.\n"
      "Defaults follow the data: two classes and one output -> sigmoid and binary\n"
      "cross-entropy; one output per class -> softmax and cross-entropy; real-valued\n"
      "labels -> identity output and squared error. Example:\n"
      "  soma train --data circles --arch 2-16-16-1 --activation tanh --plot circles.png\n"
      "Activations: " +
          activation_names() + ".");
  add_data_options(parser);
  parser.add_option("--features", "F1,F2,...",
                    "feature maps of 2-d data: x1 x2 x1^2 x2^2 x1*x2 sin(x1) sin(x2) r theta");
  parser.add_option("--scale", "KIND", "standard, minmax or none (default: standard for CSV)");
  parser.add_option("--arch", "SIZES", "layer sizes, e.g. 2-16-16-1 (default: IN-16-16-OUT)");
  parser.add_option("--activation", "NAME", "hidden activation (default relu)");
  parser.add_option("--output-activation", "NAME", "output activation (default from the task)");
  parser.add_option("--dropout", "P", "dropout of rate P after each hidden layer (default 0)");
  parser.add_option("--loss", "NAME",
                    "squared_error, binary_cross_entropy, bce_with_logits, cross_entropy");
  parser.add_option("--optimizer", "NAME", "sgd, momentum, nesterov, adam or adamw (default adam)");
  parser.add_option("--learning-rate", "X", "step size (default 0.01 for adam, 0.1 for sgd)");
  parser.add_option("--batch-size", "N", "1 = stochastic, 0 = full batch (default 32)");
  parser.add_option("--epochs", "N", "passes over the training data (default 100)");
  parser.add_option("--validation-split", "X", "fraction held out for validation (default 0.2)");
  parser.add_option("--patience", "N", "early stopping after N epochs without improvement");
  parser.add_option("--min-improvement", "X", "smallest loss decrease that counts (default 0)");
  parser.add_option("--weight-decay", "X", "L2 regularisation strength (default 0)");
  parser.add_option("--init", "NAME", "weight initialiser (default glorot_uniform)");
  parser.add_option("--seed", "N", "seed for data, weights and shuffling (default 0)");
  parser.add_option("--save", "MODEL", "write the trained model to this file");
  parser.add_option("--plot", "FILE.png", "picture: decision regions, regression fit or curves");
  parser.add_option("--curves", "FILE.png", "picture of the training curves");
  parser.add_flag("--json", "print one JSON object instead of progress and a summary");

  ParsedArguments arguments = parser.parse(argc, argv, first);
  if (arguments.has("--help")) {
    std::fputs(parser.help().c_str(), stdout);
    return exit_ok;
  }
  const auto seed = static_cast<uint64_t>(
      arguments.has("--seed") ? parse_integer("--seed", *arguments.value("--seed"), 0, INT64_MAX)
                              : 0);
  LoadedData data = load_data(arguments, seed);
  const bool classification = data.dataset.is_classification();
  const double validation_fraction =
      arguments.has("--validation-split")
          ? parse_real("--validation-split", *arguments.value("--validation-split"), 0.0, 0.9)
          : 0.2;
  check_classes(data, validation_fraction);

  io::TrainedModel model;
  model.feature_names = data.dataset.feature_names;
  model.class_names = data.class_names;
  model.label_name = data.label_name;
  data::Dataset features = data.dataset;
  if (auto names = arguments.value("--features")) {
    model.feature_map = parse_feature_map(*names);
    features = data::with_features(data.dataset, model.feature_map);
  }

  // The network's shape and the batch size come before the split and the network, so that
  // a network too large for memory is refused before they are allocated.
  const int64_t inputs = features.features.shape()[1];
  std::vector<int64_t> sizes;
  if (auto arch = arguments.value("--arch")) {
    sizes = nn::parse_layer_sizes(*arch);
    if (sizes.front() != inputs) {
      throw UsageError("--arch: the input size " + std::to_string(sizes.front()) +
                       " does not match the data's " + std::to_string(inputs) + " features");
    }
  } else {
    const int64_t outputs =
        classification ? (data.dataset.classes == 2 ? 1 : data.dataset.classes)
                       : (data.dataset.targets.rank() == 2 ? data.dataset.targets.shape()[1] : 1);
    sizes = {inputs, 16, 16, outputs};
  }
  std::string architecture;
  for (int64_t size : sizes)
    architecture += (architecture.empty() ? "" : "-") + std::to_string(size);
  train::FitOptions options;
  if (auto text = arguments.value("--batch-size"))
    options.batch_size = parse_integer("--batch-size", *text, 0, INT64_MAX);
  check_training_memory(sizes, architecture, options.batch_size, data.dataset.size(),
                        validation_fraction);

  // Scaling is fitted on the training part only, so the split comes first.
  data::Dataset training = features;
  std::optional<data::Dataset> validation;
  if (validation_fraction > 0.0) {
    auto [train_part, validation_part] =
        data::train_test_split(features, validation_fraction, seed);
    training = std::move(train_part);
    validation = std::move(validation_part);
  }
  const data::ScalingKind scaling =
      data::parse_scaling(arguments.value("--scale").value_or(data.from_csv ? "standard" : "none"));
  model.scaler = data::Scaler::fit(scaling, training.features);
  training.features = model.scaler.transform(training.features);
  if (validation) validation->features = model.scaler.transform(validation->features);

  const OutputChoice output = choose_output(arguments, data, sizes.back());
  model.loss = output.loss;
  model.head = output.head;
  nn::NetworkSpec spec{
      .layer_sizes = sizes,
      .hidden_activation = nn::parse_activation(arguments.value("--activation").value_or("relu")),
      .output_activation = output.layer};
  if (auto rate = arguments.value("--dropout")) {
    spec.dropout = static_cast<float>(parse_real("--dropout", *rate, 0.0, 0.999));
  }
  if (auto init = arguments.value("--init")) spec.weight_init = nn::Initializer::parse(*init);
  Generator weights(seed + 1);
  model.network = nn::build_network(spec, weights);
  // "2-16-16-1 tanh dropout 0.2, trained on circles"; "2-1 on x1^2,x2^2, ..." for a single
  // layer.
  model.description = architecture;
  if (sizes.size() > 2) {
    model.description += " " + std::string(nn::activation_name(spec.hidden_activation));
    if (spec.dropout != 0.0f) model.description += " dropout " + *arguments.value("--dropout");
  }
  if (!model.feature_map.empty()) model.description += " on " + *arguments.value("--features");
  model.description += ", trained on " + data.source;

  options.loss = output.loss;
  options.seed = seed;
  options.validation = validation;
  if (auto text = arguments.value("--epochs"))
    options.epochs = static_cast<int>(parse_integer("--epochs", *text, 1, 1'000'000));
  if (auto text = arguments.value("--patience"))
    options.patience = static_cast<int>(parse_integer("--patience", *text, 0, 1'000'000));
  if (auto text = arguments.value("--min-improvement"))
    options.min_improvement = parse_real("--min-improvement", *text, 0.0, 1e30);
  if (auto text = arguments.value("--weight-decay"))
    options.weight_decay = static_cast<float>(parse_real("--weight-decay", *text, 0.0, 1e6));
  const std::unique_ptr<Optimizer> optimizer =
      make_optimizer(arguments, model.network->parameters());

  const bool json_output = arguments.has("--json");
  Progress progress(json_output ? Progress::Style::quiet : Progress::style_for(stdout),
                    options.epochs, classification);
  options.on_epoch = [&progress](const train::EpochRecord& record) {
    progress.epoch_done(record);
    return true;
  };
  const auto started = std::chrono::steady_clock::now();
  train::History history;
  try {
    history = train::fit(*model.network, *optimizer, training, options);
  } catch (const train::TrainingDiverged& error) {
    progress.finish();
    std::fprintf(stderr, "soma train: error: %s\n", error.what());
    return exit_failure;
  }
  progress.finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Outputs: the model, then the pictures; each written atomically.
  std::vector<std::string> written;
  if (auto path = arguments.value("--save")) {
    io::save_trained_model(*path, model);
    written.push_back("model: " + *path);
  }
  if (auto path = arguments.value("--plot")) {
    const bool planar = data.dataset.features.shape()[1] == 2;
    if (classification && planar) {
      viz::plot_decision_regions(*path,
                                 [&model](const Tensor& points) { return model.predict(points); },
                                 data.dataset.features, data.dataset.targets, data.dataset.classes,
                                 {.title = model.description,
                                  .x_label = data.dataset.feature_names[0],
                                  .y_label = data.dataset.feature_names[1],
                                  .class_names = data.class_names});
    } else if (!classification && data.dataset.features.shape()[1] == 1) {
      viz::plot_regression_fit(*path, data.target,
                               [&model](const Tensor& x) { return model.predict(x); },
                               data.dataset.features, data.dataset.targets,
                               {.title = model.description,
                                .x_label = data.dataset.feature_names[0],
                                .y_label = data.label_name});
    } else {
      viz::plot_training_curves(*path, history, {.title = model.description});
    }
    written.push_back("picture: " + *path);
  }
  if (auto path = arguments.value("--curves")) {
    viz::plot_training_curves(*path, history, {.title = model.description});
    written.push_back("training curves: " + *path);
  }

  const train::EpochRecord& last = history.epochs.back();
  const train::EpochRecord& best = history.epochs[static_cast<size_t>(history.best_epoch - 1)];
  if (json_output) {
    JsonWriter json;
    json.begin_object().key("epochs_run").value(static_cast<int64_t>(last.epoch));
    json.key("best_epoch").value(static_cast<int64_t>(history.best_epoch));
    json.key("stopped_early").value(history.stopped_early);
    json.key("train_loss").value(best.train_loss);
    json.key(classification ? "train_accuracy" : "train_rmse")
        .value(classification ? best.train_accuracy : best.train_rmse);
    json.key("val_loss").value(best.validation_loss);
    json.key(classification ? "val_accuracy" : "val_rmse")
        .value(classification ? best.validation_accuracy : best.validation_rmse);
    json.key("seconds").value(seconds);
    json.key("parameters").value(model.network->parameter_count());
    json.key("architecture").value(architecture);
    json.key("loss").value(train::loss_name(model.loss));
    write_history(json, history, classification);
    json.end_object();
    std::printf("%s\n", json.str().c_str());
    return exit_ok;
  }
  std::printf("\ntrained %s: %lld parameters, %d epochs in %.2f s%s\n", model.description.c_str(),
              static_cast<long long>(model.network->parameter_count()), last.epoch, seconds,
              history.stopped_early ? " (stopped early)" : "");
  const char* metric = classification ? "accuracy" : "rmse";
  std::printf("epoch %d (%s): train loss %.4f, %s %.4f", history.best_epoch,
              history.best_epoch == last.epoch ? "last" : "best, restored", best.train_loss, metric,
              classification ? best.train_accuracy : best.train_rmse);
  if (validation) {
    std::printf("; validation loss %.4f, %s %.4f", best.validation_loss, metric,
                classification ? best.validation_accuracy : best.validation_rmse);
  }
  std::printf("\n");
  for (const std::string& line : written) std::printf("wrote %s\n", line.c_str());
  return exit_ok;
}

}  // namespace soma::cli
