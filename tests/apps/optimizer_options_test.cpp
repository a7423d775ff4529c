// End-to-end tests of `soma train`'s options that reach the optimisers, the schedules, the
// penalties and the activation's slope, of --test (a held-out file scored once) and of what
// `soma eval` says about its rows: each option's effect on the run, and each mistake's
// one-line message naming the option, with exit code 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "run_command.hpp"

namespace soma::testing {
namespace {

// Every number after "key": in a JSON text, in order (the history's, for per-epoch keys).
std::vector<double> json_numbers(const std::string& json, const std::string& key) {
  const std::string pattern = "\"" + key + "\": ";
  std::vector<double> numbers;
  for (size_t at = json.find(pattern); at != std::string::npos; at = json.find(pattern, at + 1)) {
    numbers.push_back(std::strtod(json.c_str() + at + pattern.size(), nullptr));
  }
  return numbers;
}

// The history's training losses of `soma train ARGUMENTS --json` on circles (5 epochs).
std::vector<double> train_losses(const std::string& arguments) {
  const CommandResult r = run_soma("train --data circles --epochs 5 --seed 3 --json " + arguments);
  EXPECT_EQ(r.exit_code, 0) << arguments << ": " << r.err;
  std::vector<double> losses = json_numbers(r.out, "train_loss");
  if (!losses.empty()) losses.erase(losses.begin());  // the best epoch's, before the history
  EXPECT_EQ(losses.size(), 5u) << r.out;
  return losses;
}

// The learning rate of each epoch of `soma train ARGUMENTS --json`.
std::vector<double> learning_rates(const std::string& arguments) {
  const CommandResult r = run_soma("train --data circles --samples 40 --json " + arguments);
  EXPECT_EQ(r.exit_code, 0) << arguments << ": " << r.err;
  return json_numbers(r.out, "learning_rate");
}

void expect_rates(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    // float32 rates: the initial one and the result each rounded once.
    EXPECT_NEAR(actual[i], expected[i], 2.5e-7 * expected[i]) << "epoch " << i + 1;
  }
}

TEST(TrainOptions, MomentumSetsSgdsMomentum) {
  const std::vector<double> plain = train_losses("--optimizer sgd");
  EXPECT_EQ(train_losses("--optimizer sgd --momentum 0"), plain);
  const std::vector<double> heavy = train_losses("--optimizer sgd --momentum 0.9");
  EXPECT_NE(heavy, plain);
  // --optimizer momentum is SGD with momentum 0.9; --momentum changes it.
  EXPECT_EQ(train_losses("--optimizer momentum"), heavy);
  EXPECT_NE(train_losses("--optimizer momentum --momentum 0.5"), heavy);
  const std::vector<double> nesterov = train_losses("--optimizer nesterov");
  EXPECT_EQ(train_losses("--optimizer nesterov --momentum 0.9"), nesterov);
  EXPECT_NE(train_losses("--optimizer nesterov --momentum 0.5"), nesterov);
  EXPECT_NE(nesterov, heavy);
}

TEST(TrainOptions, BetasAndEpsilonSetAdams) {
  const std::vector<double> adam = train_losses("");
  EXPECT_EQ(train_losses("--optimizer adam --beta1 0.9 --beta2 0.999 --epsilon 1e-8"), adam);
  EXPECT_NE(train_losses("--beta1 0.5"), adam);
  EXPECT_NE(train_losses("--beta2 0.9"), adam);
  EXPECT_NE(train_losses("--epsilon 0.1"), adam);
  const std::vector<double> adamw = train_losses("--optimizer adamw");
  EXPECT_NE(train_losses("--optimizer adamw --beta1 0.5"), adamw);
}

// The schedules' closed forms (PyTorch's StepLR, ExponentialLR, CosineAnnealingLR), epoch e
// counted from 0, starting at the learning rate the optimiser was given.
TEST(TrainOptions, SchedulesFollowTheirFormulas) {
  expect_rates(learning_rates("--epochs 5 --optimizer sgd --schedule step:every=2,gamma=0.5"),
               {0.1, 0.1, 0.05, 0.05, 0.025});
  expect_rates(learning_rates("--epochs 4 --schedule step:every=3"),  // gamma 0.1 by default
               {0.01, 0.01, 0.01, 0.001});
  std::vector<double> exponential;
  for (int e = 0; e < 4; ++e) exponential.push_back(0.02 * std::pow(0.9, e));
  expect_rates(learning_rates("--epochs 4 --learning-rate 0.02 --schedule exponential:gamma=0.9"),
               exponential);
  // min + (initial - min) (1 + cos(pi e / T)) / 2 up to T, then min.
  std::vector<double> cosine;
  for (int e = 0; e < 6; ++e) {
    cosine.push_back(
        e >= 4 ? 0.001 : 0.001 + (0.01 - 0.001) * (1 + std::cos(std::numbers::pi * e / 4)) / 2);
  }
  expect_rates(learning_rates("--epochs 6 --schedule cosine:epochs=4,min=0.001"), cosine);
  // Without epochs=, cosine anneals over the whole training, to 0 by default.
  std::vector<double> whole;
  for (int e = 0; e < 5; ++e) whole.push_back(0.01 * (1 + std::cos(std::numbers::pi * e / 5)) / 2);
  expect_rates(learning_rates("--epochs 5 --schedule cosine"), whole);
  expect_rates(learning_rates("--epochs 3"), {0.01, 0.01, 0.01});  // none: constant
}

TEST(TrainOptions, PenaltiesAndTheSlopeChangeTraining) {
  const std::vector<double> plain = train_losses("--optimizer sgd");
  const std::vector<double> l2 = train_losses("--optimizer sgd --weight-decay 0.05");
  EXPECT_NE(l2, plain);
  EXPECT_EQ(train_losses("--optimizer sgd --l2 0.05"), l2);  // the same option
  EXPECT_EQ(train_losses("--optimizer sgd --l1 0"), plain);
  const std::vector<double> l1 = train_losses("--optimizer sgd --l1 0.05");
  EXPECT_NE(l1, plain);
  EXPECT_NE(l1, l2);
  // A strong L1 pull keeps the weights small: the data is fitted worse than without it.
  EXPECT_GT(train_losses("--optimizer sgd --l1 0.05").back(), plain.back());

  const std::vector<double> leaky = train_losses("--activation leaky_relu");
  EXPECT_EQ(train_losses("--activation leaky_relu --leaky-slope 0.01"), leaky);  // the default
  EXPECT_NE(train_losses("--activation leaky_relu --leaky-slope 0.3"), leaky);
  // Slope 1 is the identity (the same initialiser for both: the default follows the activation).
  EXPECT_EQ(train_losses("--activation leaky_relu --leaky-slope 1 --init he_uniform"),
            train_losses("--activation identity --init he_uniform"));
}

class HeldOutFiles : public ::testing::Test {
 protected:
  void SetUp() override { directory_ = make_temporary_directory(); }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return directory_ + "/" + name; }
  // Rows (a, b, label) with label "above" when b > a, from a fixed pseudo-random sequence.
  void write_rows(const std::string& name, int rows, int offset) const {
    std::ofstream file(path(name));
    file << "a,b,label\n";
    for (int i = offset; i < offset + rows; ++i) {
      const double a = std::sin(i * 12.9898) * 2.0;
      const double b = std::cos(i * 78.233) * 2.0;
      file << a << "," << b << "," << (b > a ? "above" : "below") << "\n";
    }
  }
  std::string directory_;
};

