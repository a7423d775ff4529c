// Tests of CSV files on disk (load_csv, and the message for a missing file or a directory)
// and of files read for a trained model: features in the model's order, labels through the
// class names saved at training, and their errors.
#include "soma/data/csv.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace soma::data {
namespace {

using ::testing::ElementsAre;

using soma::testing::error_message;
using soma::testing::TemporaryFile;

// ------------------------------------------------------------------ files

TEST(CsvFiles, LoadCsvReadsAFile) {
  const TemporaryFile file("soma_csv_test_iris_like.csv",
                           "sepal,petal,label\r\n5.1,1.4,setosa\r\n7.0,4.7,other\r\n");
  const CsvData data = load_csv(file.path());
  EXPECT_THAT(data.class_names, ElementsAre("other", "setosa"));
  EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{1, 0}));
  EXPECT_EQ(data.dataset.features.to_vector(), (std::vector<float>{5.1f, 1.4f, 7.0f, 4.7f}));

  const TemporaryFile bad("soma_csv_test_bad.csv", "a,y\n1,0\nzz,1\n");
  EXPECT_EQ(error_message([&] { load_csv(bad.path()); }),
            bad.path() + ":3:1: 'zz' is not a number (column 'a')");
}

TEST(CsvFiles, MissingFileOrDirectory) {
  const std::string missing = ::testing::TempDir() + "soma_csv_test_no_such_file.csv";
  EXPECT_EQ(error_message([&] { load_csv(missing); }),
            missing + ": cannot open: No such file or directory");
  const std::string directory = ::testing::TempDir();
  EXPECT_EQ(error_message([&] { load_csv(directory); }),
            directory + ": cannot open: Is a directory");
}

// ------------------------------------------------------------------ files for a model

TEST(CsvForModel, FeaturesInTheModelsOrder) {
  const Tensor features =
      parse_csv_features("b,label,a\n2,x,1\n4,,3\n", "new.csv", {"a", "b"}, "label");
  EXPECT_EQ(features.shape(), (Shape{2, 2}));
  EXPECT_EQ(features.to_vector(), (std::vector<float>{1, 2, 3, 4}));
  // Without the label column, too.
  EXPECT_EQ(parse_csv_features("b,a\n2,1\n", "new.csv", {"a", "b"}, "label").to_vector(),
            (std::vector<float>{1, 2}));
}

TEST(CsvForModel, FeatureErrors) {
  EXPECT_EQ(error_message([] {
              parse_csv_features("a,c\n1,2\n", "new.csv", {"a", "b"}, "y");
            }),
            "new.csv:1:2: column 'c' is neither one of the model's features (a, b) nor its label "
            "'y'");
  EXPECT_EQ(error_message([] {
              parse_csv_features("a,y\n1,2\n", "new.csv", {"a", "b"}, "y");
            }),
            "new.csv: no column 'b', which the model needs (columns: a, y)");
  EXPECT_EQ(error_message([] {
              parse_csv_features("a,b\n1,x\n", "new.csv", {"a", "b"}, "");
            }),
            "new.csv:2:2: 'x' is not a number (column 'b')");
}

// A quoted header may hold a line break (CRLF inside quotes reads as LF); a model trained on
// it finds the column again, and messages naming such columns stay on one line.
TEST(CsvForModel, ColumnNamesWithLineBreaks) {
  EXPECT_EQ(parse_csv_features("\"b\r\nc\",\"a\"\n2,1\n", "new.csv", {"a", "b\nc"}, "").to_vector(),
            (std::vector<float>{1, 2}));
  EXPECT_EQ(error_message([] {
              parse_csv_features("\"a\nb\",c\n1,2\n", "new.csv", {"a\nb", "c", "x\ny"}, "");
            }),
            "new.csv: no column 'x\\x0Ay', which the model needs (columns: a\\x0Ab, c)");
  const CsvSchema schema{{"x"}, "y", {"one\nline", "two"}};
  EXPECT_EQ(
      parse_csv_with_schema("x,y\n1,\"one\nline\"\n2,two\n", "t.csv", schema).targets.to_vector(),
      (std::vector<float>{0, 1}));
  EXPECT_EQ(error_message([&] { parse_csv_with_schema("x,y\n1,\"thr\nee\"\n", "t.csv", schema); }),
            "t.csv:2: label 'thr\\x0Aee' was not seen in training (known: one\\x0Aline, two)");
}

