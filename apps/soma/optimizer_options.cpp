// The optimiser, schedule and penalty options of `soma train`, read and checked.
#include "optimizer_options.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

namespace soma::cli {

void add_optimizer_options(ArgumentParser& parser) {
  parser.add_option("--momentum", "X",
                    "sgd, momentum, nesterov: momentum in [0, 1) (default 0, 0.9, 0.9)");
  parser.add_option("--beta1", "X",
                    "adam, adamw: decay of the mean gradient, [0, 1) (default 0.9)");
  parser.add_option("--beta2", "X",
                    "adam, adamw: decay of the mean squared gradient, [0, 1) (default 0.999)");
  parser.add_option("--epsilon", "X",
                    "adam, adamw: added to the step's denominator (default 1e-8)");
  parser.add_option("--schedule", "SPEC",
                    "learning rate by epoch: step:every=N[,gamma=0.1], exponential:gamma=X or "
                    "cosine[:epochs=N][,min=0] (default: constant)");
}

void add_penalty_options(ArgumentParser& parser) {
  parser.add_option("--l2", "X", "the same as --weight-decay: (X / 2) * sum of squared weights");
  parser.add_option("--l1", "X", "L1 regularisation: adds X * sum of |weights| to the loss");
}

namespace {

// A real number in [0, 1): the decays of Adam's moments and SGD's momentum.
float fraction_below_one(const std::string& option, const std::string& text) {
  const double value = parse_real(option, text, -1e300, 1e300);
  if (value < 0.0 || value >= 1.0) {
    throw UsageError(option + ": " + text + " is out of range (0 to below 1)");
  }
  return static_cast<float>(value);
}

// Throws when one of `options` is given with an optimiser it does not apply to.
void refuse_options(const ParsedArguments& arguments, std::initializer_list<const char*> options,
                    const std::string& optimizer, const std::string& applies_to,
                    const std::string& hint = "") {
  for (const char* option : options) {
    if (arguments.has(option)) {
      throw UsageError(std::string(option) + " applies to --optimizer " + applies_to +
                       ", not to --optimizer " + optimizer + hint);
    }
  }
}

}  // namespace

SgdOptions sgd_options(const ParsedArguments& arguments, const std::string& optimizer,
                       float learning_rate) {
  refuse_options(arguments, {"--beta1", "--beta2", "--epsilon"}, optimizer, "adam or adamw");
  SgdOptions options{.learning_rate = learning_rate,
                     .momentum = optimizer == "sgd" ? 0.0f : 0.9f,
                     .nesterov = optimizer == "nesterov"};
  if (auto text = arguments.value("--momentum")) {
    options.momentum = fraction_below_one("--momentum", *text);
  }
  if (options.nesterov && options.momentum == 0.0f) {
    throw UsageError("--momentum: --optimizer nesterov needs a momentum above 0, got " +
                     *arguments.value("--momentum"));
  }
  return options;
}

AdamOptions adam_options(const ParsedArguments& arguments, const std::string& optimizer,
                         float learning_rate) {
  refuse_options(arguments, {"--momentum"}, optimizer, "sgd, momentum or nesterov",
                 " (Adam's moving average of the gradient is --beta1)");
  AdamOptions options{.learning_rate = learning_rate};
  if (auto text = arguments.value("--beta1")) options.beta1 = fraction_below_one("--beta1", *text);
  if (auto text = arguments.value("--beta2")) options.beta2 = fraction_below_one("--beta2", *text);
  if (auto text = arguments.value("--epsilon")) {
    options.epsilon = static_cast<float>(parse_real("--epsilon", *text, 0.0, 1.0));
  }
  return options;
}

AdamWOptions adamw_options(const ParsedArguments& arguments, float learning_rate) {
  const AdamOptions adam = adam_options(arguments, "adamw", learning_rate);
  return {.learning_rate = adam.learning_rate,
          .beta1 = adam.beta1,
          .beta2 = adam.beta2,
          .epsilon = adam.epsilon};
}

namespace {

// One parameter of a schedule: a whole number or a real, its range, and its default
// (none: required).
struct ScheduleParameter {
  const char* name;
  bool whole;
  double minimum;
  double maximum;
  bool above_minimum;  // the minimum itself is excluded
  std::optional<double> fallback;
};

struct ScheduleKind {
  const char* name;
  const char* example;
  std::vector<ScheduleParameter> parameters;
};

// The schedules of soma/optim/schedule.hpp, with PyTorch's defaults where it has them
// (StepLR's gamma 0.1); cosine's epochs default to the training's, set by read_schedule.
const std::vector<ScheduleKind>& schedule_kinds() {
  static const std::vector<ScheduleKind> kinds = {
      {"step",
       "step:every=30,gamma=0.5",
       {{"every", true, 1, 1e6, false, std::nullopt}, {"gamma", false, 0, 1, true, 0.1}}},
      {"exponential", "exponential:gamma=0.97", {{"gamma", false, 0, 1, true, std::nullopt}}},
      {"cosine",
       "cosine:epochs=100,min=0.0001",
       {{"epochs", true, 1, 1e6, false, std::nullopt}, {"min", false, 0, 1e6, false, 0.0}}},
  };
  return kinds;
}

template <typename Item, typename Name>
std::string names_of(const std::vector<Item>& items, Name name) {
  std::string text;
  for (const Item& item : items) text += (text.empty() ? "" : ", ") + std::string(name(item));
  return text;
}

// One NAME=VALUE of `kind`, checked against its range.
double parameter_value(const ScheduleKind& kind, const ScheduleParameter& parameter,
                       const std::string& text) {
  const std::string option = "--schedule " + std::string(kind.name) + ":" + parameter.name;
  if (parameter.whole) {
    return static_cast<double>(parse_integer(option, text, static_cast<int64_t>(parameter.minimum),
                                             static_cast<int64_t>(parameter.maximum)));
  }
  if (!parameter.above_minimum)
    return parse_real(option, text, parameter.minimum, parameter.maximum);
  const double value = parse_real(option, text, -1e300, 1e300);
  if (value <= parameter.minimum || value > parameter.maximum) {
    char range[64];
    std::snprintf(range, sizeof range, " is out of range (above %g, up to %g)", parameter.minimum,
                  parameter.maximum);
    throw UsageError(option + ": " + text + range);
  }
  return value;
}

// "every=30,gamma=0.5" -> {every: 30, gamma: 0.5}, defaults filled in.
std::map<std::string, double> schedule_parameters(const ScheduleKind& kind, const std::string& text,
                                                  std::optional<double> default_epochs) {
  const std::string option = "--schedule " + std::string(kind.name);
  const std::string valid =
      names_of(kind.parameters, [](const ScheduleParameter& p) { return p.name; });
  std::map<std::string, double> values;
  for (const std::string& item :
       text.empty() ? std::vector<std::string>{} : parse_list(option, text)) {
    const size_t equals = item.find('=');
    const std::string name = item.substr(0, equals);
    const auto parameter = std::find_if(kind.parameters.begin(), kind.parameters.end(),
                                        [&](const ScheduleParameter& p) { return name == p.name; });
    if (parameter == kind.parameters.end()) {
      throw UsageError(option + ": unknown parameter '" + name + "' (valid: " + valid + ")");
    }
    if (equals == std::string::npos) {
      throw UsageError(option + ": '" + name + "' needs a value (" + name + "=...)");
    }
    if (values.count(name) > 0) throw UsageError(option + ": '" + name + "' is given twice");
    values[name] = parameter_value(kind, *parameter, item.substr(equals + 1));
  }
  for (const ScheduleParameter& parameter : kind.parameters) {
    std::optional<double> fallback = parameter.fallback;
    if (std::string(parameter.name) == "epochs") fallback = default_epochs;
    if (values.count(parameter.name) > 0) continue;
    if (!fallback) {
      throw UsageError(option + " needs " + parameter.name + "=... (e.g. " + kind.example + ")");
    }
    values[parameter.name] = *fallback;
  }
  return values;
}

}  // namespace

std::unique_ptr<LearningRateSchedule> read_schedule(const ParsedArguments& arguments, float initial,
                                                    int epochs) {
  const auto text = arguments.value("--schedule");
  if (!text) return nullptr;
  const size_t colon = text->find(':');
  const std::string name = text->substr(0, colon);
  const std::vector<ScheduleKind>& kinds = schedule_kinds();
  const auto kind = std::find_if(kinds.begin(), kinds.end(),
                                 [&](const ScheduleKind& k) { return name == k.name; });
  if (kind == kinds.end()) {
    throw UsageError("--schedule: unknown schedule '" + name + "' (valid: " +
                     names_of(kinds, [](const ScheduleKind& k) { return k.name; }) + ")");
  }
  const std::string rest = colon == std::string::npos ? "" : text->substr(colon + 1);
  if (colon != std::string::npos && rest.empty()) {
    throw UsageError("--schedule: nothing after '" + name + ":' (e.g. " + kind->example + ")");
  }
  std::map<std::string, double> values = schedule_parameters(*kind, rest, epochs);
  if (name == "step") {
    return std::make_unique<StepSchedule>(initial, static_cast<int>(values["every"]),
                                          static_cast<float>(values["gamma"]));
  }
  if (name == "exponential") {
    return std::make_unique<ExponentialSchedule>(initial, static_cast<float>(values["gamma"]));
  }
  if (values["min"] > initial) {
    char message[160];
    std::snprintf(message, sizeof message,
                  "--schedule cosine:min: %g is above the initial learning rate %g", values["min"],
                  static_cast<double>(initial));
    throw UsageError(message);
  }
  return std::make_unique<CosineSchedule>(initial, static_cast<int>(values["epochs"]),
                                          static_cast<float>(values["min"]));
}

std::unique_ptr<LearningRateSchedule> attach_schedule(const ParsedArguments& arguments,
                                                      const Optimizer& optimizer,
                                                      train::FitOptions& options) {
  std::unique_ptr<LearningRateSchedule> schedule =
      read_schedule(arguments, optimizer.learning_rate(), options.epochs);
  options.schedule = schedule.get();
  return schedule;
}

void read_penalties(const ParsedArguments& arguments, train::FitOptions& options) {
  if (arguments.has("--weight-decay") && arguments.has("--l2")) {
    throw UsageError("--l2 is another name for --weight-decay: give one of them");
  }
  for (const char* option : {"--weight-decay", "--l2"}) {
    if (auto text = arguments.value(option)) {
      options.weight_decay = static_cast<float>(parse_real(option, *text, 0.0, 1e6));
    }
  }
  if (auto text = arguments.value("--l1")) {
    options.l1_strength = static_cast<float>(parse_real("--l1", *text, 0.0, 1e6));
  }
}

}  // namespace soma::cli
