// `soma eval MODEL --data ...`: the loss and accuracy (with a confusion matrix) or RMSE of
// a saved model on data.
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "confusion_report.hpp"
#include "data_source.hpp"
#include "json_writer.hpp"
#include "model_data.hpp"
#include "soma/train/fit.hpp"

namespace soma::cli {

namespace {

void print_json(const io::TrainedModel& model, const data::Dataset& dataset,
                const train::Evaluation& result, const ConfusionMatrix& confusion) {
  JsonWriter json;
  json.begin_object().key("samples").value(dataset.size()).key("loss").value(result.loss);
  if (model.is_classification()) {
    json.key("accuracy").value(result.accuracy).key("classes").begin_array();
    for (const std::string& name : model.class_names) json.value(name);
    json.end_array();
    write_confusion_json(json, confusion);
  } else {
    json.key("rmse").value(result.rmse);
  }
  json.end_object();
  std::printf("%s\n", json.str().c_str());
}

void print_text(const io::TrainedModel& model, const data::Dataset& dataset,
                const std::string& data_name, const train::Evaluation& result,
                const ConfusionMatrix& confusion) {
  std::printf("model     %s\ndata      %lld samples of %s\n", one_line(model.description).c_str(),
              static_cast<long long>(dataset.size()), one_line(data_name).c_str());
  std::printf("loss      %.6f\n", result.loss);
  if (!model.is_classification()) {
    std::printf("rmse      %.6f\n", result.rmse);
    return;
  }
  std::printf("accuracy  %.4f\n\nconfusion matrix (rows: true class, columns: predicted)\n",
              result.accuracy);
  print_confusion(model.class_names, confusion);
}

}  // namespace

int run_eval(int argc, const char* const* argv, int first) {
  ArgumentParser parser("soma eval",
                        "soma eval MODEL --data NAME|FILE.csv|IMAGES [--labels LABELS] [--json]",
                        "Evaluates a model saved by 'soma train --save' on data: the loss, and\n"
                        "the accuracy and confusion matrix (classification) or the RMSE.");
  parser.add_positional("MODEL", "a model file written by soma train --save");
  add_data_options(parser);
  parser.add_option("--seed", "N", "seed of built-in data (default 1: new samples)");
  parser.add_flag("--json", "print one JSON object");
  const std::optional<ParsedArguments> parsed = parser.parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const io::TrainedModel model = io::load_trained_model(arguments.positionals()[0]);
  data::Dataset dataset = load_data_for_model(arguments, model);
  dataset.features = model.prepare(dataset.features);
  const train::Evaluation result = train::evaluate(*model.network, dataset, model.loss);
  const ConfusionMatrix confusion = confusion_matrix(dataset, result);
  if (arguments.has("--json")) {
    print_json(model, dataset, result, confusion);
  } else {
    print_text(model, dataset, *arguments.value("--data"), result, confusion);
  }
  return exit_ok;
}

}  // namespace soma::cli