TEST(CsvForModel, LoadCsvFeaturesReadsAFile) {
  const TemporaryFile file("soma_csv_test_predict.csv", "x2,x1\n0.5,1.5\n");
  EXPECT_EQ(load_csv_features(file.path(), {"x1", "x2"}, "label").to_vector(),
            (std::vector<float>{1.5f, 0.5f}));
}

TEST(CsvForModel, LabelsThroughTheTrainingClassNames) {
  const CsvData training = parse_csv("x,y\n0,b\n1,a\n2,c\n3,a\n", "data.csv");
  const CsvSchema schema{training.dataset.feature_names, training.label_name, training.class_names};
  const Dataset test = parse_csv_with_schema("y,x\nc,7\na,8\n", "test.csv", schema);
  EXPECT_EQ(test.classes, 3);
  EXPECT_EQ(test.targets.to_vector(), (std::vector<float>{2, 0}));
  EXPECT_EQ(test.features.to_vector(), (std::vector<float>{7, 8}));
  EXPECT_THAT(test.feature_names, ElementsAre("x"));

  EXPECT_EQ(error_message([&] { parse_csv_with_schema("x,y\n1,a\n2,z\n", "test.csv", schema); }),
            "test.csv:3: label 'z' was not seen in training (known: a, b, c)");
  EXPECT_EQ(error_message([&] { parse_csv_with_schema("x\n1\n", "test.csv", schema); }),
            "test.csv: no label column 'y' (columns: x)");
}

TEST(CsvForModel, RegressionLabels) {
  const CsvSchema schema{{"x"}, "price", {}};
  const Dataset test = parse_csv_with_schema("x,price\n1,2.5\n", "test.csv", schema);
  EXPECT_EQ(test.classes, 0);
  EXPECT_EQ(test.targets.shape(), (Shape{1, 1}));
  EXPECT_EQ(test.targets.to_vector(), (std::vector<float>{2.5f}));
  EXPECT_EQ(error_message([&] { parse_csv_with_schema("x,price\n1,cheap\n", "t.csv", schema); }),
            "t.csv:2:2: 'cheap' is not a number (column 'price')");
}

TEST(CsvForModel, EncodeLabels) {
  const std::vector<std::string> names = {"-1", "3", "10"};
  EXPECT_EQ(encode_labels({"3", "10", "-1", "3.0", "03", " 10 "}, names, "new.csv").to_vector(),
            (std::vector<float>{1, 2, 0, 1, 1, 2}));
  const std::vector<int64_t> lines = {2, 5};
  EXPECT_EQ(error_message([&] {
              encode_labels({"3", "x"}, names, "new.csv", lines);
            }),
            "new.csv:5: label 'x' was not seen in training (known: -1, 3, 10)");
  EXPECT_EQ(error_message([&] {
              encode_labels({"3", "4"}, names, "new.csv");
            }),
            "new.csv: sample 2: label '4' was not seen in training (known: -1, 3, 10)");
}

TEST(CsvForModel, ClassNamesReproduceTheTrainingMapping) {
  // The same labels in another order and another spelling map to the same indices.
  const CsvData training = parse_csv("x,y\n0,7\n0,2\n0,7\n0,5\n0,2\n0,2\n0,7\n", "data.csv");
  const std::vector<std::string> texts = {"7", "2", "7", "5", "2", "2", "7"};
  EXPECT_EQ(encode_labels(texts, training.class_names, "again.csv").to_vector(),
            training.dataset.targets.to_vector());
}

}  // namespace
}  // namespace soma::data
