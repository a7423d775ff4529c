// Tests of the IDX reader on small files the tests write themselves: MNIST-style images
// and labels, every element type, and each malformed file (truncated, bad magic, gzip,
// absurd extents, trailing bytes, images and labels that disagree).
#include "soma/data/idx.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
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

void append_big_endian(std::string& bytes, uint64_t value, int size) {
  for (int shift = 8 * (size - 1); shift >= 0; shift -= 8) {
    bytes += static_cast<char>((value >> shift) & 0xFF);
  }
}

// The magic number 0x0000TTDD and the extents.
std::string idx_header(unsigned type, const std::vector<uint32_t>& extents) {
  std::string bytes;
  append_big_endian(bytes, type, 3);
  append_big_endian(bytes, extents.size(), 1);
  for (const uint32_t extent : extents) append_big_endian(bytes, extent, 4);
  return bytes;
}

std::string unsigned_bytes(const std::vector<uint32_t>& extents,
                           const std::vector<unsigned char>& values) {
  std::string bytes = idx_header(0x08, extents);
  bytes.append(values.begin(), values.end());
  return bytes;
}

const std::vector<unsigned char> pixels = {0, 255, 128, 1, 2, 3, 4, 5, 250, 251, 252, 253};

TEST(Idx, ImagesAndLabels) {
  const TemporaryFile images("soma_idx_test_images.idx", unsigned_bytes({3, 2, 2}, pixels));
  const TemporaryFile labels("soma_idx_test_labels.idx", unsigned_bytes({3}, {2, 0, 1}));

  const Tensor raw = load_idx(images.path());
  EXPECT_EQ(raw.shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(raw.to_vector(), std::vector<float>(pixels.begin(), pixels.end()));
  EXPECT_EQ(load_idx(labels.path()).shape(), (Shape{3}));

  const Dataset dataset = load_idx_dataset(images.path(), labels.path());
  EXPECT_EQ(dataset.features.shape(), (Shape{3, 4}));
  std::vector<float> scaled;
  for (const unsigned char p : pixels) scaled.push_back(static_cast<float>(p) * (1.0f / 255));
  EXPECT_EQ(dataset.features.to_vector(), scaled);
  EXPECT_EQ(dataset.features.to_vector()[1], 1.0f);
  EXPECT_EQ(dataset.targets.to_vector(), (std::vector<float>{2, 0, 1}));
  EXPECT_EQ(dataset.classes, 10);  // MNIST-style: at least 10
  EXPECT_THAT(dataset.feature_names, ElementsAre("px0_0", "px0_1", "px1_0", "px1_1"));

  const Dataset exact = load_idx_dataset(images.path(), labels.path(), 1.0f, 0);
  EXPECT_EQ(exact.classes, 3);  // max label + 1
  EXPECT_EQ(exact.features.to_vector(), raw.to_vector());
}

TEST(Idx, EveryElementType) {
  struct Case {
    unsigned type;
    int size;
    std::vector<uint64_t> encoded;
    std::vector<float> expected;
  };
  uint32_t float_bits[2];
  const float floats[2] = {-1.5f, 3.25f};
  std::memcpy(float_bits, floats, sizeof floats);
  uint64_t double_bits[2];
  const double doubles[2] = {0.1, -1e10};
  std::memcpy(double_bits, doubles, sizeof doubles);
  const std::vector<Case> cases = {
      {0x08, 1, {0, 200}, {0, 200}},
      {0x09, 1, {0x80, 0x7F}, {-128, 127}},
      {0x0B, 2, {0xFFFE, 300}, {-2, 300}},
      {0x0C, 4, {0xFFFEEE90, 1u << 24}, {-70000, 16777216}},
      {0x0D, 4, {float_bits[0], float_bits[1]}, {-1.5f, 3.25f}},
      {0x0E, 8, {double_bits[0], double_bits[1]}, {0.1f, -1e10f}},
  };
  for (const Case& c : cases) {
    std::string bytes = idx_header(c.type, {2});
    for (const uint64_t value : c.encoded) append_big_endian(bytes, value, c.size);
    const Tensor values = parse_idx(bytes, "values.idx");
    EXPECT_EQ(values.shape(), (Shape{2})) << c.type;
    EXPECT_EQ(values.to_vector(), c.expected) << c.type;
  }
}

TEST(Idx, Truncated) {
  std::string bytes = unsigned_bytes({3, 2, 2}, pixels);
  bytes.resize(bytes.size() - 2);
  EXPECT_EQ(error_message([&] { parse_idx(bytes, "images.idx"); }),
            "images.idx: truncated: the header promises (3x2x2) unsigned bytes (1 byte each), "
            "more than the 10 bytes after the header hold");
  EXPECT_EQ(error_message([&] { parse_idx(bytes.substr(0, 9), "images.idx"); }),
            "images.idx: truncated: the header of 3 dimensions needs 16 bytes, the file has 9");
  EXPECT_EQ(error_message([] { parse_idx(std::string("\0\0", 2), "x.idx"); }),
            "x.idx: too short for an IDX header (2 bytes)");
  std::string floats = idx_header(0x0D, {2});
  floats += std::string(7, '\0');
  EXPECT_EQ(error_message([&] { parse_idx(floats, "f.idx"); }),
            "f.idx: truncated: the header promises (2) floats (4 bytes each), more than the 7 "
            "bytes after the header hold");
}

TEST(Idx, AbsurdExtentsFailBeforeAnyAllocation) {
  std::string bytes = idx_header(0x0E, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF});
  bytes += std::string(16, '\0');
  EXPECT_EQ(error_message([&] { parse_idx(bytes, "huge.idx"); }),
            "huge.idx: truncated: the header promises (4294967295x4294967295x4294967295) doubles "
            "(8 bytes each), more than the 16 bytes after the header hold");
}

