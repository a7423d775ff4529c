// Splitting a dataset into training, validation and test parts: stratified by class for
// classification, so that every part keeps the class proportions; random for regression.
#pragma once

#include <cstdint>
#include <utility>

#include "soma/data/dataset.hpp"

namespace soma::data {

// (train, test). The samples of each class (all samples, for regression) are shuffled by
// Fisher-Yates with Generator(seed).below(), and the first round(test_fraction * count) of
// them go to the test part; within each part the rows keep their original order. The same
// dataset, fraction and seed give the same split everywhere. Throws soma::Error when the
// fraction is not in (0, 1), a label is not a class index, or a part would be empty.
std::pair<Dataset, Dataset> train_test_split(const Dataset& dataset, double test_fraction,
                                             uint64_t seed);

struct Splits {
  Dataset train;
  Dataset validation;
  Dataset test;
};

// Both fractions are of the whole dataset, each in (0, 1), their sum below 1. Per class
// (or over all samples, for regression) the test part takes round(test_fraction * count)
// shuffled samples exactly as train_test_split does with the same seed, so the test part
// is the same; the validation part then takes the next round(validation_fraction * count)
// (the two never exceed the count, as the fractions add up to less than 1), and the rest is
// for training.
Splits split_three_ways(const Dataset& dataset, double validation_fraction, double test_fraction,
                        uint64_t seed);

}  // namespace soma::data
