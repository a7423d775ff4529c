// Stratified and random splits: shuffle each class's rows, cut off the requested shares.
#include "soma/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/tensor/generator.hpp"

namespace soma::data {

namespace {

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// The row indices of each class in order, or of all rows as one group for regression.
std::vector<std::vector<int64_t>> groups_of(const Dataset& dataset, const std::string& operation) {
  if (!dataset.features.defined() || !dataset.targets.defined() || dataset.size() == 0) {
    throw Error(operation + ": the dataset is empty");
  }
  const int64_t samples = dataset.size();
  if (dataset.targets.rank() < 1 || dataset.targets.shape()[0] != samples) {
    throw Error(operation + ": " + std::to_string(samples) + " samples but targets of shape " +
                dataset.targets.shape().to_string());
  }
  if (!dataset.is_classification()) {
    std::vector<int64_t> all(static_cast<size_t>(samples));
    for (int64_t i = 0; i < samples; ++i) all[static_cast<size_t>(i)] = i;
    return {all};
  }
  std::vector<std::vector<int64_t>> groups(static_cast<size_t>(dataset.classes));
  const float* labels = dataset.targets.data();
  for (int64_t i = 0; i < samples; ++i) {
    const float label = labels[i];
    if (!(label >= 0.0f && label < static_cast<float>(dataset.classes)) ||
        label != std::floor(label)) {
      throw Error(operation + ": sample " + std::to_string(i) + " has label " + number_text(label) +
                  ", not a class index in [0, " + std::to_string(dataset.classes) + ")");
    }
    groups[static_cast<size_t>(label)].push_back(i);
  }
  return groups;
}

// parts[0] is the rest (training); parts[k] takes round(fractions[k - 1] * count) of each
// group's shuffled rows, one share after another.
std::vector<std::vector<int64_t>> partition(const Dataset& dataset,
                                            std::span<const double> fractions, uint64_t seed,
                                            const std::string& operation) {
  std::vector<std::vector<int64_t>> groups = groups_of(dataset, operation);
  Generator generator(seed);
  std::vector<std::vector<int64_t>> parts(fractions.size() + 1);
  for (std::vector<int64_t>& group : groups) {
    generator.shuffle(group);
    size_t start = 0;
    for (size_t k = 0; k < fractions.size(); ++k) {
      const auto wanted =
          static_cast<size_t>(std::llround(fractions[k] * static_cast<double>(group.size())));
      const size_t take = std::min(wanted, group.size() - start);  // against rounding only
      parts[k + 1].insert(parts[k + 1].end(), group.begin() + static_cast<std::ptrdiff_t>(start),
                          group.begin() + static_cast<std::ptrdiff_t>(start + take));
      start += take;
    }
    parts[0].insert(parts[0].end(), group.begin() + static_cast<std::ptrdiff_t>(start),
                    group.end());
  }
  for (std::vector<int64_t>& part : parts) std::sort(part.begin(), part.end());
  return parts;
}

void check_fraction(double fraction, const std::string& operation, const char* what) {
  if (!(fraction > 0.0 && fraction < 1.0)) {
    throw Error(operation + ": the " + what + " fraction must be in (0, 1), got " +
                number_text(fraction));
  }
}

// `fractions` describes the request for the message ("a test fraction of 0.1"). For
// classification the cause is usually the classes, not the sample count (10,000 samples in
// 10,000 classes give each part round(fraction x 1) samples of each), so it says so.
void check_not_empty(const std::vector<int64_t>& part, const Dataset& dataset,
                     const std::string& operation, const char* what, const std::string& fractions) {
  if (!part.empty()) return;
  std::string classes;
  if (dataset.is_classification()) {
    std::vector<int64_t> counts(static_cast<size_t>(dataset.classes));
    for (int64_t i = 0; i < dataset.size(); ++i) {
      ++counts[static_cast<size_t>(dataset.targets.data()[i])];  // checked by groups_of
    }
    const int64_t largest = *std::max_element(counts.begin(), counts.end());
    classes = " in " + std::to_string(dataset.classes) +
              (dataset.classes == 1 ? " class" : " classes") + ", the largest with " +
              std::to_string(largest) + (largest == 1 ? " sample," : " samples,");
  }
  throw Error(operation + ": " + std::to_string(dataset.size()) + " samples" + classes +
              " are too few for " + fractions + ": the " + what + " part would be empty" +
              (dataset.is_classification()
                   ? " (each class gives each part round(fraction x its samples))"
                   : ""));
}

}  // namespace

std::pair<Dataset, Dataset> train_test_split(const Dataset& dataset, double test_fraction,
                                             uint64_t seed) {
  const std::string operation = "train_test_split";
  check_fraction(test_fraction, operation, "test");
  const double fractions[] = {test_fraction};
  const auto parts = partition(dataset, fractions, seed, operation);
  const std::string request = "a test fraction of " + number_text(test_fraction);
  check_not_empty(parts[1], dataset, operation, "test", request);
  check_not_empty(parts[0], dataset, operation, "training", request);
  return {subset(dataset, parts[0]), subset(dataset, parts[1])};
}

Splits split_three_ways(const Dataset& dataset, double validation_fraction, double test_fraction,
                        uint64_t seed) {
  const std::string operation = "split_three_ways";
  check_fraction(validation_fraction, operation, "validation");
  check_fraction(test_fraction, operation, "test");
  if (!(validation_fraction + test_fraction < 1.0)) {
    throw Error(operation + ": the validation and test fractions must add up to less than 1, got " +
                number_text(validation_fraction) + " + " + number_text(test_fraction));
  }
  // Test first, so that the test part equals train_test_split's for the same seed.
  const double fractions[] = {test_fraction, validation_fraction};
  const auto parts = partition(dataset, fractions, seed, operation);
  const std::string request = "a validation fraction of " + number_text(validation_fraction) +
                              " and a test fraction of " + number_text(test_fraction);
  check_not_empty(parts[1], dataset, operation, "test", request);
  check_not_empty(parts[2], dataset, operation, "validation", request);
  check_not_empty(parts[0], dataset, operation, "training", request);
  return Splits{subset(dataset, parts[0]), subset(dataset, parts[2]), subset(dataset, parts[1])};
}

}  // namespace soma::data
