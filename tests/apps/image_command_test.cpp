// End-to-end tests of image data on the command line: IDX images and labels the test
// writes (4x4 pixels, two classes: ink on the left or on the right half) trained, saved,
// evaluated and predicted; the pictures of image data; every refusal with its message and
// exit code 2 before training; and the 8x8 digits of ../shared/data as an image model
// (skipped when the folder is absent).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "idx_files.hpp"
#include "run_command.hpp"

namespace soma::testing {
namespace {

const std::string shared_data = SOMA_SHARED_DATA_DIR;

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

class ImageCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = make_temporary_directory();
    const InkImages images = ink_images(60, 12345);
    const std::vector<uint8_t>& pixels = images.pixels;
    const std::vector<uint8_t>& labels = images.labels;
    write("images.idx", idx_bytes({60, 4, 4}, pixels));
    write("labels.idx", idx_bytes({60}, labels));
    write("short-labels.idx",
          idx_bytes({59}, std::vector<uint8_t>(labels.begin(), labels.end() - 1)));
    write("rows.idx", idx_bytes({60, 16}, pixels));
    write("wide-images.idx", idx_bytes({2, 2, 8}, std::vector<uint8_t>(32, 7)));
    write("points.csv", "x1,x2,label\n0,1,a\n1,0,b\n0,0,a\n1,1,b\n");
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string path(const std::string& name) const { return directory_ + "/" + name; }
  std::string quoted(const std::string& name) const { return "'" + path(name) + "'"; }
  void write(const std::string& name, const std::string& contents) const {
    std::ofstream(path(name), std::ios::binary) << contents;
  }
  std::string idx_data() const {
    return "--data " + quoted("images.idx") + " --labels " + quoted("labels.idx");
  }

  std::string directory_;
};

TEST_F(ImageCommands, TrainEvalAndPredictOnIdxImages) {
  const CommandResult trained = run_soma(
      "train " + idx_data() + " --arch 16-8-10 --epochs 40 --validation-split 0.2 --save " +
      quoted("m.soma") + " --plot " + quoted("samples.png") + " --weights-plot " +
      quoted("weights.png") + " --confusion-plot " + quoted("confusion.png"));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("trained 16-8-10 relu, trained on " + path("images.idx")),
            std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find("wrote picture: " + path("samples.png")), std::string::npos);
  EXPECT_NE(trained.out.find("wrote weights picture: " + path("weights.png")), std::string::npos);
  EXPECT_NE(trained.out.find("wrote confusion matrix picture: " + path("confusion.png")),
            std::string::npos);
  // 12 validation images (20% of 60, 6 per class); the matrix is 10 x 10, MNIST-style.
  EXPECT_NE(trained.out.find("validation confusion matrix (rows: true class, columns: predicted)"),
            std::string::npos);
  EXPECT_NE(trained.out.find("\n     0     6     0     0"), std::string::npos) << trained.out;
  for (const char* picture : {"samples.png", "weights.png", "confusion.png"}) {
    EXPECT_EQ(read_file(path(picture)).substr(1, 3), "PNG") << picture;
  }
  EXPECT_NE(read_file(path("m.soma")).find("4x4"), std::string::npos);  // the image entry