TEST(Idx, TrailingBytes) {
  const std::string bytes = unsigned_bytes({3}, {1, 2, 3, 4, 5});
  EXPECT_EQ(error_message([&] { parse_idx(bytes, "labels.idx"); }),
            "labels.idx: 2 unexpected bytes after the (3) unsigned bytes the header promises");
}

TEST(Idx, BadMagicTypeAndDimensions) {
  std::string bytes = unsigned_bytes({3}, {1, 2, 3});
  bytes[0] = 0x12;
  bytes[1] = 0x34;
  EXPECT_EQ(error_message([&] { parse_idx(bytes, "a.idx"); }),
            "a.idx: not an IDX file: the magic number is 0x12340801, expected 0x0000TTDD "
            "(0x00000803 for images, 0x00000801 for labels)");
  EXPECT_EQ(error_message([] { parse_idx(idx_header(0x0A, {1}) + "x", "b.idx"); }),
            "b.idx: unsupported IDX element type 0x0A (supported: 0x08 unsigned byte, 0x09 signed "
            "byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)");
  EXPECT_EQ(error_message([] { parse_idx(idx_header(0x08, {}), "c.idx"); }),
            "c.idx: the header gives 0 dimensions; soma reads 1 to 8");
  EXPECT_EQ(
      error_message([] { parse_idx(idx_header(0x08, std::vector<uint32_t>(9, 1)), "d.idx"); }),
      "d.idx: the header gives 9 dimensions; soma reads 1 to 8");
}

