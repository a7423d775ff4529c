// Tests of trained models in files: round trips, names with line breaks, files written by
// earlier versions of soma, and every metadata entry checked against the network at load.
#include "soma/io/trained_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "soma/data/csv.hpp"
#include "soma/io/model.hpp"
#include "soma/io/model_file.hpp"
#include "soma/nn/dense.hpp"
#include "soma/nn/network_spec.hpp"
#include "support/earlier_model_files.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace soma::io {
namespace {

using soma::testing::error_message;

const std::string& fixtures = soma::testing::fixtures_directory;

// Three classes from two named features, as `soma train` makes from a CSV file.
TrainedModel three_class_model() {
  Generator generator(1);
  TrainedModel model;
  model.network = nn::build_network({.layer_sizes = {2, 4, 3}}, generator);
  model.loss = train::LossKind::softmax_cross_entropy;
  model.head = nn::ActivationKind::softmax;
  model.feature_names = {"petal length", "petal width"};
  model.scaler = data::Scaler::fit(data::ScalingKind::standard,
                                   soma::tensor({{1.0f, 0.5f}, {3.0f, 1.5f}, {5.0f, 2.0f}}));
  model.class_names = {"setosa", "versi,color", "virginica"};
  model.label_name = "species";
  model.description = "2-4-3 relu, trained on t.csv";
  return model;
}

// Two classes, one sigmoid output, through a feature map, as `soma train --data circles
// --features x1,x2,x1^2,x2^2` makes.
TrainedModel mapped_binary_model() {
  Generator generator(2);
  TrainedModel model;
  model.network = nn::build_network(
      {.layer_sizes = {4, 3, 1}, .hidden_activation = nn::ActivationKind::tanh}, generator);
  model.loss = train::LossKind::binary_cross_entropy_with_logits;
  model.head = nn::ActivationKind::sigmoid;
  model.feature_names = {"x1", "x2"};
  model.feature_map = {"x1", "x2", "x1^2", "x2^2"};
  model.scaler = data::Scaler::fit(data::ScalingKind::none, soma::zeros(Shape{1, 4}));
  model.class_names = {"0", "1"};
  model.label_name = "class";
  model.description = "4-3-1 tanh on x1,x2,x1^2,x2^2, trained on circles";
  return model;
}

void expect_same_model(const TrainedModel& actual, const TrainedModel& expected) {
  EXPECT_EQ(actual.network->architecture(), expected.network->architecture());
  EXPECT_EQ(actual.loss, expected.loss);
  EXPECT_EQ(actual.head, expected.head);
  EXPECT_EQ(actual.feature_names, expected.feature_names);
  EXPECT_EQ(actual.feature_map, expected.feature_map);
  EXPECT_EQ(actual.scaler, expected.scaler);
  EXPECT_EQ(actual.class_names, expected.class_names);
  EXPECT_EQ(actual.label_name, expected.label_name);
  EXPECT_EQ(actual.description, expected.description);
  const auto a = actual.network->parameters();
  const auto b = expected.network->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].to_vector(), b[i].to_vector());
}

class TrainedModelFiles : public soma::testing::TemporaryDirectoryTest {
 protected:
  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // Saves `model`, then rewrites the file with the metadata entry `key` set to `value`
  // (added when absent; removed when `value` is null), as a damaged or hostile file would.
  std::string with_entry(const TrainedModel& model, const std::string& key, const char* value) {
    const std::string file = path("model.soma");
    save_trained_model(file, model);
    ModelFile contents = load_model_file(file);
    bool found = false;
    for (auto it = contents.metadata.begin(); it != contents.metadata.end(); ++it) {
      if (it->first != key) continue;
      found = true;
      if (value == nullptr) {
        contents.metadata.erase(it);
        break;
      }
      it->second = value;
    }
    if (!found && value != nullptr) contents.metadata.emplace_back(key, value);
    save_model_file(file, contents);
    return file;
  }
};

TEST_F(TrainedModelFiles, RoundTripKeepsEveryPartAndThePredictions) {
  const TrainedModel model = three_class_model();
  save_trained_model(path("m.soma"), model);
  const TrainedModel loaded = load_trained_model(path("m.soma"));
  expect_same_model(loaded, model);
  const Tensor points = soma::tensor({{1.5f, 0.3f}, {5.5f, 2.0f}});
  EXPECT_EQ(loaded.predict(points).to_vector(), model.predict(points).to_vector());
  // The same from bytes, as a fuzzer or a program holding the file in memory calls it.
  expect_same_model(decode_trained_model(soma::testing::read_whole_file(path("m.soma")), "bytes"),
                    model);
}