TEST_F(HeldOutFiles, TestFileIsScoredOnceAfterTrainingAsEvalScoresIt) {
  write_rows("train.csv", 300, 0);
  write_rows("test.csv", 60, 1000);
  const std::string train = "train --data '" + path("train.csv") + "' --test '" + path("test.csv") +
                            "' --epochs 30 --validation-split 0.2 --save '" + path("m.soma") + "'";
  const CommandResult json = run_soma(train + " --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const size_t test_at = json.out.find("\"test\": {\"samples\": 60, \"source\": \"" +
                                       path("test.csv") + "\", \"loss\": ");
  ASSERT_NE(test_at, std::string::npos) << json.out;
  const std::string test_json = json.out.substr(test_at);
  const double test_loss = json_numbers(test_json, "loss").front();
  const double test_accuracy = json_numbers(test_json, "accuracy").front();
  EXPECT_GE(test_accuracy, 0.9) << json.out;
  // The saved model, evaluated on the same file, gives the same numbers.
  const CommandResult eval =
      run_soma("eval '" + path("m.soma") + "' --data '" + path("test.csv") + "' --json");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_EQ(json_numbers(eval.out, "samples").front(), 60);
  EXPECT_EQ(json_numbers(eval.out, "loss").front(), test_loss);
  EXPECT_EQ(json_numbers(eval.out, "accuracy").front(), test_accuracy);
  EXPECT_NE(eval.out.find("\"source\": \"" + path("test.csv") + "\""), std::string::npos);
  EXPECT_EQ(eval.out.find("\"seed\""), std::string::npos);  // a file has none

  const CommandResult text = run_soma(train);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  char line[256];
  std::snprintf(line, sizeof line, "\ntest (%s, 60 samples): loss %.4f, accuracy %.4f\n",
                path("test.csv").c_str(), test_loss, test_accuracy);
  EXPECT_NE(text.out.find(line), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("validation loss"), std::string::npos);  // reported apart
}

TEST_F(HeldOutFiles, RegressionTestFileReportsRmse) {
  std::ofstream(path("line.csv")) << "x,y\n0,1\n1,3\n2,5\n3,7\n4,9\n5,11\n6,13\n7,15\n";
  std::ofstream(path("line-test.csv")) << "x,y\n0.5,2\n2.5,6\n";
  const CommandResult r =
      run_soma("train --data '" + path("line.csv") + "' --test '" + path("line-test.csv") +
               "' --validation-split 0 --epochs 5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.out.find("\"test\": {\"samples\": 2, ");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GT(json_numbers(r.out.substr(at), "rmse").front(), 0.0);
}