  const CommandResult evaluated =
      run_soma("eval " + quoted("m.soma") + " " + idx_data() + " --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_EQ(json_number(evaluated.out, "samples"), 60);
  EXPECT_EQ(json_number(evaluated.out, "accuracy"), 1.0) << evaluated.out;

  const CommandResult predicted =
      run_soma("predict " + quoted("m.soma") + " --data " + quoted("images.idx"));
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  EXPECT_EQ(predicted.out.substr(0, predicted.out.find('\n')),
            "predicted,p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9");
  EXPECT_EQ(predicted.out.substr(predicted.out.find('\n') + 1, 2), "0,");  // image 0: class 0
}

TEST_F(ImageCommands, JsonHasTheConfusionMatrixOfTheValidationImages) {
  const CommandResult trained =
      run_soma("train " + idx_data() + " --arch 16-8-10 --epochs 40 --validation-split 0.2 --json");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NE(trained.out.find("\"confusion_matrix\": [[6, 0, 0, 0, 0, 0, 0, 0, 0, 0], "
                             "[0, 6, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0"),
            std::string::npos)
      << trained.out;
  // Other data keep their report: no matrix without images.
  const CommandResult circles = run_soma("train --data circles --epochs 2 --json");
  ASSERT_EQ(circles.exit_code, 0) << circles.err;
  EXPECT_EQ(circles.out.find("confusion_matrix"), std::string::npos);
}

TEST_F(ImageCommands, BadImageInputIsRefusedBeforeTraining) {
  const std::string images = quoted("images.idx");
  const std::string labels = quoted("labels.idx");
  const std::string digits = quoted("points.csv");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"train --data " + images,
       "--data " + path("images.idx") +
           ": IDX images need their labels: add --labels LABELS (an IDX file of one class index "
           "per image)"},
      {"train --data " + images + " --labels " + quoted("short-labels.idx"),
       path("images.idx") + " holds 60 images but " + path("short-labels.idx") +
           " holds 59 labels"},
      {"train --data " + quoted("rows.idx") + " --labels " + labels,
       path("rows.idx") + ": not images: shape (60x16); IDX images are count x rows x columns"},
      {"train --data " + quoted("points.csv") + " --labels " + labels,
       "--labels goes with IDX images in --data (NAME.idx or NAME-ubyte), not with a CSV file, "
       "whose labels are a column (--label COLUMN)"},
      {"train --data circles --labels " + labels,
       "--labels goes with IDX images in --data (NAME.idx or NAME-ubyte), not with 'circles'"},
      {"train --data " + labels + " --labels " + labels,
       path("labels.idx") + ": not images: shape (60); IDX images are count x rows x columns"},
      {"train --data " + digits + " --image 1x3",
       "--image 1x3: 3 pixels, but " + path("points.csv") + " has 2 feature columns"},
      {"train --data " + digits + " --image 1by2",
       "--image: '1by2' is not HEIGHTxWIDTH, e.g. 28x28 (each side 1 to 65536)"},
      {"train --data circles --image 1x2",
       "--image: the built-in data 'circles' are points, not images (--image declares a CSV "
       "file's columns pixels)"},
      {"train " + idx_data() + " --image 2x8",
       "--image 2x8: " + path("images.idx") + " holds 4x4 images"},
      {"train " + idx_data() + " --features x1,x2",
       "--features maps the two features of 2-d points; " + path("images.idx") + " holds images"},
      {"train --data circles --weights-plot " + quoted("w.png"),
       "--weights-plot draws weights as images: 'circles' holds no images (IDX images, or CSV "
       "pixels with --image HxW)"},
      {"train --data sine --confusion-plot " + quoted("c.png"),
       "--confusion-plot: 'sine' is regression data, which has no classes to confuse"},
      {"train " + idx_data() + " --weights-plot " + quoted("missing/w.png"),
       "--weights-plot: cannot write '" + path("missing/w.png") + "': the folder '" +
           path("missing") + "' does not exist"},
      {"train " + idx_data() + " --plot " + quoted("samples.jpg"),
       "--plot: '" + path("samples.jpg") + "' should end in .png, .svg or .pdf"},
      {"train " + idx_data() + " --confusion-plot " + quoted(""),
       "--confusion-plot: '" + path("") + "' should end in .png, .svg or .pdf"},
  };
  for (const auto& [arguments, message] : cases) {
    SCOPED_TRACE(arguments);
    const CommandResult r = run_soma(arguments + " --epochs 1 --save " + quoted("never.soma"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "soma train: error: " + message + "\n");
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(path("never.soma")));
  }
}