TEST(Idx, GzipIsRecognised) {
  const TemporaryFile file("soma_idx_test_images.idx.gz",
                           std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(error_message([&] { load_idx(file.path()); }),
            file.path() +
                ": the file is gzip-compressed (it starts with 1f 8b); soma reads uncompressed "
                "IDX files: decompress it first (gunzip)");
}

TEST(Idx, ImagesAndLabelsMustAgree) {
  const TemporaryFile images("soma_idx_test_images3.idx", unsigned_bytes({3, 2, 2}, pixels));
  const TemporaryFile two_labels("soma_idx_test_labels2.idx", unsigned_bytes({2}, {0, 1}));
  EXPECT_EQ(error_message([&] { load_idx_dataset(images.path(), two_labels.path()); }),
            images.path() + " holds 3 images but " + two_labels.path() + " holds 2 labels");

  const TemporaryFile flat("soma_idx_test_flat.idx", unsigned_bytes({3}, {0, 1, 2}));
  EXPECT_EQ(error_message([&] { load_idx_dataset(flat.path(), flat.path()); }),
            flat.path() + ": images need at least 2 dimensions (count x ...), got shape (3)");
  EXPECT_EQ(error_message([&] { load_idx_dataset(images.path(), images.path()); }),
            images.path() + ": labels need 1 dimension (count), got shape (3x2x2)");

  std::string float_labels = idx_header(0x0D, {3});
  for (const float label : {0.0f, 1.5f, 2.0f}) {
    uint32_t bits = 0;
    std::memcpy(&bits, &label, sizeof bits);
    append_big_endian(float_labels, bits, 4);
  }
  const TemporaryFile fractional("soma_idx_test_fractional.idx", float_labels);
  EXPECT_EQ(error_message([&] { load_idx_dataset(images.path(), fractional.path()); }),
            fractional.path() + ": label 1 is 1.5, not a class index (a non-negative integer)");
}

// What `soma train --data images.idx` reads: count x rows x columns, bytes mapped to [0, 1].
TEST(Idx, ImagesKeepTheirShapeAndOnlyBytesAreDividedBy255) {
  const TemporaryFile images("soma_idx_test_image_set.idx", unsigned_bytes({2, 2, 3}, pixels));
  const TemporaryFile labels("soma_idx_test_image_labels.idx", unsigned_bytes({2}, {1, 0}));
  const IdxImageDataset loaded = load_idx_image_dataset(images.path(), labels.path());
  EXPECT_EQ(loaded.height, 2);
  EXPECT_EQ(loaded.width, 3);
  EXPECT_EQ(loaded.dataset.features.shape(), (Shape{2, 6}));
  EXPECT_EQ(loaded.dataset.features.to_vector()[1], 1.0f);        // 255
  EXPECT_EQ(loaded.dataset.features.to_vector()[3], 1.0f / 255);  // 1
  EXPECT_EQ(loaded.dataset.targets.to_vector(), (std::vector<float>{1, 0}));
  EXPECT_EQ(loaded.dataset.classes, 10);
  EXPECT_THAT(loaded.dataset.feature_names,
              ElementsAre("px0_0", "px0_1", "px0_2", "px1_0", "px1_1", "px1_2"));

  std::string float_images = idx_header(0x0D, {1, 1, 2});
  for (const float value : {-0.5f, 2.0f}) {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    append_big_endian(float_images, bits, 4);
  }
  const TemporaryFile floats("soma_idx_test_float_images.idx", float_images);
  const IdxImages kept = load_idx_images(floats.path());
  EXPECT_EQ(kept.pixels.to_vector(), (std::vector<float>{-0.5f, 2.0f}));  // as they are
  EXPECT_EQ(kept.height, 1);
  EXPECT_EQ(kept.width, 2);
}

TEST(Idx, ImagesNeedThreeDimensionsAndLabelsTheirCount) {
  const TemporaryFile rows("soma_idx_test_rows.idx", unsigned_bytes({3, 4}, pixels));
  EXPECT_EQ(error_message([&] { load_idx_images(rows.path()); }),
            rows.path() + ": not images: shape (3x4); IDX images are count x rows x columns");
  const TemporaryFile none("soma_idx_test_no_images.idx", unsigned_bytes({0, 2, 2}, {}));
  EXPECT_EQ(error_message([&] { load_idx_images(none.path()); }), none.path() + ": no images");
  const TemporaryFile images("soma_idx_test_images4.idx", unsigned_bytes({3, 2, 2}, pixels));
  const TemporaryFile labels("soma_idx_test_labels4.idx", unsigned_bytes({4}, {0, 1, 2, 3}));
  EXPECT_EQ(error_message([&] { load_idx_image_dataset(images.path(), labels.path()); }),
            images.path() + " holds 3 images but " + labels.path() + " holds 4 labels");
}

TEST(Idx, MissingFile) {
  const std::string missing = ::testing::TempDir() + "soma_idx_test_missing.idx";
  EXPECT_EQ(error_message([&] { load_idx(missing); }),
            missing + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace soma::data
