// What `soma train` writes when training is done: the model file and pictures, then the
// report, as text or as one JSON object.
#include "train_report.hpp"

#include <cstdio>

#include "json_writer.hpp"
#include "soma/viz/decision_regions.hpp"
#include "soma/viz/regression_fit.hpp"
#include "soma/viz/training_curves.hpp"

namespace soma::cli {

namespace {

// An epoch's losses and accuracies (classification) or RMSEs (regression).
void write_results(JsonWriter& json, const train::EpochRecord& record, bool classification) {
  json.key("train_loss").value(record.train_loss);
  json.key(classification ? "train_accuracy" : "train_rmse")
      .value(classification ? record.train_accuracy : record.train_rmse);
  json.key("val_loss").value(record.validation_loss);
  json.key(classification ? "val_accuracy" : "val_rmse")
      .value(classification ? record.validation_accuracy : record.validation_rmse);
}

void write_history(JsonWriter& json, const train::History& history, bool classification) {
  json.key("history").begin_array();
  for (const train::EpochRecord& record : history.epochs) {
    json.begin_object().key("epoch").value(static_cast<int64_t>(record.epoch));
    write_results(json, record, classification);
    json.key("learning_rate").value(record.learning_rate);
    json.key("seconds").value(record.seconds).end_object();
  }
  json.end_array();
}

}  // namespace

std::vector<std::string> write_outputs(const ParsedArguments& arguments, const LoadedData& data,
                                       const io::TrainedModel& model,
                                       const train::History& history) {
  std::vector<std::string> written;
  if (auto path = arguments.value("--save")) {
    io::save_trained_model(*path, model);
    written.push_back("model: " + *path);
  }
  const data::Dataset& dataset = data.dataset;
  const auto predict = [&model](const Tensor& points) { return model.predict(points); };
  const bool image_classes = model.is_image() && model.is_classification();
  if (auto path = arguments.value("--plot"); path && !image_classes) {
    const bool classification = dataset.is_classification();
    if (classification && dataset.features.shape()[1] == 2) {
      viz::plot_decision_regions(*path, predict, dataset.features, dataset.targets, dataset.classes,
                                 {.title = model.description,
                                  .x_label = dataset.feature_names[0],
                                  .y_label = dataset.feature_names[1],
                                  .class_names = data.class_names});
    } else if (!classification && dataset.features.shape()[1] == 1) {
      viz::plot_regression_fit(*path, data.target, predict, dataset.features, dataset.targets,
                               {.title = model.description,
                                .x_label = dataset.feature_names[0],
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
  return written;
}

void print_json_report(const io::TrainedModel& model, const std::string& architecture,
                       const train::History& history, double seconds, bool classification,
                       const std::optional<HeldOutTest>& test, const ConfusionMatrix* confusion) {
  const train::EpochRecord& last = history.epochs.back();
  const train::EpochRecord& best = history.epochs[static_cast<size_t>(history.best_epoch - 1)];
  JsonWriter json;
  json.begin_object().key("epochs_run").value(static_cast<int64_t>(last.epoch));
  json.key("best_epoch").value(static_cast<int64_t>(history.best_epoch));
  json.key("stopped_early").value(history.stopped_early);
  write_results(json, best, classification);
  json.key("seconds").value(seconds);
  json.key("parameters").value(model.network->parameter_count());
  json.key("architecture").value(architecture);
  json.key("loss").value(train::loss_name(model.loss));
  if (test) write_test_json(json, *test, classification);
  if (confusion != nullptr) write_confusion_json(json, *confusion);
  write_history(json, history, classification);
  json.end_object();
  std::printf("%s\n", json.str().c_str());
}

void print_text_report(const io::TrainedModel& model, const train::History& history, double seconds,
                       bool classification, bool validated, const std::optional<HeldOutTest>& test,
                       const std::vector<std::string>& written) {
  const train::EpochRecord& last = history.epochs.back();
  const train::EpochRecord& best = history.epochs[static_cast<size_t>(history.best_epoch - 1)];
  std::printf("\ntrained %s: %lld parameters, %d epochs in %.2f s%s\n", model.description.c_str(),
              static_cast<long long>(model.network->parameter_count()), last.epoch, seconds,
              history.stopped_early ? " (stopped early)" : "");
  const char* metric = classification ? "accuracy" : "rmse";
  std::printf("epoch %d (%s): train loss %.4f, %s %.4f", history.best_epoch,
              history.best_epoch == last.epoch ? "last" : "best, restored", best.train_loss, metric,
              classification ? best.train_accuracy : best.train_rmse);
  if (validated) {
    std::printf("; validation loss %.4f, %s %.4f", best.validation_loss, metric,
                classification ? best.validation_accuracy : best.validation_rmse);
  }
  std::printf("\n");
  if (test) print_test_text(*test, classification);
  for (const std::string& line : written) std::printf("wrote %s\n", line.c_str());
}

}  // namespace soma::cli
