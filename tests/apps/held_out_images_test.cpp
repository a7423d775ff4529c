// End-to-end tests of `soma train --test IMAGES --test-labels LABELS`: held-out IDX images
// (written by the test, 4x4 pixels, two classes) scored once after training exactly as
// `soma eval` scores them, and every mismatch refused with exit code 2 before training.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "idx_files.hpp"
#include "run_command.hpp"

namespace soma::testing {
namespace {

// The number after "KEY": in `json` from `from` on; NaN when absent.
double json_number(const std::string& json, const std::string& key, size_t from = 0) {
  const std::string pattern = "\"" + key + "\": ";
  const size_t at = json.find(pattern, from);
  if (at == std::string::npos) return NAN;
  return std::strtod(json.c_str() + at + pattern.size(), nullptr);
}

class HeldOutImages : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = make_temporary_directory();
    const InkImages training = ink_images(60, 12345);
    write("images.idx", idx_bytes({60, 4, 4}, training.pixels));
    write("labels.idx", idx_bytes({60}, training.labels));
    // Other draws of the same two classes, never trained on.
    InkImages test = ink_images(20, 777);
    write("t-images.idx", idx_bytes({20, 4, 4}, test.pixels));
    write("t-labels.idx", idx_bytes({20}, test.labels));
    write("t-short-labels.idx", idx_bytes({19}, {test.labels.begin(), test.labels.end() - 1}));
    write("t-rows.idx", idx_bytes({20, 16}, test.pixels));
    write("t-wide-images.idx", idx_bytes({2, 2, 8}, std::vector<uint8_t>(32, 7)));
    write("t-wide-labels.idx", idx_bytes({2}, {0, 1}));
    test.labels[3] = 12;  // the training data have the 10 classes 0 to 9
    write("t-bad-labels.idx", idx_bytes({20}, test.labels));
    write("points.csv", "x1,x2,label\n0,1,a\n1,0,b\n0,0,a\n1,1,b\n");
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return directory_ + "/" + name; }
  std::string quoted(const std::string& name) const { return "'" + path(name) + "'"; }
  void write(const std::string& name, const std::string& contents) const {
    std::ofstream(path(name), std::ios::binary) << contents;
  }
  std::string training() const {
    return "train --data " + quoted("images.idx") + " --labels " + quoted("labels.idx") +
           " --arch 16-8-10 --epochs 40";
  }
  std::string test_data(const std::string& images, const std::string& labels) const {
    return " --test " + quoted(images) + " --test-labels " + quoted(labels);
  }

  std::string directory_;
};

TEST_F(HeldOutImages, ScoresTheTestImagesOnceAfterTrainingAsEvalDoes) {
  const CommandResult json = run_soma(training() + test_data("t-images.idx", "t-labels.idx") +
                                      " --save " + quoted("m.soma") + " --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const std::string source = path("t-images.idx") + " with labels " + path("t-labels.idx");
  const size_t test = json.out.find("\"test\": {\"samples\": 20, \"source\": \"" + source + "\"");
  ASSERT_NE(test, std::string::npos) << json.out;
  const double loss = json_number(json.out, "loss", test);
  EXPECT_GT(loss, 0.0);
  EXPECT_LT(loss, 0.05) << json.out;
  EXPECT_EQ(json_number(json.out, "accuracy", test), 1.0) << json.out;

  // The saved model on the same files: eval's figures are the test's, to the digit.
  const CommandResult evaluated =
      run_soma("eval " + quoted("m.soma") + " --data " + quoted("t-images.idx") + " --labels " +
               quoted("t-labels.idx") + " --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_EQ(json_number(evaluated.out, "samples"), 20);
  EXPECT_EQ(json_number(evaluated.out, "loss"), loss) << evaluated.out;
  EXPECT_EQ(json_number(evaluated.out, "accuracy"), 1.0);

  const CommandResult text = run_soma(training() + test_data("t-images.idx", "t-labels.idx"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  char line[64];
  std::snprintf(line, sizeof line, ", 20 samples): loss %.4f, accuracy 1.0000\n", loss);
  EXPECT_NE(text.out.find("\ntest (" + source + line), std::string::npos) << text.out;
}

TEST_F(HeldOutImages, MismatchesAreRefusedBeforeTraining) {
  const std::string images =
      " --data " + quoted("images.idx") + " --labels " + quoted("labels.idx");
  const std::string idx_images_only =
      "add --test-labels LABELS (an IDX file of one class index "
      "per image)";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {images + " --test " + quoted("t-images.idx"),
       "--test " + path("t-images.idx") + ": IDX images need their labels: " + idx_images_only},
      {images + " --test-labels " + quoted("t-labels.idx"),
       "--test-labels " + path("t-labels.idx") +
           " goes with --test IMAGES, the IDX images it "
           "labels"},
      {images + test_data("points.csv", "t-labels.idx"),
       "--test-labels goes with IDX images in --test (NAME.idx or NAME-ubyte), not with a CSV "
       "file, whose labels are a column"},
      {images + " --test " + quoted("points.csv"),
       "--test " + path("points.csv") + ": the training data '" + path("images.idx") +
           "' are IDX images: test with IDX images too (--test IMAGES --test-labels LABELS)"},
      {" --data " + quoted("points.csv") + test_data("t-images.idx", "t-labels.idx"),
       "--test " + path("t-images.idx") +
           ": IDX test images go with IDX training images (--data IMAGES --labels LABELS); the "
           "training data '" +
           path("points.csv") + "' are a CSV file"},
      {" --data circles" + test_data("t-images.idx", "t-labels.idx"),
       "--test " + path("t-images.idx") +
           ": IDX test images go with IDX training images (--data IMAGES --labels LABELS); the "
           "training data 'circles' are built-in data"},
      {images + test_data("t-wide-images.idx", "t-wide-labels.idx"),
       "--test " + path("t-wide-images.idx") + " holds 2x8 images, the training images are 4x4"},
      {images + test_data("t-images.idx", "t-bad-labels.idx"),
       "--test-labels " + path("t-bad-labels.idx") +
           ": image 3 is labelled 12, not one of the training data's 10 classes (0 to 9)"},
      {images + test_data("t-images.idx", "t-short-labels.idx"),
       "--test: " + path("t-images.idx") + " holds 20 images but " + path("t-short-labels.idx") +
           " holds 19 labels"},
      {images + test_data("t-rows.idx", "t-labels.idx"),
       "--test: " + path("t-rows.idx") +
           ": not images: shape (20x16); IDX images are count x rows x columns"},
  };
  for (const auto& [arguments, message] : cases) {
    SCOPED_TRACE(arguments);
    const CommandResult r =
        run_soma("train" + arguments + " --epochs 1 --save " + quoted("never.soma"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "soma train: error: " + message + "\n");
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(path("never.soma")));
  }
}

TEST_F(HeldOutImages, HelpListsTheTestLabelsOption) {
  const CommandResult help = run_soma("train --help");
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--test FILE.csv|IMAGES"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--test-labels LABELS"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace soma::testing
