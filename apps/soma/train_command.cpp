// `soma train`: trains a network on built-in or CSV data and reports, saves and draws the
// result. Defaults follow the task found in the data, so that
// `soma train --data FILE.csv --arch 30-32-2` needs nothing more.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "arguments.hpp"
#include "commands.hpp"
#include "data_source.hpp"
#include "held_out_test.hpp"
#include "image_data.hpp"
#include "image_pictures.hpp"
#include "network_options.hpp"
#include "optimizer_options.hpp"
#include "picture_output.hpp"
#include "progress.hpp"
#include "soma/data/features.hpp"
#include "soma/data/split.hpp"
#include "soma/io/trained_model.hpp"
#include "soma/nn/network_spec.hpp"
#include "soma/optim/adam.hpp"
#include "soma/optim/sgd.hpp"
#include "soma/train/network_checks.hpp"
#include "train_checks.hpp"
#include "train_defaults.hpp"
#include "train_report.hpp"

namespace soma::cli {

namespace {

using nn::ActivationKind;
using train::LossKind;

// The output activation and loss: from the options when given, else from the task
// (train::output_for_task); train::output_choice then moves a sigmoid or softmax before its
// cross-entropy into the prediction head.
train::OutputChoice choose_output(const ParsedArguments& arguments, const LoadedData& data,
                                  int64_t outputs) {
  const data::Dataset& dataset = data.dataset;
  const int64_t classes = dataset.classes;
  const int64_t targets = dataset.targets.rank() == 2 ? dataset.targets.shape()[1] : 1;
  const std::optional<train::TaskOutput> task =
      train::output_for_task(dataset.is_classification(), classes, targets, outputs);
  if (!task && dataset.is_classification()) {
    throw UsageError("--arch: " + std::to_string(outputs) + " outputs fit neither " +
                     std::to_string(classes) + " classes with one output per class" +
                     (classes == 2 ? " nor two classes with one sigmoid output" : "") +
                     " (make the last size " + std::to_string(classes) +
                     (classes == 2 ? " or 1)" : ")"));
  }
  if (!task) {
    throw UsageError("--arch: " + std::to_string(outputs) + " outputs for " +
                     std::to_string(targets) + " regression target(s) (make the last size " +
                     std::to_string(targets) + ")");
  }
  ActivationKind activation = task->activation;
  LossKind loss = task->loss;
  if (auto name = arguments.value("--output-activation")) activation = nn::parse_activation(*name);
  if (auto name = arguments.value("--loss")) loss = train::parse_loss(*name);
  if (auto choice = train::output_choice(activation, loss)) return *choice;
  if (loss == LossKind::softmax_cross_entropy) {
    throw UsageError(
        "--loss cross_entropy works on the raw outputs: use --output-activation "
        "softmax or identity");
  }
  if (activation == ActivationKind::sigmoid) {
    throw UsageError("--output-activation sigmoid with --loss bce_with_logits: " +
                     train::repeated_output_activation(activation, loss) +
                     "; use --output-activation identity, or --loss binary_cross_entropy");
  }
  throw UsageError(
      "--loss bce_with_logits works on the raw outputs: use --output-activation identity");
}

std::unique_ptr<Optimizer> make_optimizer(const ParsedArguments& arguments,
                                          std::vector<Tensor> parameters) {
  const std::string name = arguments.value("--optimizer").value_or("adam");
  const bool adaptive = name == "adam" || name == "adamw";
  const auto learning_rate = static_cast<float>(
      arguments.has("--learning-rate")
          ? parse_real("--learning-rate", *arguments.value("--learning-rate"), 1e-12, 1e6)
          : (adaptive ? 0.01 : 0.1));
  if (name == "sgd" || name == "momentum" || name == "nesterov")
    return std::make_unique<Sgd>(parameters, sgd_options(arguments, name, learning_rate));
  if (name == "adam")
    return std::make_unique<Adam>(parameters, adam_options(arguments, name, learning_rate));
  if (name == "adamw")
    return std::make_unique<AdamW>(parameters, adamw_options(arguments, learning_rate));
  throw UsageError("--optimizer: unknown optimizer '" + name +
                   "' (valid: sgd, momentum, nesterov, adam, adamw)");
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

// The data's features after the --features maps; the model keeps the names and the maps.
data::Dataset mapped_features(const ParsedArguments& arguments, const LoadedData& data,
                              io::TrainedModel& model) {
  model.feature_names = data.dataset.feature_names;
  model.class_names = data.class_names;
  model.label_name = data.label_name;
  model.image_height = data.image_height;
  model.image_width = data.image_width;
  auto names = arguments.value("--features");
  if (!names) return data.dataset;
  model.feature_map = parse_feature_map(*names);
  return data::with_features(data.dataset, model.feature_map);
}

}  // namespace

// Each command declares its own options, in the order its --help lists them (the lines look
// alike from command to command); the options several commands share are declared once, in
// network_options.hpp and data_source.hpp.
ArgumentParser train_parser() {
  ArgumentParser parser(
      "soma train", "soma train --data NAME|FILE.csv|IMAGES [--arch 2-16-16-1] [options]",
      "Trains a fully connected network by backpropagation and gradient descent.\n"
      "Defaults follow the data: two classes and one output -> sigmoid and binary\n"
      "cross-entropy; one output per class -> softmax and cross-entropy; real-valued\n"
      "labels -> identity output and squared error. Example:\n"
      "  soma train --data circles --arch 2-16-16-1 --activation tanh --plot circles.png\n"
      "  soma train --data images.idx --labels labels.idx --arch 784-64-10 --plot samples.png\n"
      "Activations: " +
          activation_names() + ".");
  add_data_options(parser);
  parser.add_option("--features", "F1,F2,...",
                    "feature maps of 2-d data: x1 x2 x1^2 x2^2 x1*x2 sin(x1) sin(x2) r theta");
  parser.add_option("--image", "HxW", "the CSV features are the pixels of H x W images, row-major");
  parser.add_option("--scale", "KIND",
                    "standard, minmax or none (default: standard for CSV; none for IDX images, "
                    "whose byte pixels are divided by 255 to [0, 1]: one range for every pixel, "
                    "so a pixel that is nearly always blank is not blown up to unit variance)");
  add_network_options(parser, "layer sizes, e.g. 2-16-16-1 (default: IN-16-16-OUT)",
                      "from the task");
  parser.add_option("--loss", "NAME",
                    "squared_error, binary_cross_entropy, bce_with_logits, cross_entropy");
  parser.add_option("--optimizer", "NAME", "sgd, momentum, nesterov, adam or adamw (default adam)");
  parser.add_option("--learning-rate", "X", "step size (default 0.01 for adam, 0.1 for sgd)");
  add_optimizer_options(parser);
  parser.add_option("--batch-size", "N", "1 = stochastic, 0 = full batch (default 32)");
  parser.add_option("--epochs", "N", "passes over the training data (default 100)");
  parser.add_option("--validation-split", "X", validation_split_help);
  add_test_option(parser);
  parser.add_option("--patience", "N", patience_help);
  parser.add_option("--min-improvement", "X", "smallest loss decrease that counts (default 0)");
  parser.add_option("--weight-decay", "X", "L2 regularisation strength (default 0)");
  add_penalty_options(parser);
  parser.add_option("--init", "NAME", init_help());
  parser.add_option("--seed", "N", "seed for data, weights and shuffling (default 0)");
  parser.add_option("--save", "MODEL", "write the trained model to this file");
  parser.add_option("--plot", "FILE",
                    "picture: decision regions, regression fit, validation images or curves "
                    "(.png, .svg or .pdf)");
  parser.add_option("--curves", "FILE", "picture of the training curves (.png, .svg or .pdf)");
  add_image_picture_options(parser);
  parser.add_option("--log-every", "N",
                    "without a terminal, print every Nth epoch, the first and the last "
                    "(default: EPOCHS/10 rounded up, about 10 lines)");
  parser.add_flag("--json", "print one JSON object instead of progress and a summary");
  return parser;
}

namespace {

// --arch's sizes, checked against the data's features, or IN-16-16-OUT for the task.
std::vector<int64_t> layer_sizes(const ParsedArguments& arguments, const data::Dataset& raw,
                                 int64_t inputs) {
  if (auto arch = arguments.value("--arch")) {
    std::vector<int64_t> sizes = nn::parse_layer_sizes(*arch);
    if (sizes.front() != inputs) {
      throw UsageError("--arch: the input size " + std::to_string(sizes.front()) +
                       " does not match the data's " + std::to_string(inputs) + " features");
    }
    return sizes;
  }
  const int64_t outputs = raw.is_classification()
                              ? (raw.classes == 2 ? 1 : raw.classes)
                              : (raw.targets.rank() == 2 ? raw.targets.shape()[1] : 1);
  return {inputs, 16, 16, outputs};
}

// {2, 16, 16, 1} -> "2-16-16-1".
std::string architecture_of(const std::vector<int64_t>& sizes) {
  std::string architecture;
  for (int64_t size : sizes)
    architecture += (architecture.empty() ? "" : "-") + std::to_string(size);
  return architecture;
}

// The training and validation parts, scaled by a scaler fitted on the training part only
// (hence the split first), which the model keeps.
struct Split {
  data::Dataset training;
  std::optional<data::Dataset> validation;
};

Split split_and_scale(const ParsedArguments& arguments, const LoadedData& data,
                      const data::Dataset& features, double validation_fraction, uint64_t seed,
                      io::TrainedModel& model) {
  Split split{features, std::nullopt};
  if (validation_fraction > 0.0) {
    auto [train_part, validation_part] =
        data::train_test_split(features, validation_fraction, seed);
    split = {std::move(train_part), std::move(validation_part)};
  }
  const data::ScalingKind scaling =
      data::parse_scaling(arguments.value("--scale").value_or(data.from_csv ? "standard" : "none"));
  model.scaler = data::Scaler::fit(scaling, split.training.features);
  split.training.features = model.scaler.transform(split.training.features);
  if (split.validation)
    split.validation->features = model.scaler.transform(split.validation->features);
  return split;
}

// The network, its loss and head, and the description
// "2-16-16-1 tanh dropout 0.2, trained on circles" ("2-1 on x1^2,x2^2, ..." for a single
// layer), into `model`.
void build_model(const ParsedArguments& arguments, const LoadedData& data,
                 const std::vector<int64_t>& sizes, const std::string& architecture, uint64_t seed,
                 io::TrainedModel& model) {
  const train::OutputChoice output = choose_output(arguments, data, sizes.back());
  model.loss = output.loss;
  model.head = output.head;
  nn::NetworkSpec spec = read_network_spec(arguments, sizes);
  spec.output_activation = output.layer;
  spec.weight_init = weight_initializer(arguments, spec.hidden_activation);
  Generator weights(seed + 1);
  model.network = nn::build_network(spec, weights);
  model.description = architecture;
  if (sizes.size() > 2) {
    model.description += " " + std::string(nn::activation_name(spec.hidden_activation));
    if (spec.dropout != 0.0f) model.description += " dropout " + *arguments.value("--dropout");
  }
  if (!model.feature_map.empty()) model.description += " on " + *arguments.value("--features");
  model.description += ", trained on " + data.source;
}

// --epochs, --patience, --min-improvement and the penalties into `options`.
void read_fit_options(const ParsedArguments& arguments, train::FitOptions& options) {
  if (auto text = arguments.value("--epochs"))
    options.epochs = static_cast<int>(parse_integer("--epochs", *text, 1, 1'000'000));
  if (auto text = arguments.value("--patience"))
    options.patience = static_cast<int>(parse_integer("--patience", *text, 0, 1'000'000));
  if (auto text = arguments.value("--min-improvement"))
    options.min_improvement = parse_real("--min-improvement", *text, 0.0, 1e30);
  read_penalties(arguments, options);
}

// Trains with progress on stdout (none with --json); nullopt, after the error line, when
// training diverged.
std::optional<train::History> fit_with_progress(io::TrainedModel& model, Optimizer& optimizer,
                                                const data::Dataset& training,
                                                train::FitOptions options, bool quiet,
                                                bool classification, int log_every) {
  Progress progress(quiet ? Progress::Style::quiet : Progress::style_for(stdout), options.epochs,
                    classification, log_every);
  options.on_epoch = [&progress](const train::EpochRecord& record) {
    progress.epoch_done(record);
    return true;
  };
  try {
    train::History history = train::fit(*model.network, optimizer, training, options);
    progress.finish();
    return history;
  } catch (const train::TrainingDiverged& error) {
    progress.finish();
    std::fprintf(stderr, "soma train: error: %s\n", error.what());
    return std::nullopt;
  }
}

// The data, once every picture option's file name has passed its check (nothing is loaded
// for a picture that could not be written), with --image applied and the image pictures'
// own conditions checked.
LoadedData load_training_data(const ParsedArguments& arguments, uint64_t seed) {
  check_picture_outputs(arguments, {{"--plot", PictureKind::figure},
                                    {"--curves", PictureKind::figure},
                                    {"--weights-plot", PictureKind::figure},
                                    {"--confusion-plot", PictureKind::figure}});
  LoadedData data = with_image_option(arguments, load_data(arguments, seed));
  check_image_pictures(arguments, data);
  return data;
}

// The lecture's warning, once, on standard error (also with --json, whose output is stdout).
void warn_of_step_activations(const nn::Module& network) {
  const std::string warning = train::step_activation_warning(network);
  if (!warning.empty()) std::fprintf(stderr, "soma train: warning: %s\n", warning.c_str());
}

}  // namespace

int run_train(int argc, const char* const* argv, int first) {
  const std::optional<ParsedArguments> parsed =
      train_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const uint64_t seed = read_seed(arguments, 0);
  const LoadedData data = load_training_data(arguments, seed);
  const bool classification = data.dataset.is_classification();
  const double validation_fraction = cli::validation_fraction(arguments);
  check_classes(data, validation_fraction);

  io::TrainedModel model;
  const data::Dataset features = mapped_features(arguments, data, model);
  std::optional<HeldOutTest> test = read_held_out_test(arguments, data, model);

  // The network's shape and the batch size come before the split and the network, so that
  // a network too large for memory is refused before they are allocated.
  const std::vector<int64_t> sizes =
      layer_sizes(arguments, data.dataset, features.features.shape()[1]);
  const std::string architecture = architecture_of(sizes);
  train::FitOptions options;
  if (auto text = arguments.value("--batch-size"))
    options.batch_size = parse_integer("--batch-size", *text, 0, INT64_MAX);
  check_training_memory(sizes, architecture, options.batch_size, data.dataset.size(),
                        validation_fraction);

  Split split = split_and_scale(arguments, data, features, validation_fraction, seed, model);
  build_model(arguments, data, sizes, architecture, seed, model);
  options.loss = model.loss;
  options.seed = seed;
  options.validation = split.validation;
  read_fit_options(arguments, options);
  const std::unique_ptr<Optimizer> optimizer =
      make_optimizer(arguments, model.network->parameters());
  const std::unique_ptr<LearningRateSchedule> schedule =
      attach_schedule(arguments, *optimizer, options);

  warn_of_step_activations(*model.network);
  const auto started = std::chrono::steady_clock::now();
  const std::optional<train::History> history =
      fit_with_progress(model, *optimizer, split.training, options, arguments.has("--json"),
                        classification, read_log_every(arguments, options.epochs));
  if (!history) return exit_failure;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (test) evaluate_held_out_test(*test, model);

  std::vector<std::string> written = write_outputs(arguments, data, model, *history);
  const ImageResults images =
      write_image_pictures(arguments, data, model, split.validation, split.training, written);
  if (arguments.has("--json")) {
    print_json_report(model, architecture, *history, seconds, classification, test,
                      model.is_image() && images.evaluated ? &images.confusion : nullptr);
  } else {
    print_text_report(model, *history, seconds, classification, split.validation.has_value(), test,
                      written);
    print_image_confusion(model, images);
  }
  return exit_ok;
}

}  // namespace soma::cli
