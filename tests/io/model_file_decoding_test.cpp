// Tests that decoding a model file gives a clear soma::Error (never a crash or a huge
// allocation) for every kind of bad file: header problems, every truncation, every flipped
// bit, and hand-made files whose checksums are correct.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "io/model_file_test_support.hpp"
#include "soma/core/error.hpp"
#include "soma/io/model_file.hpp"
#include "support/error_message.hpp"

namespace {

using soma::testing::Bytes;
using soma::testing::error_message;
using soma::testing::example_model;

using soma::Shape;
using soma::Tensor;
using soma::io::decode_model_file;
using soma::io::encode_model_file;
using soma::io::ModelFile;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string decode_error(const std::string& bytes) {
  return error_message([&] { decode_model_file(bytes, "model.soma"); });
}

// --- decoding: header problems ----------------------------------------------------------

TEST(ModelFileTest, EmptyInputIsNotAModelFile) {
  EXPECT_EQ(decode_error(""), "model.soma: empty file (not a soma model file)");
}

TEST(ModelFileTest, WrongMagicIsNotAModelFile) {
  std::string bytes = encode_model_file(example_model());
  bytes[3] = 'X';
  EXPECT_EQ(decode_error(bytes), "model.soma: not a soma model file (bad magic number)");
  EXPECT_EQ(decode_error("PK\x03\x04 a zip file, for example"),
            "model.soma: not a soma model file (bad magic number)");
  EXPECT_EQ(decode_error("SOMA"),
            "model.soma: truncated: the file ends at byte 4 while reading the magic number");
}

TEST(ModelFileTest, NewerVersionIsRejectedNamingBothVersions) {
  EXPECT_EQ(decode_error(Bytes::header(7).u32(0).u32(0).with_checksum()),
            "model.soma: format version 7 is newer than this soma supports (1)");
  EXPECT_THAT(decode_error(Bytes::header(0xFFFFFFFFu).str()),
              HasSubstr("format version 4294967295 is newer than this soma supports (1)"));
}

TEST(ModelFileTest, VersionZeroIsRejected) {
  EXPECT_EQ(decode_error(Bytes::header(0).u32(0).u32(0).with_checksum()),
            "model.soma: format version 0 is invalid (versions start at 1)");
}

TEST(ModelFileTest, FileShorterThanAnEmptyModelIsTruncated) {
  EXPECT_EQ(decode_error(Bytes::header().str()),
            "model.soma: truncated: the file ends at byte 12 while reading the entries: even an "
            "empty model file has 24 bytes");
  EXPECT_THAT(decode_error("SOMAMODL\x01"),
              HasSubstr("truncated: the file ends at byte 9 while reading the format version"));
}

// --- decoding: damage anywhere ----------------------------------------------------------

TEST(ModelFileTest, EveryTruncationThrows) {
  const std::string bytes = encode_model_file(example_model());
  for (size_t length = 0; length < bytes.size(); ++length) {
    const std::string message = decode_error(bytes.substr(0, length));
    EXPECT_THAT(message, AllOf(StartsWith("model.soma: "),
                               AnyOf(HasSubstr("empty file"), HasSubstr("truncated"),
                                     HasSubstr("corrupted: checksum mismatch"))))
        << "cut at byte " << length;
  }
}

TEST(ModelFileTest, EveryFlippedBitThrows) {
  const std::string original = encode_model_file(example_model());
  for (size_t i = 0; i < original.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = original;
      bytes[i] = static_cast<char>(bytes[i] ^ (1 << bit));
      const std::string message = decode_error(bytes);
      // The magic number and version are checked before the checksum; the rest is covered
      // by it, so a flip there must read as corruption whatever field it hit.
      const auto expected = i < 8    ? HasSubstr("bad magic number")
                            : i < 12 ? HasSubstr("format version")
                                     : HasSubstr("corrupted: checksum mismatch");
      EXPECT_THAT(message, AllOf(StartsWith("model.soma: "), expected))
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST(ModelFileTest, ChecksumMismatchNamesBothValues) {
  std::string bytes = Bytes::header().u32(0).u32(0).with_checksum();
  bytes.replace(bytes.size() - 4, 4, "\x78\x56\x34\x12");
  EXPECT_THAT(decode_error(bytes),
              AllOf(StartsWith("model.soma: corrupted: checksum mismatch (stored 0x12345678, "
                               "computed 0x"),
                    HasSubstr("damaged or incomplete")));
}

TEST(ModelFileTest, TrailingBytesAfterTheChecksumAreCounted) {
  const std::string bytes = encode_model_file(example_model());
  const std::string at = "(at byte " + std::to_string(bytes.size()) + ")";
  EXPECT_EQ(decode_error(bytes + "x"), "model.soma: 1 unexpected bytes after the checksum " + at);
  EXPECT_EQ(decode_error(bytes + "abc"), "model.soma: 3 unexpected bytes after the checksum " + at);
  EXPECT_EQ(decode_error(bytes + bytes), "model.soma: " + std::to_string(bytes.size()) +
                                             " unexpected bytes after the checksum " + at);
}

// --- decoding: malformed layouts with correct checksums ---------------------------------

TEST(ModelFileTest, BytesBetweenTheLastTensorAndTheChecksumAreRejected) {
  EXPECT_EQ(decode_error(Bytes::header().u32(0).u32(0).raw("extra").with_checksum()),
            "model.soma: 5 unexpected bytes between the last tensor and the checksum (at byte 20)");
}

TEST(ModelFileTest, HugeMetadataCountIsRejectedBeforeAllocating) {
  EXPECT_EQ(decode_error(Bytes::header().u32(0xFFFFFFFFu).u32(0).with_checksum()),
            "model.soma: truncated: the data before the checksum ends at byte 20 while reading the "
            "number of metadata entries: 4294967295 metadata entries cannot fit in the 4 bytes "
            "that remain");
}

TEST(ModelFileTest, HugeKeyLengthIsRejectedBeforeAllocating) {
  const std::string bytes =
      Bytes::header().u32(1).u32(0xFFFFFFF0u).raw("key").u32(0).with_checksum();
  EXPECT_THAT(decode_error(bytes),
              HasSubstr("truncated: the data before the checksum ends at byte 27 while reading the "
                        "key of metadata entry 0 (4294967280 bytes)"));
}

TEST(ModelFileTest, HugeValueLengthIsRejectedBeforeAllocating) {
  const std::string bytes =
      Bytes::header().u32(1).text("labels").u32(0x7FFFFFFFu).u32(0).u32(0).with_checksum();
  EXPECT_THAT(decode_error(bytes),
              HasSubstr("truncated: the data before the checksum ends at byte 38 while reading the "
                        "value of metadata entry 'labels' (2147483647 bytes)"));
}

TEST(ModelFileTest, HugeTensorCountIsRejectedBeforeAllocating) {
  EXPECT_THAT(decode_error(Bytes::header().u32(0).u32(0xFFFFFFFFu).u32(0).with_checksum()),
              HasSubstr("4294967295 tensors cannot fit in the 4 bytes that remain"));
}

TEST(ModelFileTest, HugeTensorNameLengthIsRejectedBeforeAllocating) {
  const std::string bytes = Bytes::header().u32(0).u32(1).u32(0xFFFFFFFFu).u32(0).with_checksum();
  EXPECT_THAT(decode_error(bytes),
              HasSubstr("while reading the name of tensor 0 (4294967295 bytes)"));
}

TEST(ModelFileTest, RankAboveEightIsRejected) {
  for (const uint32_t rank : {9u, 200u, 0xFFFFFFFFu}) {
    const std::string bytes =
        Bytes::header().u32(0).u32(1).text("0.weight").u32(rank).with_checksum();
    EXPECT_EQ(decode_error(bytes), "model.soma: tensor '0.weight' has rank " +
                                       std::to_string(rank) +
                                       ", but at most 8 dimensions are supported");
  }
}

TEST(ModelFileTest, ExtentOfTwoToTheFortyIsRejectedBeforeAllocating) {
  const std::string bytes = Bytes::header()
                                .u32(0)
                                .u32(1)
                                .text("0.weight")
                                .u32(1)
                                .u64(uint64_t{1} << 40)
                                .f32(1.0f)
                                .with_checksum();
  EXPECT_EQ(decode_error(bytes),
            "model.soma: truncated: the data before the checksum ends at byte 48 while reading the "
            "values of tensor '0.weight': shape (1099511627776) needs 1099511627776 x 4 bytes, "
            "only 4 remain");
}

TEST(ModelFileTest, ExtentsWhoseProductOverflowsAreRejected) {
  const uint64_t big = uint64_t{1} << 40;
  const std::string bytes =
      Bytes::header().u32(0).u32(1).text("w").u32(2).u64(big).u64(big).with_checksum();
  EXPECT_EQ(decode_error(bytes),
            "model.soma: tensor 'w' has extent 1099511627776 in dimension 1, which makes its "
            "shape too large");
}

TEST(ModelFileTest, ExtentAboveTheLargestSignedValueIsRejected) {
  const std::string bytes = Bytes::header()
                                .u32(0)
                                .u32(1)
                                .text("w")
                                .u32(1)
                                .u64(std::numeric_limits<uint64_t>::max())
                                .with_checksum();
  EXPECT_THAT(decode_error(bytes), HasSubstr("tensor 'w' has extent 18446744073709551615 in "
                                             "dimension 0, which makes its shape too large"));
}

// An empty tensor holds no values, but its other extents still feed strides, so they must
// not overflow either.
TEST(ModelFileTest, ZeroExtentDoesNotExcuseOverflowingOthers) {
  const uint64_t big = uint64_t{1} << 40;
  const std::string bytes =
      Bytes::header().u32(0).u32(1).text("w").u32(3).u64(0).u64(big).u64(big).with_checksum();
  EXPECT_THAT(decode_error(bytes), HasSubstr("which makes its shape too large"));
}

TEST(ModelFileTest, EmptyTensorWithALargeExtentLoads) {
  const std::string bytes =
      Bytes::header().u32(0).u32(1).text("w").u32(2).u64(0).u64(uint64_t{1} << 40).with_checksum();
  const ModelFile decoded = decode_model_file(bytes, "model.soma");
  ASSERT_EQ(decoded.tensors.size(), 1u);
  EXPECT_EQ(decoded.tensors[0].second.shape(), (Shape{0, int64_t{1} << 40}));
}

TEST(ModelFileTest, MissingValuesAreTruncation) {
  const std::string bytes = Bytes::header()
                                .u32(0)
                                .u32(1)
                                .text("0.weight")
                                .u32(1)
                                .u64(3)
                                .f32(1.0f)
                                .f32(2.0f)
                                .with_checksum();
  EXPECT_THAT(decode_error(bytes), HasSubstr("truncated: the data before the checksum ends at byte "
                                             "52 while reading the values of tensor '0.weight'"));
}

TEST(ModelFileTest, MissingTensorIsTruncation) {
  const std::string bytes =
      Bytes::header().u32(0).u32(2).text("a").u32(0).f32(1.0f).with_checksum();
  EXPECT_THAT(decode_error(bytes),
              HasSubstr("while reading the number of tensors: 2 tensors cannot "
                        "fit in the 13 bytes that remain"));
  const std::string later =
      Bytes::header().u32(0).u32(2).text("a").u32(0).f32(1.0f).raw("12345678").with_checksum();
  EXPECT_THAT(decode_error(later),
              HasSubstr("while reading the name of tensor 1 (875770417 bytes)"));
}

TEST(ModelFileTest, DuplicatesInAFileAreRejected) {
  EXPECT_EQ(
      decode_error(
          Bytes::header().u32(2).text("k").text("1").text("k").text("2").u32(0).with_checksum()),
      "model.soma: duplicate metadata key 'k'");
  EXPECT_EQ(decode_error(Bytes::header()
                             .u32(0)
                             .u32(2)
                             .text("w")
                             .u32(0)
                             .f32(1.0f)
                             .text("w")
                             .u32(0)
                             .f32(2.0f)
                             .with_checksum()),
            "model.soma: duplicate tensor name 'w'");
  // Names are the file's bytes: shown with control characters escaped, on one line.
  EXPECT_EQ(
      decode_error(
          Bytes::header().u32(2).text("k\n").text("").text("k\n").text("").u32(0).with_checksum()),
      "model.soma: duplicate metadata key 'k\\x0A'");
}

}  // namespace
