// Tests the model file: the documented byte layout, bit-exact round trips, lookups by name
// and refused models; and on disk, atomic saving and the errors for missing, odd or
// corrupted files. model_file_decoding_test.cpp has every kind of bad file.
#include "soma/io/model_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/model_file_test_support.hpp"
#include "soma/core/error.hpp"
#include "soma/tensor/tensor.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace {

using soma::testing::bits_of;
using soma::testing::Bytes;
using soma::testing::error_message;
using soma::testing::example_model;
using soma::testing::expect_same_model;

namespace fs = std::filesystem;
using soma::Shape;
using soma::Tensor;
using soma::io::decode_model_file;
using soma::io::encode_model_file;
using soma::io::ModelFile;
using ::testing::StartsWith;

// --- encoding ---------------------------------------------------------------------------

TEST(ModelFileTest, EncodesTheDocumentedByteLayout) {
  ModelFile model;
  model.metadata = {{"k", "v"}};
  model.tensors = {{"t", soma::tensor({1.0f, -2.0f})}};
  const unsigned char expected[] = {
      'S',  'O',  'M',  'A',  'M',  'O',  'D',  'L',   // magic
      0x01, 0x00, 0x00, 0x00,                          // format version 1
      0x01, 0x00, 0x00, 0x00,                          // 1 metadata entry
      0x01, 0x00, 0x00, 0x00, 'k',                     // key
      0x01, 0x00, 0x00, 0x00, 'v',                     // value
      0x01, 0x00, 0x00, 0x00,                          // 1 tensor
      0x01, 0x00, 0x00, 0x00, 't',                     // name
      0x01, 0x00, 0x00, 0x00,                          // rank 1
      0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // extent 2
      0x00, 0x00, 0x80, 0x3F,                          // 1.0f
      0x00, 0x00, 0x00, 0xC0,                          // -2.0f
      0x3D, 0xC9, 0x13, 0xBC,                          // CRC-32 of all the above
  };
  EXPECT_EQ(encode_model_file(model),
            std::string(reinterpret_cast<const char*>(expected), sizeof expected));
}

TEST(ModelFileTest, AnEmptyModelIsTwentyFourBytes) {
  const std::string bytes = encode_model_file(ModelFile{});
  EXPECT_EQ(bytes, Bytes::header().u32(0).u32(0).with_checksum());
  EXPECT_EQ(bytes.size(), 24u);
  const ModelFile decoded = decode_model_file(bytes, "empty.soma");
  EXPECT_TRUE(decoded.metadata.empty());
  EXPECT_TRUE(decoded.tensors.empty());
}

TEST(ModelFileTest, RoundTripKeepsOrderShapesAndExactBits) {
  const ModelFile model = example_model();
  const ModelFile decoded = decode_model_file(encode_model_file(model), "model.soma");
  expect_same_model(decoded, model);
  EXPECT_EQ(decoded.find_tensor("temperature")->rank(), 0);
  EXPECT_EQ(decoded.find_tensor("empty")->shape(), (Shape{0, 3}));
  EXPECT_EQ(bits_of(*decoded.find_tensor("temperature")), std::vector<uint32_t>{0x80000000u});
}

TEST(ModelFileTest, DecodedTensorsAreIndependentLeaves) {
  ModelFile model = example_model();
  const ModelFile decoded = decode_model_file(encode_model_file(model), "model.soma");
  const Tensor* bias = decoded.find_tensor("0.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_TRUE(bias->is_leaf());
  EXPECT_FALSE(bias->requires_grad());
  model.tensors[1].second.data()[0] = 42.0f;
  EXPECT_EQ(bias->at({0}), 0.5f);
}

TEST(ModelFileTest, FindsMetadataAndTensorsByName) {
  const ModelFile model = example_model();
  ASSERT_NE(model.find_metadata("labels"), nullptr);
  EXPECT_EQ(*model.find_metadata("labels"), "cat\ndog");
  EXPECT_EQ(model.find_metadata("missing"), nullptr);
  ASSERT_NE(model.find_tensor("0.weight"), nullptr);
  EXPECT_EQ(model.find_tensor("0.weight")->shape(), (Shape{2, 16}));
  EXPECT_EQ(model.find_tensor("0.weigh"), nullptr);
}

TEST(ModelFileTest, EncodingRejectsDuplicateMetadataKeys) {
  ModelFile model = example_model();
  model.metadata.emplace_back("labels", "again");
  EXPECT_EQ(error_message([&] { encode_model_file(model); }),
            "encode_model_file: duplicate metadata key 'labels'");
}

TEST(ModelFileTest, EncodingRejectsDuplicateTensorNames) {
  ModelFile model = example_model();
  model.tensors.emplace_back("0.bias", soma::scalar(1.0f));
  EXPECT_EQ(error_message([&] { encode_model_file(model); }),
            "encode_model_file: duplicate tensor name '0.bias'");
}

TEST(ModelFileTest, EncodingRejectsUndefinedTensors) {
  ModelFile model;
  model.tensors.emplace_back("hole", Tensor());
  EXPECT_EQ(error_message([&] { encode_model_file(model); }),
            "encode_model_file: tensor 'hole' is undefined");
}

// --- files ------------------------------------------------------------------------------

// Each test works in its own fresh directory (tests/support).
using ModelFileOnDiskTest = soma::testing::TemporaryDirectoryTest;

TEST_F(ModelFileOnDiskTest, SaveThenLoadRoundTrips) {
  const std::string path = (directory_ / "model.soma").string();
  soma::io::save_model_file(path, example_model());
  EXPECT_EQ(soma::testing::read_whole_file(path), encode_model_file(example_model()));
  expect_same_model(soma::io::load_model_file(path), example_model());
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"model.soma"});
}

