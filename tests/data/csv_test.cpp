// Tests of the CSV loader: task detection and the sorted class mapping, label columns by
// name and index, quoting, CRLF and blank lines, every error with its exact location.
// csv_for_model_test.cpp has files on disk and files read for a trained model.
#include "soma/data/csv.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "support/error_message.hpp"

namespace soma::data {
namespace {

using ::testing::ElementsAre;

using soma::testing::error_message;

CsvData parse(std::string_view text, const CsvOptions& options = {}) {
  return parse_csv(text, "data.csv", options);
}

std::string parse_error(std::string_view text, const CsvOptions& options = {}) {
  return error_message([&] { parse(text, options); });
}

CsvOptions with_task(Task task) {
  CsvOptions options;
  options.task = task;
  return options;
}

CsvOptions with_label(std::string label_column) {
  CsvOptions options;
  options.label_column = std::move(label_column);
  return options;
}

// ------------------------------------------------------------------ labels and tasks

TEST(Csv, IntegerLabelsZeroToKAreClasses) {
  const CsvData data = parse("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,2\n");
  EXPECT_EQ(data.dataset.classes, 3);
  EXPECT_THAT(data.class_names, ElementsAre("0", "1", "2"));
  EXPECT_EQ(data.label_name, "label");
  EXPECT_THAT(data.dataset.feature_names, ElementsAre("a", "b"));
  EXPECT_EQ(data.dataset.features.shape(), (Shape{4, 2}));
  EXPECT_EQ(data.dataset.features.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(data.dataset.targets.shape(), (Shape{4}));
  EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{0, 1, 0, 2}));
}

TEST(Csv, AnyFewIntegersAreClassesInNumericOrder) {
  // 3 distinct values in 7 rows: fewer than half the rows. "10" sorts after "3" by value.
  const CsvData data = parse("x,y\n0,3\n0,10\n0,-1\n0,3\n0,03\n0,3.0\n0,10\n");
  EXPECT_THAT(data.class_names, ElementsAre("-1", "3", "10"));
  EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{1, 2, 0, 1, 1, 1, 2}));
}

TEST(Csv, TextLabelsAreClassesInSortedOrder) {
  const CsvData data = parse("x,species\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n");
  EXPECT_EQ(data.dataset.classes, 3);
  EXPECT_THAT(data.class_names, ElementsAre("setosa", "versicolor", "virginica"));
  EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{1, 0, 2, 0}));
}

TEST(Csv, RealLabelsAreRegression) {
  const CsvData data = parse("x,price\n1,0.5\n2,1.25\n3,-3\n");
  EXPECT_EQ(data.dataset.classes, 0);
  EXPECT_TRUE(data.class_names.empty());
  EXPECT_EQ(data.dataset.targets.shape(), (Shape{3, 1}));
  EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{0.5f, 1.25f, -3}));
}

TEST(Csv, ManyDistinctIntegersAreRegression) {
  // 1..6 in 6 rows: as many values as rows, and not 0..k-1.
  const CsvData data = parse("x,count\n0,1\n0,2\n0,3\n0,4\n0,5\n0,6\n");
  EXPECT_EQ(data.dataset.classes, 0);
  EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Csv, MoreThan100IntegersAreRegressionEvenAsZeroToK) {
  std::string text = "x,y\n";
  for (int i = 0; i < 101; ++i) text += "0," + std::to_string(i) + "\n";
  EXPECT_EQ(parse(text).dataset.classes, 0);
  text += "0,0\n";
  EXPECT_EQ(parse(text).dataset.classes, 0);
}

TEST(Csv, TheTaskCanBeForced) {
  const CsvData classes = parse("x,y\n1,0.5\n2,1.5\n3,0.5\n", with_task(Task::classification));
  EXPECT_THAT(classes.class_names, ElementsAre("0.5", "1.5"));
  EXPECT_EQ(classes.dataset.targets.to_vector(), (std::vector<float>{0, 1, 0}));

  const CsvData values = parse("x,y\n1,0\n2,1\n3,0\n", with_task(Task::regression));
  EXPECT_EQ(values.dataset.classes, 0);
  EXPECT_EQ(values.dataset.targets.shape(), (Shape{3, 1}));
}

