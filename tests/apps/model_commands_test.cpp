// End-to-end tests of `soma predict`, `eval` and `summary` on hostile and unusual models:
// files whose entries do not fit their network, architectures far larger than the file,
// non-finite weights, names with line breaks, files from earlier versions, and networks
// too large to build (counted by summary, refused up front by train and graph).
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "run_command.hpp"
#include "soma/data/csv.hpp"
#include "soma/io/model_file.hpp"
#include "support/earlier_model_files.hpp"

namespace soma::testing {
namespace {

const std::string& fixtures = fixtures_directory;

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

long children_peak_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss;
}

// The largest resident size of the commands `run` starts, in KiB. The kernel keeps only the
// largest of all this process's children, so an earlier, larger one may hide it: then only
// a bound is known (that earlier one's).
struct Peak {
  long kib = 0;
  bool hidden = false;
};

template <class Run>
Peak peak_of(Run run) {
  const long before = children_peak_kib();
  run();
  const long after = children_peak_kib();
  return after > before ? Peak{after, false} : Peak{before, true};
}

// Far below the gigabytes the defects allocated, far above what soma itself needs.
constexpr long peak_limit_kib = 256 * 1024;

class ModelCommands : public ::testing::Test {
 protected:
  void SetUp() override { directory_ = make_temporary_directory(); }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return directory_ + "/" + name; }
  void write(const std::string& name, const std::string& contents) const {
    std::ofstream(path(name), std::ios::binary) << contents;
  }
  // The three-class fixture with one metadata entry or tensor changed, saved as `name`.
  template <class Change>
  std::string changed_fixture(const std::string& name, Change change) const {
    io::ModelFile file = io::load_model_file(fixtures + "/v1-csv.soma");
    change(file);
    io::save_model_file(path(name), file);
    return path(name);
  }

  std::string directory_;
};

void set_metadata(io::ModelFile& file, const std::string& key, const std::string& value) {
  for (auto& entry : file.metadata) {
    if (entry.first == key) entry.second = value;
  }
}

void expect_one_line_error(const CommandResult& result, const std::string& message) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

// `soma predict` indexed past the class names (a segfault in Release) when a file named
// fewer classes than its network has outputs.
TEST_F(ModelCommands, PredictAndEvalRefuseTooFewClassNames) {
  const std::string model = changed_fixture(
      "few.soma", [](io::ModelFile& file) { set_metadata(file, "class_names", "setosa\n"); });
  const std::string message =
      model + ": class_names: 1 name, but a network with 3 outputs predicts 3 classes";
  expect_one_line_error(run_soma("predict '" + model + "' --data '" + fixtures + "/pts2.csv'"),
                        message);
  expect_one_line_error(run_soma("eval '" + model + "' --data '" + fixtures + "/t.csv'"), message);
  expect_one_line_error(run_soma("summary --model '" + model + "'"), message);
}

// A file of a few hundred bytes declared layers of 1.2 GB of weights, which were allocated
// (and zeroed) before any tensor was read.
TEST_F(ModelCommands, ArchitecturesLargerThanTheFileAreRefusedBeforeAllocating) {
  const std::string model = changed_fixture("huge.soma", [](io::ModelFile& file) {
    set_metadata(file, "architecture", "dense 2 50000000\nactivation relu\ndense 50000000 3\n");
  });
  ASSERT_LT(std::filesystem::file_size(model), 1000u);
  CommandResult result;
  const Peak peak = peak_of(
      [&] { result = run_soma("predict '" + model + "' --data '" + fixtures + "/pts2.csv'"); });
  expect_one_line_error(
      result,
      model + ": '0.weight' has shape (2x3) in the file but (2x50000000) in its architecture");
  if (peak.hidden && peak.kib >= peak_limit_kib) GTEST_SKIP() << "an earlier command used more";
  EXPECT_LT(peak.kib, peak_limit_kib);
}

TEST_F(ModelCommands, NonFiniteWeightsAreRefusedNamingTheTensorAndIndex) {
  const std::string model = changed_fixture("nan.soma", [](io::ModelFile& file) {
    for (auto& [name, tensor] : file.tensors) {
      if (name == "2.bias") tensor.data()[1] = std::numeric_limits<float>::infinity();
    }
  });
  expect_one_line_error(run_soma("predict '" + model + "' --data '" + fixtures + "/pts2.csv'"),
                        model +
                            ": tensor '2.bias' holds inf at index 1 (element [1] of (3)); "
                            "weights must be finite");
}

// summary --arch 2-16777216-16777216-1 died in bad_alloc, and 2-20000-20000-1 filled 1.6 GB
// of weights just to count them.
TEST_F(ModelCommands, SummaryCountsWithoutBuilding) {
  const CommandResult huge = run_soma("summary --arch 2-16777216-16777216-1 --json");
  ASSERT_EQ(huge.exit_code, 0) << huge.err;
  EXPECT_NE(huge.out.find("\"total_parameters\": 281475060596737"), std::string::npos) << huge.out;
  EXPECT_NE(huge.out.find("{\"layer\": \"Dense(16777216 -> 16777216)\", \"output_shape\": [\"n\", "
                          "16777216], \"parameters\": 281474993487872, \"formula\": \"16777216 x "
                          "16777216 + 16777216\"}"),
            std::string::npos)
      << huge.out;

  CommandResult large;
  const Peak peak = peak_of([&] { large = run_soma("summary --arch 2-20000-20000-1"); });
  ASSERT_EQ(large.exit_code, 0) << large.err;
  EXPECT_NE(large.out.find("total parameters: 400100001\n"), std::string::npos) << large.out;
  if (peak.hidden && peak.kib >= peak_limit_kib) GTEST_SKIP() << "an earlier command used more";
  EXPECT_LT(peak.kib, peak_limit_kib);  // 1.6 GB of weights before
}

