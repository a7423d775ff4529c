// Where `soma train`, `eval` and `predict` get their data: a built-in generator
// (circles, gaussians, xor, spiral, moons; sine, abs, step, polynomial for regression) or
// a CSV file, or IDX images with --labels (image_data.hpp), chosen by --data, with the
// options that shape it (--samples, --noise, --classes, --label, --task).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "soma/data/dataset.hpp"

namespace soma::cli {

struct LoadedData {
  data::Dataset dataset;                 // raw features, before any feature map or scaling
  std::vector<std::string> class_names;  // classification: index -> label text
  std::string label_name;
  std::string source;  // "circles", or the CSV path
  bool from_csv = false;
  std::function<double(double)> target;  // the true function of a built-in 1-d dataset
  // Image data (IDX images, or CSV features declared one with --image): each row is the
  // pixels of an image_height x image_width image, row-major; 0 x 0 for other data.
  int64_t image_height = 0;
  int64_t image_width = 0;
};

// The --data options every data-reading command accepts.
void add_data_options(ArgumentParser& parser);
// The built-in dataset names, for help texts and errors.
std::string builtin_dataset_names();
// Loads what --data names; `seed` makes built-in data reproducible.
LoadedData load_data(const ParsedArguments& arguments, uint64_t seed);

}  // namespace soma::cli