TEST(Csv, ParseTask) {
  EXPECT_EQ(parse_task("auto"), Task::automatic);
  EXPECT_EQ(parse_task("automatic"), Task::automatic);
  EXPECT_EQ(parse_task("classification"), Task::classification);
  EXPECT_EQ(parse_task("regression"), Task::regression);
  EXPECT_EQ(error_message([] { parse_task("cluster"); }),
            "unknown task 'cluster' (valid: auto, classification, regression)");
}

// ------------------------------------------------------------------ label columns

TEST(Csv, LabelColumnByNameOrIndex) {
  const std::string text = "species,a,b\ncat,1,2\ndog,3,4\n";
  for (const char* column : {"species", "0", "-3"}) {
    const CsvData data = parse(text, with_label(column));
    EXPECT_EQ(data.label_name, "species") << column;
    EXPECT_THAT(data.dataset.feature_names, ElementsAre("a", "b")) << column;
    EXPECT_EQ(data.dataset.features.to_vector(), (std::vector<float>{1, 2, 3, 4})) << column;
    EXPECT_THAT(data.class_names, ElementsAre("cat", "dog")) << column;
  }
  const CsvData middle = parse("z,a,b\n7,1,2\n8,3,4\n", with_label("-2"));
  EXPECT_EQ(middle.label_name, "a");
  EXPECT_THAT(middle.dataset.feature_names, ElementsAre("z", "b"));
  EXPECT_EQ(middle.dataset.features.to_vector(), (std::vector<float>{7, 2, 8, 4}));
}

TEST(Csv, AHeaderNameWinsOverTheIndexReading) {
  const CsvData data = parse("0,1,2\n5,6,7\n8,9,10\n", with_label("1"));
  EXPECT_EQ(data.label_name, "1");
  EXPECT_THAT(data.dataset.feature_names, ElementsAre("0", "2"));
}

// ------------------------------------------------------------------ syntax

TEST(Csv, QuotedFields) {
  const CsvData data = parse(
      "\"x\", \"y \"\"q\"\"\" ,label\n"
      "\"1.5\", 2 ,\"a,b\"\n"
      "3,\" 4 \",\"say \"\"hi\"\"\"\n");
  EXPECT_THAT(data.dataset.feature_names, ElementsAre("x", "y \"q\""));
  EXPECT_EQ(data.dataset.features.to_vector(), (std::vector<float>{1.5f, 2, 3, 4}));
  EXPECT_THAT(data.class_names, ElementsAre("a,b", "say \"hi\""));
}

TEST(Csv, AQuotedFieldMaySpanLinesAndLineNumbersStayRight) {
  const CsvData data = parse("x,label\n1,\"two\nlines\"\n2,one\n");
  EXPECT_THAT(data.class_names, ElementsAre("one", "two\nlines"));
  EXPECT_EQ(parse_error("x,label\n1,\"two\nlines\"\nabc,one\n"),
            "data.csv:4:1: 'abc' is not a number (column 'x')");
}

TEST(Csv, CrlfBlankLinesTrailingNewlineAndByteOrderMark) {
  const std::vector<float> features = {1, 2, 3, 4};
  for (const char* text : {"a,b,y\r\n1,2,0\r\n\r\n3,4,1\r\n", "a,b,y\n1,2,0\n3,4,1",
                           "\n\na,b,y\n  \n1,2,0\n\t\n3,4,1\n\n\n",
                           "\xEF\xBB\xBF"
                           "a,b,y\n1,2,0\n3,4,1\n"}) {
    const CsvData data = parse(text);
    EXPECT_THAT(data.dataset.feature_names, ElementsAre("a", "b")) << text;
    EXPECT_EQ(data.dataset.features.to_vector(), features) << text;
    EXPECT_EQ(data.dataset.targets.to_vector(), (std::vector<float>{0, 1})) << text;
  }
  // Lines count the blank ones too.
  EXPECT_EQ(parse_error("a,y\r\n\r\n1,0\r\n\r\nx,1\r\n"),
            "data.csv:5:1: 'x' is not a number (column 'a')");
}