TEST_F(ImageCommands, EvalAndPredictRefuseImagesOfAnotherShape) {
  ASSERT_EQ(
      run_soma("train " + idx_data() + " --arch 16-4-10 --epochs 1 --save " + quoted("m.soma"))
          .exit_code,
      0);
  write("wide-labels.idx", idx_bytes({2}, {0, 1}));
  const CommandResult evaluated =
      run_soma("eval " + quoted("m.soma") + " --data " + quoted("wide-images.idx") + " --labels " +
               quoted("wide-labels.idx"));
  EXPECT_EQ(evaluated.exit_code, 2);
  EXPECT_EQ(evaluated.err, "soma eval: error: --data " + path("wide-images.idx") +
                               " holds 2x8 images, the model takes 4x4\n");
  const CommandResult predicted =
      run_soma("predict " + quoted("m.soma") + " --data " + quoted("wide-images.idx"));
  EXPECT_EQ(predicted.exit_code, 2);
  EXPECT_EQ(predicted.err, "soma predict: error: --data " + path("wide-images.idx") +
                               " holds 2x8 images, the model takes 4x4\n");
  const CommandResult csv_labels =
      run_soma("eval " + quoted("m.soma") + " --data " + quoted("points.csv") + " --labels " +
               quoted("labels.idx"));
  EXPECT_EQ(csv_labels.exit_code, 2);
  EXPECT_EQ(csv_labels.err,
            "soma eval: error: --labels goes with IDX images in --data (NAME.idx or NAME-ubyte), "
            "not with a CSV file, whose labels are a column (--label COLUMN)\n");

  ASSERT_EQ(run_soma("train --data " + quoted("points.csv") +
                     " --epochs 1 --validation-split 0 "
                     "--save " +
                     quoted("points.soma"))
                .exit_code,
            0);
  const CommandResult not_images =
      run_soma("predict " + quoted("points.soma") + " --data " + quoted("images.idx"));
  EXPECT_EQ(not_images.exit_code, 2);
  EXPECT_EQ(not_images.err, "soma predict: error: --data " + path("images.idx") +
                                ": IDX images need an image model; this one was not trained on "
                                "images\n");
}

TEST_F(ImageCommands, HelpListsTheImageOptions) {
  const CommandResult help = run_soma("train --help");
  ASSERT_EQ(help.exit_code, 0);
  for (const char* option : {"--labels LABELS", "--image HxW", "--weights-plot FILE",
                             "--confusion-plot FILE", "divided by 255 to [0, 1]"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
  EXPECT_NE(run_soma("eval --help").out.find("--labels LABELS"), std::string::npos);
  EXPECT_NE(run_soma("predict --help").out.find("IDX images"), std::string::npos);
}

// The lecture's next step on real data: the 8x8 digits (64 pixel columns, 0-16) as images.
TEST_F(ImageCommands, DigitsCsvTrainsAsAnEightByEightImageModel) {
  const std::string digits = shared_data + "/digits.csv";
  if (!std::filesystem::exists(digits)) GTEST_SKIP() << "no " << digits << " (shared data absent)";
  const CommandResult trained =
      run_soma("train --data '" + digits +
               "' --image 8x8 --arch 64-32-10 --epochs 30 --validation-split 0.2 --save " +
               quoted("digits.soma") + " --plot " + quoted("digits.png") + " --json");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_GE(json_number(trained.out, "val_accuracy"), 0.93) << trained.out;
  EXPECT_NE(trained.out.find("\"confusion_matrix\": [["), std::string::npos);
  EXPECT_EQ(read_file(path("digits.png")).substr(1, 3), "PNG");
  EXPECT_NE(read_file(path("digits.soma")).find("8x8"), std::string::npos);
  const CommandResult evaluated =
      run_soma("eval " + quoted("digits.soma") + " --data '" + digits + "' --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_EQ(json_number(evaluated.out, "samples"), 1797);
  EXPECT_GE(json_number(evaluated.out, "accuracy"), 0.95);
}

}  // namespace
}  // namespace soma::testing