// A CSV header or label may hold a quoted line break; lists stored one item per line then
// need escaping, which an entry announces, so that older files read exactly as before.
TEST_F(TrainedModelFiles, NamesWithLineBreaksAndBackslashesRoundTrip) {
  TrainedModel model = three_class_model();
  model.feature_names = {"petal\nlength", "width \\ in cm\\"};
  model.class_names = {"two\nlines", "a\\nb", "\n"};
  model.label_name = "the\nspecies";
  save_trained_model(path("m.soma"), model);
  const ModelFile file = load_model_file(path("m.soma"));
  ASSERT_NE(file.find_metadata("list_encoding"), nullptr);
  EXPECT_EQ(*file.find_metadata("list_encoding"), "escaped_lines");
  EXPECT_EQ(*file.find_metadata("class_names"), "two\\nlines\na\\\\nb\n\\n\n");
  EXPECT_EQ(*file.find_metadata("feature_names"), "petal\\nlength\nwidth \\\\ in cm\\\\\n");
  EXPECT_EQ(*file.find_metadata("label_name"), "the\nspecies");  // one value: no escaping
  expect_same_model(load_trained_model(path("m.soma")), model);
}

TEST_F(TrainedModelFiles, ListsWithoutLineBreaksAreStoredAsBefore) {
  TrainedModel model = three_class_model();
  model.class_names = {"back\\slash", "tab\there", "versi,color"};
  save_trained_model(path("m.soma"), model);
  const ModelFile file = load_model_file(path("m.soma"));
  EXPECT_EQ(file.find_metadata("list_encoding"), nullptr);
  EXPECT_EQ(*file.find_metadata("class_names"), "back\\slash\ntab\there\nversi,color\n");
  EXPECT_EQ(*file.find_metadata("feature_names"), "petal length\npetal width\n");
  expect_same_model(load_trained_model(path("m.soma")), model);
}

// The predictions a file gave, from the CSV `soma predict` wrote then: the predicted class
// of each row, and its probabilities (n x classes).
struct Predictions {
  std::vector<std::string> classes;
  Tensor probabilities;
};

Predictions read_predictions(const std::string& file, const std::vector<std::string>& names) {
  const std::string text = soma::testing::read_whole_file(file);
  std::vector<std::string> columns;
  for (const std::string& name : names) columns.push_back("p_" + name);
  Predictions predictions{{}, data::parse_csv_features(text, file, columns, "predicted")};
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) predictions.classes.push_back(line.substr(0, line.find(',')));
  return predictions;
}

// Files written by soma before lists could be escaped load as they did, and predict what
// that soma predicted.
TEST(TrainedModelCompatibility, FilesFromEarlierVersionsGiveTheSamePredictions) {
  for (const soma::testing::EarlierModelFile& fixture : soma::testing::earlier_model_files) {
    SCOPED_TRACE(fixture.model);
    const TrainedModel model = load_trained_model(fixtures + "/" + fixture.model);
    const Tensor features = data::load_csv_features(fixtures + "/" + fixture.points,
                                                    model.feature_names, model.label_name);
    const Tensor outputs = model.predict(features);
    const Predictions expected =
        read_predictions(fixtures + "/" + fixture.predictions, model.class_names);
    const int64_t rows = outputs.shape()[0];
    ASSERT_EQ(rows, expected.probabilities.shape()[0]);
    const int64_t classes = expected.probabilities.shape()[1];
    for (int64_t i = 0; i < rows; ++i) {
      int64_t best = 0;
      for (int64_t k = 0; k < classes; ++k) {
        // One sigmoid output is the probability of the second class.
        const float p = outputs.shape()[1] == 1
                            ? (k == 1 ? outputs.data()[i] : 1.0f - outputs.data()[i])
                            : outputs.data()[i * classes + k];
        EXPECT_NEAR(p, expected.probabilities.data()[i * classes + k], 1e-6) << i << ", " << k;
        if (expected.probabilities.data()[i * classes + k] >
            expected.probabilities.data()[i * classes + best]) {
          best = k;
        }
      }
      EXPECT_EQ(model.class_names[static_cast<size_t>(best)],
                expected.classes[static_cast<size_t>(i)]);
    }
  }
  const TrainedModel csv = load_trained_model(fixtures + "/v1-csv.soma");
  EXPECT_EQ(csv.feature_names, (std::vector<std::string>{"petal length", "petal width"}));
  EXPECT_EQ(csv.class_names, (std::vector<std::string>{"setosa", "versi,color", "virginica"}));
  const TrainedModel circles = load_trained_model(fixtures + "/v1-circles.soma");
  EXPECT_EQ(circles.feature_map, (std::vector<std::string>{"x1", "x2", "x1^2", "x2^2"}));
}

