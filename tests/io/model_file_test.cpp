// Tests the model file: the documented byte layout, bit-exact round trips, atomic saving,
// and a clear soma::Error (never a crash or a huge allocation) for every kind of bad file:
// every truncation, every flipped bit, and hand-made files whose checksums are correct.
#include "soma/io/model_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/io/checksum.hpp"
#include "soma/tensor/tensor.hpp"
#include "support/error_message.hpp"
#include "support/temporary_directory.hpp"

namespace {

using soma::testing::error_message;

namespace fs = std::filesystem;
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

std::vector<uint32_t> bits_of(const Tensor& tensor) {
  std::vector<uint32_t> bits(static_cast<size_t>(tensor.numel()));
  // Element by element with memcpy: no float register touches the bits, and an empty
  // tensor passes no null pointer to memcpy.
  for (size_t i = 0; i < bits.size(); ++i) std::memcpy(&bits[i], tensor.data() + i, 4);
  return bits;
}

Tensor from_bits(const Shape& shape, const std::vector<uint32_t>& bits) {
  Tensor tensor = Tensor::empty(shape);
  EXPECT_EQ(static_cast<size_t>(tensor.numel()), bits.size());
  for (size_t i = 0; i < bits.size(); ++i) std::memcpy(tensor.data() + i, &bits[i], 4);
  return tensor;
}

// Float bit patterns a careless encoder would change: signed zero, denormals, infinities,
// and NaNs with payloads (a signalling one included, which a float load may quieten).
const std::vector<uint32_t> special_bits = {
    0x80000000u,  // -0.0
    0x00000001u,  // the smallest denormal
    0x807FFFFFu,  // the largest negative denormal
    0x7F800000u,  // +inf
    0xFF800000u,  // -inf
    0x7FC00000u,  // the canonical quiet NaN
    0xFFC12345u,  // a negative quiet NaN with a payload
    0x7F800001u,  // a signalling NaN
    0x3F800000u,  // 1.0
    0x7F7FFFFFu,  // the largest finite float
};

// What the network layer will store: an architecture, labels, and named weights, plus the
// shapes at the edges: a 0-d scalar, an empty (0x3) tensor and a 4-d tensor.
ModelFile example_model() {
  ModelFile model;
  model.metadata = {{"architecture", "linear 16 -> 2, softmax"},
                    {"labels", "cat\ndog"},
                    {"empty value", ""},
                    {"binary", std::string("\0\xff\x01", 3)}};
  std::vector<uint32_t> weight_bits(32);
  for (size_t i = 0; i < weight_bits.size(); ++i) {
    weight_bits[i] = i < special_bits.size()
                         ? special_bits[i]
                         : std::bit_cast<uint32_t>(0.25f * static_cast<float>(i) - 3.0f);
  }
  model.tensors = {
      {"0.weight", from_bits(Shape{2, 16}, weight_bits)},
      {"0.bias", soma::tensor({0.5f, -0.5f})},
      {"temperature", soma::scalar(-0.0f)},
      {"empty", soma::zeros(Shape{0, 3})},
      {"kernel", soma::from_values(Shape{2, 1, 3, 2}, soma::arange(0.0f, 12.0f).to_vector())}};
  return model;
}

void expect_same_model(const ModelFile& actual, const ModelFile& expected) {
  EXPECT_EQ(actual.metadata, expected.metadata);
  ASSERT_EQ(actual.tensors.size(), expected.tensors.size());
  for (size_t i = 0; i < expected.tensors.size(); ++i) {
    const auto& [name, tensor] = expected.tensors[i];
    SCOPED_TRACE("tensor " + name);
    EXPECT_EQ(actual.tensors[i].first, name);
    EXPECT_EQ(actual.tensors[i].second.shape(), tensor.shape());
    EXPECT_EQ(bits_of(actual.tensors[i].second), bits_of(tensor));
  }
}

// Builds file contents field by field, for files that save_model_file would never write.
class Bytes {
 public:
  // The magic number and a format version: the start of every file.
  static Bytes header(uint32_t version = soma::io::model_file_version) {
    Bytes bytes;
    bytes.raw("SOMAMODL").u32(version);
    return bytes;
  }
  Bytes& raw(std::string_view text) {
    contents_.append(text);
    return *this;
  }
  Bytes& u32(uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) contents_.push_back(byte(value >> shift));
    return *this;
  }
  Bytes& u64(uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) contents_.push_back(byte(value >> shift));
    return *this;
  }
  Bytes& text(std::string_view text) {
    u32(static_cast<uint32_t>(text.size()));
    return raw(text);
  }
  Bytes& f32(float value) { return u32(std::bit_cast<uint32_t>(value)); }
  // The contents followed by their correct CRC-32, so that the loader's other checks run.
  std::string with_checksum() const {
    Bytes result = *this;
    result.u32(soma::io::crc32(std::as_bytes(std::span(contents_.data(), contents_.size()))));
    return result.contents_;
  }
  const std::string& str() const { return contents_; }

 private:
  static char byte(uint64_t value) { return static_cast<char>(value & 0xFFu); }
  std::string contents_;
};

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
