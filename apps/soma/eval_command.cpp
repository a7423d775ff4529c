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
                const DataOrigin& origin, const train::Evaluation& result,
                const ConfusionMatrix& confusion) {
  JsonWriter json;
  json.begin_object().key("samples").value(dataset.size()).key("source").value(origin.source);
  if (origin.seed) json.key("seed").value(static_cast<int64_t>(*origin.seed));
  if (origin.labels) json.key("labels").value(*origin.labels);
  json.key("loss").value(result.loss);
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
                const DataOrigin& origin, const train::Evaluation& result,
                const ConfusionMatrix& confusion) {
  std::printf("model     %s\ndata      %lld samples of %s\n", one_line(model.description).c_str(),
              static_cast<long long>(dataset.size()), one_line(origin.describe()).c_str());
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

ArgumentParser eval_parser() {
  ArgumentParser parser("soma eval",
                        "soma eval MODEL --data NAME|FILE.csv|IMAGES [--labels LABELS] [--json]",
                        "Evaluates a model saved by 'soma train --save' on data: the loss, and\n"
                        "the accuracy and confusion matrix (classification) or the RMSE.");
  parser.add_positional("MODEL", "a model file written by soma train --save");
  add_data_options(parser);
  parser.add_option("--seed", "N", "seed of built-in data (default 1: new samples)");
  parser.add_flag("--json", "print one JSON object");
  return parser;
}

int run_eval(int argc, const char* const* argv, int first) {
  const std::optional<ParsedArguments> parsed =
      eval_parser().parse_or_print_help(argc, argv, first);
  if (!parsed) return exit_ok;
  const ParsedArguments& arguments = *parsed;
  const io::TrainedModel model = io::load_trained_model(arguments.positionals()[0]);
  data::Dataset dataset = load_data_for_model(arguments, model);
  dataset.features = model.prepare(dataset.features);
  const train::Evaluation result = train::evaluate(*model.network, dataset, model.loss);
  const ConfusionMatrix confusion = confusion_matrix(dataset, result);
  const DataOrigin origin = data_origin(arguments);
  if (arguments.has("--json")) {
    print_json(model, dataset, origin, result, confusion);
  } else {
    print_text(model, dataset, origin, result, confusion);
  }
  return exit_ok;
}

}  // namespace soma::cli