// Where a network is really built, one that memory cannot hold is refused at once.
TEST_F(ModelCommands, TrainAndGraphRefuseNetworksLargerThanMemory) {
  // train estimates all a training needs (weights, gradients, moments, batches) first.
  expect_one_line_error(run_soma("train --data circles --arch 2-16777216-16777216-1"),
                        "training 2-16777216-16777216-1 (281475060596737 parameters, batches of "
                        "32 rows) would need about 5.0 PiB of memory, more than this machine's ");
  expect_one_line_error(
      run_soma("graph --arch 2-16777216-16777216-1 --level layer --out '" + path("g.dot") + "'"),
      "a network of 281475060596737 parameters needs 1.0 PiB for its float32 weights alone, "
      "more than this machine's ");
}

// RFC 4180 allows line breaks in quoted fields; lists stored one item per line lost them.
TEST_F(ModelCommands, NamesWithLineBreaksTrainEvalAndPredict) {
  std::string csv = "\"petal\r\nlength\",\"petal width\",\"the\nspecies\"\r\n";
  for (int i = 0; i < 30; ++i) {
    const double jitter = (i % 5) * 0.05;
    csv += std::to_string(1.0 + jitter) + "," + std::to_string(0.3 + jitter) + ",\"two\nlines\"\n";
    csv += std::to_string(5.0 + jitter) + "," + std::to_string(2.0 - jitter) + ",plain\n";
    csv += std::to_string(3.0 + jitter) + "," + std::to_string(1.1 + jitter) + ",\"has,comma\"\n";
  }
  write("lines.csv", csv);
  const CommandResult trained =
      run_soma("train --data '" + path("lines.csv") + "' --arch 2-8-3 --epochs 60 --save '" +
               path("lines.soma") + "' --json");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;

  const CommandResult evaluated =
      run_soma("eval '" + path("lines.soma") + "' --data '" + path("lines.csv") + "' --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_NE(evaluated.out.find("\"samples\": 90, "), std::string::npos) << evaluated.out;
  EXPECT_NE(evaluated.out.find("\"accuracy\": 1, \"classes\": [\"has,comma\", \"plain\", "
                               "\"two\\nlines\"], \"confusion_matrix\": [[30, 0, 0], [0, 30, 0], "
                               "[0, 0, 30]]"),
            std::string::npos)
      << evaluated.out;
  const CommandResult table =
      run_soma("eval '" + path("lines.soma") + "' --data '" + path("lines.csv") + "'");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("\n  two\\nlines           0           0          30\n"),
            std::string::npos)
      << table.out;

  write("points.csv", "\"petal\nlength\",\"petal width\"\n1.1,0.35\n5.1,1.9\n");
  const CommandResult predicted =
      run_soma("predict '" + path("lines.soma") + "' --data '" + path("points.csv") + "'");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_EQ(
      predicted.out.rfind("predicted,\"p_has,comma\",p_plain,\"p_two\nlines\"\n\"two\nlines\",", 0),
      0u)
      << predicted.out;
  EXPECT_NE(predicted.out.find("\nplain,"), std::string::npos) << predicted.out;
  // The output reads back as CSV: its quoting is right.
  const Tensor probabilities = data::parse_csv_features(
      predicted.out, "predictions", {"p_has,comma", "p_plain", "p_two\nlines"}, "predicted");
  EXPECT_EQ(probabilities.shape(), (Shape{2, 3}));
  EXPECT_NEAR(probabilities.data()[0] + probabilities.data()[1] + probabilities.data()[2], 1.0,
              1e-5);
}

// Files written before lists could be escaped predict what that soma predicted.
TEST_F(ModelCommands, FilesFromEarlierVersionsPredictAsBefore) {
  for (const EarlierModelFile& fixture : earlier_model_files) {
    SCOPED_TRACE(fixture.model);
    const CommandResult r = run_soma("predict '" + fixtures + "/" + fixture.model + "' --data '" +
                                     fixtures + "/" + fixture.points + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<std::string> actual = lines_of(r.out);
    const std::vector<std::string> expected =
        lines_of(read_file(fixtures + "/" + fixture.predictions));
    ASSERT_EQ(actual.size(), expected.size()) << r.out;
    EXPECT_EQ(actual[0], expected[0]);  // the header, with "p_versi,color" quoted
    for (size_t row = 1; row < expected.size(); ++row) {
      std::istringstream got(actual[row]);
      std::istringstream want(expected[row]);
      std::string a;
      std::string b;
      std::getline(got, a, ',');
      std::getline(want, b, ',');
      EXPECT_EQ(a, b);  // the predicted class
      while (std::getline(want, b, ',')) {
        ASSERT_TRUE(std::getline(got, a, ','));
        EXPECT_NEAR(std::strtod(a.c_str(), nullptr), std::strtod(b.c_str(), nullptr), 1e-6);
      }
    }
  }
  const CommandResult evaluated =
      run_soma("eval '" + fixtures + "/v1-csv.soma' --data '" + fixtures + "/t.csv' --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_NE(evaluated.out.find("\"samples\": 60, "), std::string::npos) << evaluated.out;
  EXPECT_NE(evaluated.out.find("\"classes\": [\"setosa\", \"versi,color\", \"virginica\"], "
                               "\"confusion_matrix\": [[0, 0, 20], [14, 0, 6], [20, 0, 0]]"),
            std::string::npos)
      << evaluated.out;
}

}  // namespace
}  // namespace soma::testing
