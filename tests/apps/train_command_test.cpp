// End-to-end tests of `soma train`, `eval`, `predict`, `summary` and `graph`: a model is
// trained, saved, evaluated and used for predictions, with the JSON checked, and every
// kind of bad input gets its message and exit code 2: options that swallow the next one,
// labels that cannot be learned, and requests beyond the machine's memory included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_command.hpp"
#include "soma/ops/activation.hpp"

namespace soma::testing {
namespace {

// The number after "key": in a JSON text (NaN when absent or null).
double json_number(const std::string& json, const std::string& key) {
  const std::string pattern = "\"" + key + "\": ";
  const size_t at = json.find(pattern);
  if (at == std::string::npos) return NAN;
  return std::strtod(json.c_str() + at + pattern.size(), nullptr);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class CommandLine : public ::testing::Test {
 protected:
  void SetUp() override { directory_ = make_temporary_directory(); }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return directory_ + "/" + name; }
  void write(const std::string& name, const std::string& contents) const {
    std::ofstream(path(name)) << contents;
  }

  std::string directory_;
};

TEST_F(CommandLine, SummaryOf8_9_9_9_4Has301Parameters) {
  const CommandResult r = run_soma("summary --arch 8-9-9-9-4 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("{\"layer\": \"Dense(8 -> 9)\", \"output_shape\": [\"n\", 9], "
                       "\"parameters\": 81, \"formula\": \"8 x 9 + 9\"}"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(json_number(r.out, "total_parameters"), 301);
  const CommandResult table = run_soma("summary --arch 8-9-9-9-4");
  EXPECT_NE(table.out.find("total parameters: 301"), std::string::npos);
}

TEST_F(CommandLine, TrainSaveEvalPredictOnCircles) {
  const CommandResult trained = run_soma(
      "train --data circles --arch 2-16-16-1 --activation tanh --epochs 60 --seed 1 "
      "--validation-split 0.2 --save '" +
      path("circles.soma") + "' --plot '" + path("regions.png") + "' --curves '" +
      path("curves.png") + "' --json");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_EQ(json_number(trained.out, "epochs_run"), 60);
  EXPECT_EQ(json_number(trained.out, "parameters"), 337);  // 48 + 272 + 17
  EXPECT_GE(json_number(trained.out, "train_accuracy"), 0.95) << trained.out;
  EXPECT_GE(json_number(trained.out, "val_accuracy"), 0.9) << trained.out;
  EXPECT_GT(json_number(trained.out, "seconds"), 0.0);
  EXPECT_NE(trained.out.find("\"history\": [{\"epoch\": 1, "), std::string::npos);
  EXPECT_NE(trained.out.find("{\"epoch\": 60, "), std::string::npos);
  EXPECT_EQ(read_file(path("regions.png")).substr(1, 3), "PNG");
  EXPECT_EQ(read_file(path("curves.png")).substr(1, 3), "PNG");

  const CommandResult evaluated =
      run_soma("eval '" + path("circles.soma") + "' --data circles --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_EQ(json_number(evaluated.out, "samples"), 400);
  EXPECT_GE(json_number(evaluated.out, "accuracy"), 0.9) << evaluated.out;
  EXPECT_NE(evaluated.out.find("\"classes\": [\"0\", \"1\"], \"confusion_matrix\": [["),
            std::string::npos);

  write("points.csv", "x1,x2\n0,0\n1,0\n0.05,-0.02\n-0.7,0.7\n");
  const CommandResult predicted =
      run_soma("predict '" + path("circles.soma") + "' --data '" + path("points.csv") + "'");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  std::istringstream lines(predicted.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "predicted,p_0,p_1");
  std::vector<std::string> classes;
  while (std::getline(lines, line)) classes.push_back(line.substr(0, line.find(',')));
  // The centre is inside the inner circle (class 1); (1, 0) and (-0.7, 0.7) lie on the
  // outer circle (class 0).
  EXPECT_EQ(classes, (std::vector<std::string>{"1", "0", "1", "0"}));
}

TEST_F(CommandLine, CsvWithStringLabelsDefaultsToSoftmax) {
  std::string csv = "width,height,kind\n";
  for (int i = 0; i < 60; ++i) {
    const double jitter = (i % 7) * 0.05;
    csv += std::to_string(1.0 + jitter) + "," + std::to_string(1.0 - jitter) + ",small\n";
    csv += std::to_string(5.0 + jitter) + "," + std::to_string(5.0 + jitter) + ",large\n";
    csv += std::to_string(1.0 + jitter) + "," + std::to_string(5.0 - jitter) + ",tall\n";
  }
  write("shapes.csv", csv);
  const CommandResult trained =
      run_soma("train --data '" + path("shapes.csv") + "' --arch 2-8-3 --epochs 40 --save '" +
               path("shapes.soma") + "' --json");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("\"loss\": \"cross_entropy\""), std::string::npos);
  EXPECT_GE(json_number(trained.out, "train_accuracy"), 0.95) << trained.out;

  write("new.csv", "width,height\n5.1,5.1\n1.0,4.9\n");
  const CommandResult predicted =
      run_soma("predict '" + path("shapes.soma") + "' --data '" + path("new.csv") + "'");
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_EQ(predicted.out.substr(0, predicted.out.find('\n')), "predicted,p_large,p_small,p_tall");
  EXPECT_NE(predicted.out.find("\nlarge,"), std::string::npos) << predicted.out;
  EXPECT_NE(predicted.out.find("\ntall,"), std::string::npos) << predicted.out;
}

TEST_F(CommandLine, RegressionReportsRmse) {
  const CommandResult trained =
      run_soma("train --data sine --arch 1-16-1 --activation tanh --epochs 20 --json --plot '" +
               path("fit.png") + "'");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_FALSE(std::isnan(json_number(trained.out, "train_rmse")));
  EXPECT_FALSE(std::isnan(json_number(trained.out, "val_rmse")));
  EXPECT_EQ(trained.out.find("accuracy"), std::string::npos);
  EXPECT_EQ(read_file(path("fit.png")).substr(1, 3), "PNG");
}

TEST_F(CommandLine, PlainProgressLinesWhenNotATerminal) {
  const CommandResult trained = run_soma("train --data xor --arch 2-8-1 --epochs 3");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_EQ(trained.out.rfind("epoch 1/3  loss ", 0), 0u) << trained.out;
  EXPECT_NE(trained.out.find("\nepoch 3/3  loss "), std::string::npos);
  EXPECT_NE(trained.out.find("trained 2-8-1 relu, trained on xor"), std::string::npos);
}

TEST_F(CommandLine, GraphAtThreeLevels) {
  for (const char* level : {"neuron", "layer", "operator"}) {
    const std::string file = path(std::string(level) + ".dot");
    const CommandResult r =
        run_soma(std::string("graph --arch 2-3-1 --level ") + level + " --out '" + file + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string dot = read_file(file);
    EXPECT_EQ(dot.rfind("digraph network {", 0), 0u);
  }
  EXPECT_NE(read_file(path("neuron.dot")).find("n0_0 -> n1_0"), std::string::npos);
  EXPECT_NE(read_file(path("layer.dot")).find("matmul1"), std::string::npos);
  // 2 inputs; 3 neurons of 2 weights, 2 products, a sum, a bias, an activation; 1 output.
  EXPECT_NE(read_file(path("operator.dot")).find("mul1_3_2"), std::string::npos);
  const CommandResult large =
      run_soma("graph --arch 64-64-10 --level operator --out '" + path("x.dot") + "'");
  EXPECT_EQ(large.exit_code, 2);
  EXPECT_NE(large.err.find("--level operator draws every scalar operation"), std::string::npos);
}

// --dropout puts Dropout(P) after each hidden layer: training learns with it, the model file
// keeps it, summary and graph show it, and evaluation runs without it (the same accuracy
// twice).
TEST_F(CommandLine, TrainWithDropoutSavesSummarisesAndDrawsIt) {
  const CommandResult trained =
      run_soma("train --data circles --arch 2-16-16-1 --dropout 0.2 --epochs 60 --seed 1 --save '" +
               path("dropout.soma") + "'");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("trained 2-16-16-1 relu dropout 0.2, trained on circles: 337 "
                             "parameters"),
            std::string::npos)
      << trained.out;
  const CommandResult summary = run_soma("summary --model '" + path("dropout.soma") + "'");
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("\nReLU                (n x 16)        0           \n"
                             "Dropout(p=0.2)      (n x 16)        0           \n"
                             "Dense(16 -> 16)     (n x 16)        272         16 x 16 + 16\n"),
            std::string::npos)
      << summary.out;
  EXPECT_EQ(run_soma("summary --arch 2-16-16-1 --dropout 0.2").out, summary.out);
  const CommandResult graph = run_soma("graph --model '" + path("dropout.soma") +
                                       "' --level layer --out '" + path("dropout.dot") + "'");
  ASSERT_EQ(graph.exit_code, 0) << graph.err;
  EXPECT_NE(read_file(path("dropout.dot")).find("label=\"dropout p=0.2\\n(training only)\""),
            std::string::npos);
  const CommandResult first = run_soma("eval '" + path("dropout.soma") + "' --data circles --json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_GE(json_number(first.out, "accuracy"), 0.9) << first.out;
  EXPECT_EQ(run_soma("eval '" + path("dropout.soma") + "' --data circles --json").out, first.out);
}

// GELU and SiLU are entries of the activation table and nothing more, yet the tool trains
// with them, saves and loads them by name ("activation gelu"), summarises and draws them by
// their labels; every help text lists the table's names.
TEST_F(CommandLine, ActivationsOfTheTableWorkEverywhere) {
  const CommandResult trained = run_soma(
      "train --data xor --arch 2-8-1 --activation gelu "
      "--epochs 3 --save '" +
      path("gelu.soma") + "'");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("trained 2-8-1 gelu, trained on xor"), std::string::npos);
  EXPECT_NE(read_file(path("gelu.soma")).find("activation gelu\n"), std::string::npos);
  const CommandResult summary = run_soma("summary --model '" + path("gelu.soma") + "'");
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("\nGELU                (n x 8)"), std::string::npos) << summary.out;
  const CommandResult evaluated = run_soma("eval '" + path("gelu.soma") + "' --data xor");
  EXPECT_EQ(evaluated.exit_code, 0) << evaluated.err;
  ASSERT_EQ(run_soma("graph --model '" + path("gelu.soma") + "' --level layer --out '" +
                     path("gelu.dot") + "'")
                .exit_code,
            0);
  EXPECT_NE(read_file(path("gelu.dot")).find("label=\"GELU\""), std::string::npos);
  ASSERT_EQ(run_soma("graph --arch 2-3-1 --activation silu --level operator --out '" +
                     path("silu.dot") + "'")
                .exit_code,
            0);
  EXPECT_NE(read_file(path("silu.dot")).find("g1_3 [shape=ellipse, label=\"SiLU\"]"),
            std::string::npos);
  for (const char* command : {"train", "graph", "summary"}) {
    const CommandResult help = run_soma(std::string(command) + " --help");
    EXPECT_NE(help.out.find("\nActivations: " + activation_names() + ".\n"), std::string::npos)
        << help.out;
  }
  const CommandResult unknown = run_soma("summary --arch 2-3-1 --activation swish");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown activation 'swish' (valid: " + activation_names() + ")"),
            std::string::npos)
      << unknown.err;
}

struct BadInput {
  const char* name;
  std::string arguments;
  std::string message;
};

TEST_F(CommandLine, BadInputsExitWithCodeTwoAndOneLine) {
  write("ragged.csv", "a,b,label\n1,2,0\n3,4\n");
  write("garbage.soma", "this is not a model");
  const CommandResult model =
      run_soma("train --data circles --arch 2-4-1 --epochs 2 --save '" + path("m.soma") + "'");
  ASSERT_EQ(model.exit_code, 0) << model.err;
  const std::vector<BadInput> cases = {
      {"unknown dataset", "train --data cirlces", "--data: unknown dataset 'cirlces'"},
      {"bad number", "train --data circles --epochs ten", "--epochs: 'ten' is not a whole number"},
      {"input size", "train --data circles --arch 3-16-1",
       "--arch: the input size 3 does not match the data's 2 features"},
      {"output size", "train --data circles --arch 2-16-3", "--arch: 3 outputs fit neither 2"},
      {"bad activation", "train --data circles --activation relu6", "unknown activation 'relu6'"},
      {"bad optimizer", "train --data circles --optimizer adagrad", "unknown optimizer 'adagrad'"},
      {"missing csv", "train --data '" + path("missing.csv") + "'", "missing.csv"},
      {"ragged csv", "train --data '" + path("ragged.csv") + "'", "ragged.csv:3"},
      {"unknown option", "train --data circles --epoch 3", "unknown option '--epoch'"},
      {"garbage model", "eval '" + path("garbage.soma") + "' --data circles", "garbage.soma: "},
      {"model and data", "eval '" + path("m.soma") + "' --data sine",
       "is regression data but the model was trained for classification"},
      {"bad level", "graph --arch 2-3-1 --level atom --out '" + path("g.dot") + "'",
       "unknown level 'atom'"},
      {"bad arch", "summary --arch 8-x-4", "'x' is not a layer size"},
      {"dropout of 1", "train --data circles --dropout 1",
       "--dropout: 1 is out of range (0 to 0.999)"},
      {"dropout not a number", "summary --arch 2-3-1 --dropout p",
       "--dropout: 'p' is not a number"},
      {"dropout without hidden layer",
       "graph --arch 2-1 --dropout 0.5 --out '" + path("g.dot") + "'",
       "build_network: dropout goes after each hidden layer, and 2-1 has none"},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    const CommandResult r = run_soma(c.arguments);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

// `--save --json` once saved the model to a file named --json and dropped the flag.
TEST_F(CommandLine, AnOptionIsNotTakenForTheValueOfTheOneBefore) {
  const CommandResult r = run_soma("train --data circles --epochs 1 --save --json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "soma train: error: option '--save' needs a value, but '--json' is an option of soma "
            "train (to give a value that looks like an option, write --save=--json)\n");
  EXPECT_FALSE(std::filesystem::exists("--json"));
  // A negative number is still a value: refused by --noise's range, not taken for an option.
  const CommandResult negative = run_soma("train --data circles --noise -1");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_EQ(negative.err, "soma train: error: --noise: -1 is out of range (0 to 100)\n");
}

// A label column with one value once trained a one-output softmax whose loss is always 0;
// one with a class per row once failed with "10000 samples are too few".
TEST_F(CommandLine, LabelsThatCannotBeLearnedAreRefusedNamingTheColumn) {
  std::string one_class = "x,kind\n";
  std::string one_number = "x,y\n";
  std::string identifiers = "x,id\n";
  std::string pairs = "x,pair\n";
  for (int i = 0; i < 10000; ++i) {
    if (i < 20) one_class += std::to_string(i) + ",small\n";
    if (i < 20) one_number += std::to_string(i) + ",5\n";
    if (i < 1000) pairs += std::to_string(i) + ",p" + std::to_string(i / 2) + "\n";
    identifiers += std::to_string(i) + ",id" + std::to_string(i) + "\n";
  }
  write("one_class.csv", one_class);
  write("one_number.csv", one_number);
  write("identifiers.csv", identifiers);
  write("pairs.csv", pairs);
  const std::vector<BadInput> cases = {
      {"one class", "train --data '" + path("one_class.csv") + "'",
       "--data '" + path("one_class.csv") +
           "': the label column 'kind' has one class, 'small': classification needs at least "
           "two; is 'kind' the column to predict? choose another with --label\n"},
      {"one number", "train --data '" + path("one_number.csv") + "'",
       "--data '" + path("one_number.csv") +
           "': the label column 'y' has one class, '5': classification needs at least two; is "
           "'y' the column to predict? choose another with --label, or use --task regression if "
           "its values are quantities\n"},
      // --patience holds out 0.2 for its validation loss unless told otherwise.
      {"a class per row", "train --data '" + path("identifiers.csv") + "' --patience 5",
       "--data '" + path("identifiers.csv") +
           "': the label column 'id' has as many classes as rows (10000), one row each, too few "
           "for a validation split of 0.2 to take any (each class gives it round(0.2 x its "
           "rows)); is 'id' the column to predict? choose another with --label\n"},
      {"classes of two rows", "train --data '" + path("pairs.csv") + "' --validation-split 0.2",
       "--data '" + path("pairs.csv") +
           "': the label column 'pair' has 500 classes in 1000 rows, the largest with 2 rows, too "
           "few for a validation split of 0.2 to take any (each class gives it round(0.2 x its "
           "rows)); is 'pair' the column to predict? choose another with --label\n"},
      {"a split that takes everything",
       "train --data '" + path("pairs.csv") + "' --validation-split 0.9",
       "--data '" + path("pairs.csv") +
           "': the label column 'pair' has 500 classes in 1000 rows, the largest with 2 rows, so "
           "a validation split of 0.9 takes every row, leaving none to train on (each class gives "
           "it round(0.9 x its rows)); is 'pair' the column to predict? choose another with "
           "--label\n"},
      {"built-in data", "train --data gaussians --classes 10 --samples 4 --validation-split 0.2",
       "--data 'gaussians': the label column 'class' has 10 classes in 4 rows, the largest with "
       "1 row, too few for a validation split of 0.2 to take any (each class gives it round(0.2 "
       "x its rows)); use more --samples\n"},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    const CommandResult r = run_soma(c.arguments);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "soma train: error: " + c.message);
  }
  // Without a validation split (the default), classes of two rows train.
  const CommandResult trained =
      run_soma("train --data '" + path("pairs.csv") + "' --epochs 1 --json");
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_EQ(json_number(trained.out, "epochs_run"), 1);
}

// Each once ended in std::bad_alloc (exit code 1) or in an allocation of terabytes.
TEST_F(CommandLine, RequestsBeyondMemoryAreRefusedBeforeAnyAllocation) {
  const std::vector<BadInput> cases = {
      {"huge layers", "train --data circles --arch 2-16777216-16777216-1",
       "soma train: error: training 2-16777216-16777216-1 (281475060596737 parameters, batches "
       "of 32 rows) would need about 5.0 PiB of memory, more than this machine's "},
      {"a huge full batch",
       "train --data circles --samples 10000000 --arch 2-1048576-1 --batch-size 0",
       "soma train: error: training 2-1048576-1 (4194305 parameters, batches of 10000000 rows) "
       "would need about 152.6 TiB of memory, more than this machine's "},
      // Repeats would make the data as wide as the list.
      {"repeated features", "train --data circles --features x1,x2,x1",
       "soma train: error: --features: 'x1' is named twice\n"},
      {"samples", "train --data circles --samples 1e12",
       "soma train: error: --samples: '1e12' is not a whole number\n"},
      {"more samples", "train --data circles --samples 100000000",
       "soma train: error: --samples: 100000000 is out of range (4 to 10000000)\n"},
      {"epochs", "train --data circles --epochs 1000000000",
       "soma train: error: --epochs: 1000000000 is out of range (1 to 1000000)\n"},
      {"classes", "train --data gaussians --classes 1000000",
       "soma train: error: --classes: 1000000 is out of range (2 to 10)\n"},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    const CommandResult r = run_soma(c.arguments);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind(c.message, 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // A batch larger than the data is the whole data, not an allocation of that size.
  const CommandResult large_batch =
      run_soma("train --data circles --epochs 2 --batch-size 9223372036854775807 --json");
  EXPECT_EQ(large_batch.exit_code, 0) << large_batch.err;
  EXPECT_EQ(json_number(large_batch.out, "epochs_run"), 2);
}

}  // namespace
}  // namespace soma::testing
