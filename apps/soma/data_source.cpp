// load_data: built-in generators and CSV files behind one option.
#include "data_source.hpp"

#include <cmath>
#include <filesystem>

#include "image_data.hpp"
#include "soma/core/error.hpp"
#include "soma/data/csv.hpp"
#include "soma/data/synthetic.hpp"

namespace soma::cli {

namespace {

struct Builtin {
  const char* name;
  double default_noise;
};
constexpr Builtin classification_sets[] = {
    {"circles", 0.1}, {"gaussians", 0.5}, {"xor", 0.05}, {"spiral", 0.05}, {"moons", 0.1}};
constexpr Builtin regression_sets[] = {
    {"sine", 0.05}, {"abs", 0.05}, {"step", 0.05}, {"polynomial", 0.05}};

}  // namespace

std::string builtin_dataset_names() {
  std::string names;
  for (const Builtin& set : classification_sets)
    names += std::string(names.empty() ? "" : ", ") + set.name;
  for (const Builtin& set : regression_sets) names += std::string(", ") + set.name;
  return names;
}

void add_data_options(ArgumentParser& parser) {
  parser.add_option("--data", "NAME|FILE.csv|IMAGES",
                    "built-in data (" + builtin_dataset_names() +
                        "), a CSV file, or IDX images (n x rows x columns) with --labels");
  parser.add_option("--labels", "LABELS",
                    "IDX labels (n class indices) of the IDX images in --data");
  parser.add_option("--label", "COLUMN", "CSV label column, by name or index (default: last)");
  parser.add_option("--task", "KIND", "classification or regression (default: guessed)");
  parser.add_option("--samples", "N", "samples of built-in data (default 400)");
  parser.add_option("--noise", "X", "noise of built-in data (default depends on the data)");
  parser.add_option("--classes", "K", "classes of --data gaussians (default 2)");
}

namespace {

// The built-in classification set `which`; gaussians reads --classes.
data::Dataset classification_set(const std::string& which, int64_t samples, double noise,
                                 const ParsedArguments& arguments, Generator& generator) {
  if (which == "gaussians") {
    const int64_t classes = arguments.has("--classes")
                                ? parse_integer("--classes", *arguments.value("--classes"), 2, 10)
                                : 2;
    return data::gaussians(samples, noise, generator, classes);
  }
  if (which == "circles") return data::circles(samples, noise, generator);
  if (which == "xor") return data::xor_quadrants(samples, noise, generator);
  if (which == "spiral") return data::spirals(samples, noise, generator);
  return data::moons(samples, noise, generator);
}

// The CSV file `path`, read with --label and --task.
LoadedData csv_data(const std::string& path, const ParsedArguments& arguments) {
  if (path.size() < 4 || path.substr(path.size() - 4) != ".csv") {
    if (!std::filesystem::exists(path)) {
      throw UsageError("--data: unknown dataset '" + path +
                       "' (built-in: " + builtin_dataset_names() + "; or a .csv file)");
    }
  }
  data::CsvOptions options;
  options.label_column = arguments.value("--label").value_or("");
  if (auto task = arguments.value("--task")) {
    if (*task == "classification") {
      options.task = data::Task::classification;
    } else if (*task == "regression") {
      options.task = data::Task::regression;
    } else {
      throw UsageError("--task: '" + *task + "' is not classification or regression");
    }
  }
  data::CsvData csv = data::load_csv(path, options);
  LoadedData loaded;
  loaded.source = path;
  loaded.dataset = std::move(csv.dataset);
  loaded.class_names = std::move(csv.class_names);
  loaded.label_name = std::move(csv.label_name);
  loaded.from_csv = true;
  return loaded;
}

}  // namespace

LoadedData load_data(const ParsedArguments& arguments, uint64_t seed) {
  const auto name = arguments.value("--data");
  if (!name) throw UsageError("--data is required (" + builtin_dataset_names() + " or a CSV file)");
  if (arguments.has("--labels") || is_idx_path(*name)) return idx_data(arguments);
  const int64_t samples =
      arguments.has("--samples")
          ? parse_integer("--samples", *arguments.value("--samples"), 4, 10'000'000)
          : 400;
  auto noise_or = [&](double fallback) {
    return arguments.has("--noise") ? parse_real("--noise", *arguments.value("--noise"), 0.0, 100.0)
                                    : fallback;
  };
  LoadedData loaded;
  loaded.source = *name;
  Generator generator(seed);
  for (const Builtin& set : classification_sets) {
    if (*name != set.name) continue;
    const double noise = noise_or(set.default_noise);
    loaded.dataset = classification_set(set.name, samples, noise, arguments, generator);
    for (int64_t k = 0; k < loaded.dataset.classes; ++k) {
      loaded.class_names.push_back(std::to_string(k));
    }
    loaded.label_name = "class";
    return loaded;
  }
  for (const Builtin& set : regression_sets) {
    if (*name != set.name) continue;
    const data::Function1d function = data::parse_function_1d(set.name);
    loaded.dataset = data::regression_1d(function, samples, noise_or(set.default_noise), generator);
    loaded.target = [function](double x) { return data::evaluate_function_1d(function, x); };
    loaded.label_name = "y";
    return loaded;
  }
  return csv_data(*name, arguments);
}

}  // namespace soma::cli
