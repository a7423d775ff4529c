// The refusals `soma train` makes before it trains, each a UsageError that says what to
// change: classes the validation split would leave empty, a network too large for memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data_source.hpp"

namespace soma::cli {

// Throws unless the data has two classes or more and the split leaves rows on both sides
// (regression data passes).
void check_classes(const LoadedData& data, double validation_fraction);

// Throws when training the network of `sizes` in batches of `batch_size` rows (0: all)
// on `samples` rows would need more memory than the machine has.
void check_training_memory(const std::vector<int64_t>& sizes, const std::string& architecture,
                           int64_t batch_size, int64_t samples, double validation_fraction);

}  // namespace soma::cli
