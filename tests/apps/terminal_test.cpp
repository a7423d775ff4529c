// A terminal that stays readable: the progress bar fits the width it is given (so '\r'
// rewrites it), lines are spaced by --log-every, and the messages say what happened
// (1e40 is too large for float32, -0 is 0, the nesting limit is the real one, a step
// activation's warning, a doubled output activation named, no temporary file named).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "progress.hpp"
#include "run_command.hpp"

namespace soma::testing {
namespace {

using cli::Progress;

train::EpochRecord record_of(int epoch, bool validated) {
  train::EpochRecord record;
  record.epoch = epoch;
  record.train_loss = 0.123456;
  record.train_accuracy = 0.9875;
  record.validation_loss = validated ? 0.25 : NAN;
  record.validation_accuracy = validated ? 0.975 : NAN;
  return record;
}

TEST(ProgressBar, FitsEveryWidthAndKeepsTheEssentials) {
  for (const int columns : {20, 40, 46, 60, 80, 100, 132, 200, 1000}) {
    SCOPED_TRACE(columns);
    const Progress progress(Progress::Style::bar, 200, true, 1, stdout, columns);
    // 50 of 200 epochs in 20 s: 2.5 epochs/s, 150 left, 60 s to go.
    const std::string bar = progress.bar_text(record_of(50, true), 20.0);
    EXPECT_LT(bar.size(), static_cast<size_t>(columns)) << bar;
    EXPECT_EQ(bar.find('\n'), std::string::npos);
    EXPECT_NE(bar.find("50/200  loss 0.1235"), std::string::npos) << bar;
    if (columns >= 46) {
      EXPECT_NE(bar.find("2.5 epochs/s  ETA 1m00s"), std::string::npos) << bar;
    }
  }
}

TEST(ProgressBar, AddsTheBarAndTheMetricsAsRoomAllows) {
  const auto bar_at = [](int columns) {
    const Progress progress(Progress::Style::bar, 200, true, 1, stdout, columns);
    return progress.bar_text(record_of(50, true), 20.0);
  };
  // The essentials are 44 characters; a bar of 10 to 30 needs 3 more for "[", "] ".
  EXPECT_EQ(bar_at(50), "50/200  loss 0.1235  2.5 epochs/s  ETA 1m00s");
  // 59 usable columns: a bar of 59 - 44 - 3 = 12, a quarter (3) of it filled.
  EXPECT_EQ(bar_at(60), "[===>        ] 50/200  loss 0.1235  2.5 epochs/s  ETA 1m00s");
  // 79: the accuracy (17 more) fits beside a 10-wide bar, the validation loss does not;
  // the bar takes the 15 left.
  EXPECT_EQ(bar_at(80),
            "[===>           ] 50/200  loss 0.1235  accuracy 0.9875  2.5 epochs/s  ETA 1m00s");
  EXPECT_EQ(bar_at(200),
            "[=======>                      ] 50/200  loss 0.1235  accuracy 0.9875  val_loss "
            "0.2500  val_accuracy 0.9750  2.5 epochs/s  ETA 1m00s");
  // Narrower than the essentials: cut at the last column, never wrapped.
  EXPECT_EQ(bar_at(12), "50/200  los");
}

// open_memstream: what Progress writes, as a file would receive it.
struct Captured {
  char* text = nullptr;
  size_t size = 0;
  FILE* stream = open_memstream(&text, &size);
  ~Captured() { std::free(text); }
  std::string close() {
    std::fclose(stream);
    return std::string(text, size);
  }
};

std::vector<int> printed_epochs(const std::string& text) {
  std::vector<int> epochs;
  for (size_t at = text.find("epoch"); at != std::string::npos; at = text.find("epoch", at + 1)) {
    epochs.push_back(std::atoi(text.c_str() + at + 5));
  }
  return epochs;
}

TEST(ProgressLines, AreSpacedByLogEveryWithTheFirstAndLastEpochs) {
  Captured captured;
  Progress progress(Progress::Style::lines, 100, true, 10, captured.stream, 80);
  for (int epoch = 1; epoch <= 100; ++epoch) progress.epoch_done(record_of(epoch, false));
  progress.finish();
  const std::string text = captured.close();
  EXPECT_EQ(printed_epochs(text), (std::vector<int>{1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}));
  EXPECT_EQ(text.substr(0, text.find('\n')), "epoch   1/100  loss 0.1235  accuracy 0.9875");
}

TEST(ProgressLines, ARunStoppedEarlyEndsWithItsLastEpoch) {
  Captured captured;
  Progress progress(Progress::Style::lines, 100, true, 10, captured.stream, 80);
  for (int epoch = 1; epoch <= 24; ++epoch) progress.epoch_done(record_of(epoch, true));
  progress.finish();
  EXPECT_EQ(printed_epochs(captured.close()), (std::vector<int>{1, 10, 20, 24}));
}

TEST(TrainProgress, APipeGetsAboutTenLinesAndLogEverySetsThem) {
  const CommandResult quiet = run_soma("train --data xor --arch 2-4-1 --epochs 200");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(printed_epochs(quiet.out.substr(0, quiet.out.find("\n\n"))),
            (std::vector<int>{1, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200}));
  const CommandResult every = run_soma("train --data xor --arch 2-4-1 --epochs 5 --log-every 1");
  EXPECT_EQ(printed_epochs(every.out.substr(0, every.out.find("\n\n"))),
            (std::vector<int>{1, 2, 3, 4, 5}));
  const CommandResult zero = run_soma("train --data xor --epochs 5 --log-every 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(zero.err, "soma train: error: --log-every: 0 is out of range (1 to 1000000)\n");
}

// On a terminal (script gives one, its width from $COLUMNS when it has none of its own),
// every redraw of the bar is narrower than the terminal.
TEST(TrainProgress, TheBarOnATerminalNeverWraps) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  const std::string command = "script -qec \"COLUMNS=50 '" SOMA_CLI_PATH
                              "' train --data circles --arch 2-4-1 --epochs 50\" /dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  ASSERT_EQ(::pclose(pipe), 0) << out;
  size_t redraws = 0;
  for (size_t at = out.find('\r'); at != std::string::npos; at = out.find('\r', at + 1)) {
    const size_t end = out.find_first_of("\r\n\033", at + 1);
    const std::string bar = out.substr(at + 1, end - at - 1);
    if (bar.empty()) continue;  // the terminal's own \r\n
    ++redraws;
    EXPECT_LT(bar.size(), 50u) << bar;
    EXPECT_NE(bar.find("/50  loss "), std::string::npos) << bar;
  }
  EXPECT_GE(redraws, 50u) << out;
}

struct Refusal {
  const char* arguments;
  const char* error;
};

TEST(Messages, NumbersBeyondFloat32AreTooLargeInEveryRealOption) {
  const Refusal refusals[] = {
      {"train --data circles --learning-rate 1e40",
       "--learning-rate: '1e40' is too large for float32"},
      {"train --data circles --weight-decay 1e40",
       "--weight-decay: '1e40' is too large for float32"},
      {"train --data circles --min-improvement -1e40",
       "--min-improvement: '-1e40' is too large for float32"},
      {"train --data circles --validation-split 1e400",
       "--validation-split: '1e400' is too large for float32"},
      {"train --data circles --noise 1e39", "--noise: '1e39' is too large for float32"},
      {"train --data circles --dropout 1e40", "--dropout: '1e40' is too large for float32"},
      {"train --data circles --noise inf", "--noise: 'inf' is not a number"},
      // Whole numbers beyond 64 bits are out of range, not "not a whole number".
      {"train --data circles --epochs 99999999999999999999",
       "--epochs: 99999999999999999999 is out of range (1 to 1000000)"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.arguments);
    const CommandResult r = run_soma(refusal.arguments);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "soma train: error: " + std::string(refusal.error) + "\n");
  }
  const CommandResult grad = run_soma("grad 'x*1e40' --at x=1");
  EXPECT_EQ(grad.exit_code, 2);
  EXPECT_EQ(grad.err.substr(0, grad.err.find('\n')),
            "soma grad: error: '1e40' is too large for float32");
}

TEST(Messages, NegativeZeroPrintsAsZero) {
  // x * y at x = 1, y = -0 is -0, and so is df/dx = y: each printed "-0" before.
  const CommandResult table = run_soma("grad 'x*y' --at x=1,y=-0");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.find("-0"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.rfind("f = x*y   at x=1, y=0\n", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("\nf = 0\ndf/dx = 0\ndf/dy = 1\n"), std::string::npos) << table.out;
  const CommandResult json = run_soma("grad 'x*y' --at x=1,y=-0 --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.find("-0"), std::string::npos) << json.out;
  EXPECT_EQ(json.out.rfind("{\"value\": 0, \"gradients\": {\"x\": 0, \"y\": 1}", 0), 0u)
      << json.out;
}

TEST(Messages, TheNestingLimitIsTheOneTheMessageNames) {
  const auto nested = [](int levels) {
    return run_soma("grad \"$(printf '(%.0s' $(seq " + std::to_string(levels) +
                    "))x$(printf ')%.0s' $(seq " + std::to_string(levels) + "))\" --at x=1");
  };
  EXPECT_EQ(nested(200).exit_code, 0);
  const CommandResult deeper = nested(201);
  EXPECT_EQ(deeper.exit_code, 2);
  EXPECT_EQ(deeper.err.rfind("soma grad: error: the expression is nested more than 200 levels", 0),
            0u)
      << deeper.err.substr(0, 120);
}

TEST(Messages, AStepActivationIsWarnedAboutOnceBeforeTraining) {
  const CommandResult r =
      run_soma("train --data circles --arch 2-8-1 --activation step --epochs 3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "soma train: warning: layer 2 of 3 is a step, whose derivative is 0 wherever it is "
            "defined: backpropagation brings no gradient to the layers before it, so gradient "
            "descent cannot move their weights (24 of 33 parameters stay as initialised); use "
            "sigmoid or tanh for a smooth step\n");
  const CommandResult smooth = run_soma("train --data circles --arch 2-8-1 --epochs 3 --json");
  EXPECT_EQ(smooth.err, "");
}

TEST(Messages, AnOutputActivationTheLossAppliesAgainIsRefusedNamingBoth) {
  const CommandResult r = run_soma(
      "train --data circles --arch 2-8-1 --output-activation sigmoid --loss bce_with_logits");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "soma train: error: --output-activation sigmoid with --loss bce_with_logits: a "
            "sigmoid output layer and the loss bce_with_logits apply the sigmoid twice: "
            "bce_with_logits applies it itself, to raw outputs (logits); use "
            "--output-activation identity, or --loss binary_cross_entropy\n");
}

TEST(Messages, AFailedSaveNamesTheTargetNotATemporaryFile) {
  const std::string directory = make_temporary_directory();
  const std::string target = directory + "/model.soma";
  std::filesystem::create_directory(target);  // a folder where the model should go
  const CommandResult r = run_soma("train --data xor --epochs 1 --save '" + target + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot write '" + target + "'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(".tmp"), std::string::npos) << r.err;
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace soma::testing
