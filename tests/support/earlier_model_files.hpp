// Shared by the model tests: model files written by an earlier version of soma (in
// tests/io/fixtures), each with the points it was run on and the predictions it gave then.
#pragma once

#include <array>
#include <string>

namespace soma::testing {

inline const std::string fixtures_directory = SOMA_TEST_FIXTURES_DIR;

struct EarlierModelFile {
  const char* model;        // v1-csv.soma: classes setosa, "versi,color", virginica
  const char* points;       // a CSV file of its features
  const char* predictions;  // what `soma predict MODEL --data POINTS` printed
};

inline constexpr std::array<EarlierModelFile, 2> earlier_model_files = {{
    {"v1-csv.soma", "pts2.csv", "v1-csv.pred.csv"},
    {"v1-circles.soma", "pts.csv", "v1-circles.pred.csv"},  // feature map x1,x2,x1^2,x2^2
}};

}  // namespace soma::testing