TEST_F(ModelFileOnDiskTest, SavingReplacesAnOldFileAndLeavesNoTemporaryFile) {
  const fs::path path = directory_ / "model.soma";
  soma::testing::write_plain_file(
      path, "an older, unrelated and rather longer file than the new one will be");
  ModelFile small;
  small.metadata = {{"k", "v"}};
  soma::io::save_model_file(path.string(), small);
  expect_same_model(soma::io::load_model_file(path.string()), small);
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"model.soma"});
}

TEST_F(ModelFileOnDiskTest, SavingIntoAMissingDirectoryThrowsAndCreatesNothing) {
  const fs::path path = directory_ / "missing" / "model.soma";
  EXPECT_THAT(error_message([&] { soma::io::save_model_file(path.string(), example_model()); }),
              StartsWith("cannot write '" + path.string() + "': "));
  EXPECT_TRUE(soma::testing::entries(directory_).empty());
}

// A file size limit makes the write fail half-way, like a full disk (and works as root).
TEST_F(ModelFileOnDiskTest, FailedSaveKeepsTheOldFile) {
  const fs::path path = directory_ / "model.soma";
  ModelFile old_model;
  old_model.metadata = {{"version", "old"}};
  soma::io::save_model_file(path.string(), old_model);
  const std::string old_bytes = soma::testing::read_whole_file(path);

  rlimit saved_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
  rlimit small_limit = saved_limit;
  small_limit.rlim_cur = 64;
  const auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small_limit), 0);
  const std::string message =
      error_message([&] { soma::io::save_model_file(path.string(), example_model()); });
  ::setrlimit(RLIMIT_FSIZE, &saved_limit);
  std::signal(SIGXFSZ, saved_handler);

  EXPECT_THAT(message, StartsWith("cannot write '" + path.string() + "': writing: "));
  EXPECT_EQ(soma::testing::read_whole_file(path), old_bytes);
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"model.soma"});
}

TEST_F(ModelFileOnDiskTest, RejectedModelLeavesTheOldFileUntouched) {
  const fs::path path = directory_ / "model.soma";
  soma::io::save_model_file(path.string(), example_model());
  const std::string old_bytes = soma::testing::read_whole_file(path);
  ModelFile duplicated = example_model();
  duplicated.tensors.emplace_back("0.weight", soma::scalar(1.0f));
  EXPECT_EQ(error_message([&] { soma::io::save_model_file(path.string(), duplicated); }),
            path.string() + ": cannot save: duplicate tensor name '0.weight'");
  EXPECT_EQ(soma::testing::read_whole_file(path), old_bytes);
  EXPECT_EQ(soma::testing::entries(directory_), std::vector<std::string>{"model.soma"});
}

TEST_F(ModelFileOnDiskTest, MissingFileCannotBeOpened) {
  const std::string path = (directory_ / "model.soma").string();
  EXPECT_EQ(error_message([&] { soma::io::load_model_file(path); }),
            path + ": cannot open: No such file or directory");
}

TEST_F(ModelFileOnDiskTest, DirectoryIsNotAModelFile) {
  EXPECT_EQ(error_message([&] { soma::io::load_model_file(directory_.string()); }),
            directory_.string() + ": cannot open: Is a directory");
}

// A FIFO with no writer would block a plain open() forever.
TEST_F(ModelFileOnDiskTest, FifoIsRejectedWithoutWaiting) {
  const fs::path path = directory_ / "model.soma";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_EQ(error_message([&] { soma::io::load_model_file(path.string()); }),
            path.string() + ": cannot open: not a regular file");
}

TEST_F(ModelFileOnDiskTest, EmptyFileIsNotAModelFile) {
  const fs::path path = directory_ / "model.soma";
  soma::testing::write_plain_file(path, "");
  EXPECT_EQ(error_message([&] { soma::io::load_model_file(path.string()); }),
            path.string() + ": empty file (not a soma model file)");
}

TEST_F(ModelFileOnDiskTest, CorruptedFileIsReportedWithItsPath) {
  const fs::path path = directory_ / "model.soma";
  soma::io::save_model_file(path.string(), example_model());
  std::string bytes = soma::testing::read_whole_file(path);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  soma::testing::write_plain_file(path, bytes);
  EXPECT_THAT(error_message([&] { soma::io::load_model_file(path.string()); }),
              StartsWith(path.string() + ": corrupted: checksum mismatch (stored 0x"));
}

}  // namespace