struct BadEntry {
  const char* key;
  const char* value;  // null: the entry is removed
  std::string message;
};

// The review found `soma predict` reading past the class names when a file named fewer
// classes than its network has outputs: every entry is now checked against the network.
TEST_F(TrainedModelFiles, EntriesThatDoNotFitTheNetworkAreRefusedNamingTheEntry) {
  const std::vector<BadEntry> three_class_cases = {
      {"class_names", "setosa\n",
       "class_names: 1 name, but a network with 3 outputs predicts 3 classes (one per output)"},
      {"class_names", "a\nb\nc\nd\n",
       "class_names: 4 names, but a network with 3 outputs predicts 3 classes (one per output)"},
      {"class_names", "a\nb\na\n", "class_names: 'a' appears twice"},
      {"class_names", "", "class_names: none, but the loss 'cross_entropy' needs classes"},
      {"loss", "hinge",
       "loss: unknown loss 'hinge' (valid: squared_error, binary_cross_entropy, "
       "bce_with_logits, cross_entropy)"},
      {"loss", "bce_with_logits",
       "head: 'softmax' does not fit the loss 'bce_with_logits', which needs 'sigmoid'"},
      {"head", "relu", "head: 'relu' does not fit the loss 'cross_entropy', which needs 'softmax'"},
      {"head", "bogus\r",
       "head: unknown activation 'bogus\\x0D' (valid: " + activation_names() + ")"},
      {"feature_names", "petal length\n", "feature_names: 1 feature, but the network takes 2"},
      {"feature_names", "a\na\n", "feature_names: 'a' appears twice"},
      {"feature_names", "a\n\n", "feature_names: an empty name"},
      {"feature_names", "", "feature_names: no features"},
      {"feature_map", "x1\nx3\n",
       "feature_map: unknown feature 'x3' (valid: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2), "
       "r, theta)"},
      {"feature_map", "x1\nx2\nr\n", "feature_map: 3 features, but the network takes 2"},
      {"scaler", "none\nfeatures 3\n", "scaler: fitted on 3 features, but the network takes 2"},
      {"scaler", "standard\nmean 1 2\n", "scaler: scaler text: line 3: missing the 'scale' line"},
      {"label_name", "petal width", "label_name: 'petal width' is also a feature name"},
      {"list_encoding", "json",
       "list_encoding: unknown encoding 'json' (this soma reads 'escaped_lines', or plain "
       "lines when the entry is absent)"},
      {"description", nullptr, "not a model trained by soma (no 'description' entry)"},
  };
  for (const BadEntry& c : three_class_cases) {
    SCOPED_TRACE(std::string(c.key) + " = " + (c.value ? c.value : "(removed)"));
    const std::string file = with_entry(three_class_model(), c.key, c.value);
    EXPECT_EQ(error_message([&] { load_trained_model(file); }), file + ": " + c.message);
  }
  const std::vector<BadEntry> binary_cases = {
      {"class_names", "0\n1\n2\n",
       "class_names: 3 names, but a network with 1 output predicts 2 classes"},
      {"class_names", "0\n", "class_names: 1 name, but a network with 1 output predicts 2 classes"},
      {"feature_names", "x1\nx2\nx3\n", "feature_map: maps two features, but feature_names has 3"},
  };
  for (const BadEntry& c : binary_cases) {
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    const std::string file = with_entry(mapped_binary_model(), c.key, c.value);
    EXPECT_EQ(error_message([&] { load_trained_model(file); }), file + ": " + c.message);
  }
}