TEST(EvalOrigin, EvalSaysHowManyRowsAndFromWhere) {
  const std::string directory = make_temporary_directory();
  const std::string model = directory + "/c.soma";
  ASSERT_EQ(run_soma("train --data circles --epochs 2 --save '" + model + "'").exit_code, 0);
  const CommandResult text = run_soma("eval '" + model + "' --data circles --samples 120 --seed 7");
  EXPECT_NE(text.out.find("\ndata      120 samples of circles (built-in, seed 7)\n"),
            std::string::npos)
      << text.out;
  const CommandResult json = run_soma("eval '" + model + "' --data circles --json");
  EXPECT_NE(json.out.find("{\"samples\": 400, \"source\": \"circles\", \"seed\": 1, \"loss\": "),
            std::string::npos)
      << json.out;
  std::filesystem::remove_all(directory);
}

struct Mistake {
  const char* options;
  std::string message;
};

// Each mistake in the options, with (part of) the one line it must print.
std::vector<Mistake> option_mistakes() {
  return {
      {"--momentum 0.5",
       "--momentum applies to --optimizer sgd, momentum or nesterov, not to "
       "--optimizer adam (Adam's moving average of the gradient is --beta1)"},
      {"--optimizer sgd --beta1 0.5",
       "--beta1 applies to --optimizer adam or adamw, not to --optimizer sgd"},
      {"--optimizer momentum --epsilon 1e-6", "--epsilon applies to --optimizer adam or adamw"},
      {"--optimizer sgd --momentum 1", "--momentum: 1 is out of range (0 to below 1)"},
      {"--optimizer sgd --momentum fast", "--momentum: 'fast' is not a number"},
      {"--optimizer nesterov --momentum 0", "--optimizer nesterov needs a momentum above 0"},
      {"--beta1 1", "--beta1: 1 is out of range (0 to below 1)"},
      {"--beta2 -0.1", "--beta2: -0.1 is out of range (0 to below 1)"},
      {"--epsilon 2", "--epsilon: 2 is out of range (0 to 1)"},
      {"--schedule linear",
       "--schedule: unknown schedule 'linear' (valid: step, exponential, "
       "cosine)"},
      {"--schedule step", "--schedule step needs every=... (e.g. step:every=30,gamma=0.5)"},
      {"--schedule step:every=0", "--schedule step:every: 0 is out of range (1 to 1000000)"},
      {"--schedule step:every=2.5", "--schedule step:every: '2.5' is not a whole number"},
      {"--schedule step:every=2,gamma=0",
       "--schedule step:gamma: 0 is out of range (above 0, "
       "up to 1)"},
      {"--schedule step:every=2,factor=2",
       "--schedule step: unknown parameter 'factor' (valid: every, gamma)"},
      {"--schedule step:every=2,every=3", "--schedule step: 'every' is given twice"},
      {"--schedule exponential:gamma", "--schedule exponential: 'gamma' needs a value"},
      {"--schedule exponential:", "--schedule: nothing after 'exponential:'"},
      {"--schedule exponential", "--schedule exponential needs gamma=..."},
      {"--schedule cosine:min=0.5",
       "--schedule cosine:min: 0.5 is above the initial learning rate 0.01"},
      {"--schedule cosine:epochs=x", "--schedule cosine:epochs: 'x' is not a whole number"},
      {"--schedule cosine:epochs=3,", "--schedule cosine: empty item in 'epochs=3,'"},
      {"--leaky-slope 0.1",
       "--leaky-slope is the parameter of leaky_relu, and the network's "
       "activation is relu (use --activation leaky_relu)"},
      {"--activation leaky_relu --leaky-slope 1.5", "--leaky-slope: 1.5 is out of range (0 to 1)"},
      {"--l1 -1", "--l1: -1 is out of range (0 to 1e+06)"},
      {"--l2 x", "--l2: 'x' is not a number"},
      {"--l2 0.1 --weight-decay 0.1", "--l2 is another name for --weight-decay: give one"},
  };
}

TEST(TrainOptions, MistakesNameTheOptionAndExitWithTwo) {
  for (const Mistake& c : option_mistakes()) {
    SCOPED_TRACE(c.options);
    const CommandResult r = run_soma(std::string("train --data circles --epochs 1 ") + c.options);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

// The test file is read before training: a missing or foreign one stops it at once.
TEST(TrainOptions, ABadTestFileIsRefusedBeforeTraining) {
  const std::string directory = make_temporary_directory();
  std::ofstream(directory + "/other.csv") << "u,v,w\n1,2,3\n";
  const CommandResult missing =
      run_soma("train --data circles --test '" + directory + "/missing.csv' --epochs 100000");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--test: " + directory + "/missing.csv: "), std::string::npos)
      << missing.err;
  EXPECT_EQ(missing.out, "");
  const CommandResult foreign =
      run_soma("train --data circles --test '" + directory + "/other.csv' --epochs 100000");
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("--test: " + directory + "/other.csv:1:1: column 'u'"),
            std::string::npos)
      << foreign.err;
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace soma::testing