TEST(Csv, NumbersInAnyFloatSyntax) {
  const CsvData data = parse("a,y\n1e3,0\n+2,1\n.5,0\n-0.25,1\n 7 ,0\n1E-2,1\n3.,0\n");
  EXPECT_EQ(data.dataset.features.to_vector(),
            (std::vector<float>{1000, 2, 0.5f, -0.25f, 7, 0.01f, 3}));
}

TEST(Csv, OtherDelimiters) {
  CsvOptions semicolon;
  semicolon.delimiter = ';';
  EXPECT_EQ(parse("a;b;y\n1.5;2;0\n3;4;1\n", semicolon).dataset.features.shape(), (Shape{2, 2}));
  CsvOptions tab;
  tab.delimiter = '\t';
  const CsvData data = parse("a\tb\ty\n 1\t2 \t0\n3\t4\t1\n", tab);
  EXPECT_EQ(data.dataset.features.to_vector(), (std::vector<float>{1, 2, 3, 4}));
  // "1,5" is one (non-numeric) field with ';' as the delimiter.
  EXPECT_EQ(parse_error("a;b;y\n1,5;2;0\n", semicolon),
            "data.csv:2:1: '1,5' is not a number (column 'a')");
}

// ------------------------------------------------------------------ errors

TEST(CsvErrors, MissingValues) {
  EXPECT_EQ(parse_error("a,b,c,y\n1,2,3,0\n4,,6,1\n"), "data.csv:3:2: missing value in column 'b'");
  EXPECT_EQ(parse_error("a,b,y\n1,2,0\n4,5,\n"), "data.csv:3:3: missing value in column 'y'");
  EXPECT_EQ(parse_error("a,b,y\n1,\"\",0\n"), "data.csv:2:2: missing value in column 'b'");
  EXPECT_EQ(parse_error("a,b,y\n1,  ,0\n"), "data.csv:2:2: missing value in column 'b'");
}

TEST(CsvErrors, NonNumericCells) {
  EXPECT_EQ(parse_error("a,b,y\n1,2,0\nabc,2,1\n"),
            "data.csv:3:1: 'abc' is not a number (column 'a')");
  for (const char* cell : {"nan", "NaN", "inf", "-inf", "Infinity", "1,5", "1.2.3", "0x10", "+-1",
                           "1 2", "--1", "e5"}) {
    const std::string text = std::string("a,b,y\n1,\"") + cell + "\",0\n";
    EXPECT_EQ(parse_error(text),
              "data.csv:2:2: '" + std::string(cell) + "' is not a number (column 'b')");
  }
  EXPECT_EQ(parse_error("a,y\n1e39,0\n"),
            "data.csv:2:1: '1e39' is out of range for a 32-bit float (column 'a')");
  EXPECT_EQ(parse_error("a,y\n1e400,0\n"),
            "data.csv:2:1: '1e400' is out of range for a 32-bit float (column 'a')");
  // A long cell is cut short in the message.
  EXPECT_EQ(parse_error("a,y\n" + std::string(100, 'z') + ",0\n"),
            "data.csv:2:1: '" + std::string(37, 'z') + "...' is not a number (column 'a')");
}

TEST(CsvErrors, RaggedRows) {
  EXPECT_EQ(parse_error("a,b,c,d,y\n1,2,3,4,0\n1,2,3,4,0\n1,2,3,4,0\n1,2,3,4,0\n1,2,3,4,0\n"
                        "1,2,3,4,0\n1,2,3,4,0\n1,2,3,0\n"),
            "data.csv:9: 4 fields, the header has 5");
  EXPECT_EQ(parse_error("a,b,y\n1,2,0,9\n"), "data.csv:2: 4 fields, the header has 3");
  EXPECT_EQ(parse_error("a,b,y\n1\n"), "data.csv:2: 1 field, the header has 3");
  EXPECT_EQ(parse_error("a,b,y\n1,2,0,\n"), "data.csv:2: 4 fields, the header has 3");
}