TEST_F(TrainedModelFiles, LossesThatDoNotFitTheOutputsAreRefused) {
  TrainedModel sigmoid_on_three = three_class_model();
  sigmoid_on_three.loss = train::LossKind::binary_cross_entropy_with_logits;
  sigmoid_on_three.head = nn::ActivationKind::sigmoid;
  EXPECT_EQ(error_message([&] { save_trained_model(path("m.soma"), sigmoid_on_three); }),
            path("m.soma") +
                ": cannot save: loss: 'bce_with_logits' needs one output, the network has 3");
  EXPECT_FALSE(std::filesystem::exists(path("m.soma")));  // refused before writing
  TrainedModel softmax_on_one = mapped_binary_model();
  softmax_on_one.loss = train::LossKind::softmax_cross_entropy;
  softmax_on_one.head = nn::ActivationKind::softmax;
  EXPECT_EQ(
      error_message([&] { save_trained_model(path("m.soma"), softmax_on_one); }),
      path("m.soma") +
          ": cannot save: loss: 'cross_entropy' needs two or more outputs, the network has 1");
  TrainedModel regression = mapped_binary_model();
  regression.class_names.clear();
  EXPECT_EQ(error_message([&] { save_trained_model(path("m.soma"), regression); }),
            path("m.soma") +
                ": cannot save: class_names: none, but the loss 'bce_with_logits' needs classes");
  regression.loss = train::LossKind::squared_error;
  regression.head = nn::ActivationKind::identity;
  save_trained_model(path("m.soma"), regression);  // regression: no classes, any outputs
  EXPECT_FALSE(load_trained_model(path("m.soma")).is_classification());
}

TEST_F(TrainedModelFiles, LayersThatDoNotChainAreRefused) {
  Generator generator(3);
  auto network = std::make_shared<nn::Sequential>();
  network->emplace<nn::Dense>(2, 3, generator);
  network->emplace<nn::Dense>(4, 3, generator);
  TrainedModel model = three_class_model();
  model.network = network;
  EXPECT_EQ(error_message([&] { save_trained_model(path("m.soma"), model); }),
            path("m.soma") +
                ": cannot save: architecture: the layers do not chain: Dense(4 -> 3): receives 3 "
                "features per sample, expects 4");
}

TEST_F(TrainedModelFiles, BadEscapesAreRefused) {
  TrainedModel model = three_class_model();
  model.class_names[0] = "two\nlines";  // written escaped, with the list_encoding entry
  const std::string file = with_entry(model, "class_names", "a\nb\\tc\nd\n");
  EXPECT_EQ(error_message([&] { load_trained_model(file); }),
            file + ": class_names: item 2: a backslash must be followed by \\ or n");
  const std::string trailing = with_entry(model, "class_names", "a\nb\nc\\\n");
  EXPECT_EQ(error_message([&] { load_trained_model(trailing); }),
            trailing + ": class_names: item 3: a backslash must be followed by \\ or n");
}

// The loader is fuzzed on bytes: whatever an entry holds, a refusal is a soma::Error.
TEST(TrainedModelBytes, HostileEntriesAreRefusedWithSomaErrorsOnly) {
  const std::string bytes = soma::testing::read_whole_file(fixtures + "/v1-csv.soma");
  const ModelFile original = decode_model_file(bytes, "v1-csv.soma");
  const std::vector<std::string> values = {
      "",
      "\n",
      "\\",
      "\\n\\",
      "x\n\n\n",
      std::string("\0\xff\n", 3),
      "99999999999999999999999",
      "dense 2 99999999999999 no_bias\n",
      "dense 2 3\nactivation relu\ndense 3 3\nactivation softmax\n",
      "none\nfeatures 99999999999999999999\n",
      "standard\nmean 1 2\nscale 1 0\n",
      "setosa\nversi,color\n",
      "escaped_lines",
  };
  int refusals = 0;
  for (size_t entry = 0; entry <= original.metadata.size(); ++entry) {
    for (const std::string& value : values) {
      ModelFile file = original;
      if (entry < file.metadata.size()) {
        file.metadata[entry].second = value;
      } else {
        file.metadata.emplace_back("list_encoding", value);
      }
      try {
        decode_trained_model(encode_model_file(file), "m.soma");
      } catch (const Error& error) {
        ++refusals;
        EXPECT_EQ(std::string(error.what()).rfind("m.soma: ", 0), 0u) << error.what();
      }
    }
  }
  EXPECT_GT(refusals, 50);  // most of the 130 files
}

}  // namespace
}  // namespace soma::io