TEST(CsvErrors, EmptyFileAndNoRows) {
  EXPECT_EQ(parse_error(""), "data.csv: the file is empty (no header row, no data rows)");
  EXPECT_EQ(parse_error("\n \r\n\n"), "data.csv: the file is empty (no header row, no data rows)");
  EXPECT_EQ(parse_error("a,b,y\n"), "data.csv: no data rows");
  EXPECT_EQ(parse_error("a,b,y\r\n\r\n\r\n"), "data.csv: no data rows");
  EXPECT_EQ(parse_error("a,b,y"), "data.csv: no data rows");
}

TEST(CsvErrors, UnknownLabelColumn) {
  EXPECT_EQ(parse_error("a,b,species\n1,2,x\n", with_label("specis")),
            "data.csv: no column 'specis' (columns: a, b, species)");
  EXPECT_EQ(parse_error("a,b,species\n1,2,x\n", with_label("3")),
            "data.csv: label column 3 is out of range: the header has 3 columns (0 to 2, or -3 "
            "to -1 from the end)");
  EXPECT_EQ(parse_error("a,b,species\n1,2,x\n", with_label("-4")),
            "data.csv: label column -4 is out of range: the header has 3 columns (0 to 2, or -3 "
            "to -1 from the end)");
}

TEST(CsvErrors, BadHeaders) {
  EXPECT_EQ(parse_error("a,b,a,y\n1,2,3,0\n"),
            "data.csv:1:3: duplicate column name 'a' (also column 1)");
  EXPECT_EQ(parse_error("\na, \"a\" ,y\n1,2,0\n"),
            "data.csv:2:2: duplicate column name 'a' (also column 1)");
  EXPECT_EQ(parse_error("a,,y\n1,2,0\n"), "data.csv:1:2: empty column name");
  EXPECT_EQ(parse_error("a\n1\n"),
            "data.csv: needs a label column and at least one feature column, but the header has "
            "only 'a'");
}

TEST(CsvErrors, Quotes) {
  EXPECT_EQ(parse_error("a,b,y\n1,2,0\n3,\"4,1\n5,6,0\n"),
            "data.csv:3:2: unterminated quote (the file ends inside this quoted field)");
  EXPECT_EQ(parse_error("a,b,y\n\"1\"x,2,0\n"),
            "data.csv:2:1: unexpected 'x' after a closing quote (write \"\" for a quote inside a "
            "quoted field)");
}

TEST(CsvErrors, Labels) {
  EXPECT_EQ(parse_error("a,y\n1,x\n2,0\n", with_task(Task::regression)),
            "data.csv:2:2: 'x' is not a number (column 'y')");
  // Real numbers with a stray text label: a broken regression file rather than classes.
  EXPECT_EQ(parse_error("a,y\n1,0.5\n2,n/a\n3,2.5\n"),
            "data.csv:3:2: 'n/a' is not a number (column 'y'), but other labels are real "
            "numbers, so this looks like regression; fix the cell, or ask for classification to "
            "read every label as a class name");
  EXPECT_THAT(parse("a,y\n1,0.5\n2,n/a\n3,2.5\n", with_task(Task::classification)).class_names,
              ElementsAre("0.5", "2.5", "n/a"));
  // Integers and text: classes.
  EXPECT_THAT(parse("a,y\n1,1\n2,n/a\n").class_names, ElementsAre("1", "n/a"));
}

TEST(CsvErrors, Delimiter) {
  CsvOptions quote;
  quote.delimiter = '"';
  EXPECT_EQ(parse_error("a\"y\n1\"0\n", quote),
            "data.csv: the delimiter cannot be a quote, a line break or a NUL character");
}

}  // namespace
}  // namespace soma::data
