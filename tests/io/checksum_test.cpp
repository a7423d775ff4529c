// Tests crc32 against the standard check value, zlib's conventions, incremental use, and a
// bit-at-a-time reference implementation.
#include "soma/io/checksum.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace {

using soma::io::crc32;

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

// The textbook definition, one bit at a time, to check the table against.
uint32_t bitwise_crc32(std::span<const std::byte> bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const std::byte byte : bytes) {
    crc ^= std::to_integer<uint32_t>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? 0xEDB88320u : 0u);
  }
  return ~crc;
}

TEST(ChecksumTest, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32(bytes_of("123456789")), 0xCBF43926u);
}

TEST(ChecksumTest, EmptyInputIsZeroAndKeepsThePreviousValue) {
  EXPECT_EQ(crc32({}), 0u);
  EXPECT_EQ(crc32({}, 0xCBF43926u), 0xCBF43926u);
}

TEST(ChecksumTest, MatchesKnownValues) {
  // Values from zlib's crc32().
  EXPECT_EQ(crc32(bytes_of("a")), 0xE8B7BE43u);
  EXPECT_EQ(crc32(bytes_of("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
  const std::vector<std::byte> zeros(32, std::byte{0});
  EXPECT_EQ(crc32(zeros), 0x190A55ADu);
}

TEST(ChecksumTest, IsIncrementalAtEverySplitPoint) {
  const std::string_view text = "The quick brown fox jumps over the lazy dog";
  const uint32_t whole = crc32(bytes_of(text));
  for (size_t split = 0; split <= text.size(); ++split) {
    const uint32_t first = crc32(bytes_of(text.substr(0, split)));
    EXPECT_EQ(crc32(bytes_of(text.substr(split)), first), whole) << "split at " << split;
  }
}

TEST(ChecksumTest, AgreesWithTheBitwiseDefinitionOnEveryByteValue) {
  std::vector<std::byte> bytes;
  for (int value = 0; value < 256; ++value) {
    bytes.push_back(static_cast<std::byte>(value));
    EXPECT_EQ(crc32(bytes), bitwise_crc32(bytes)) << "after byte " << value;
  }
}

TEST(ChecksumTest, DetectsEverySingleBitFlip) {
  std::vector<std::byte> bytes(64, std::byte{0x5A});
  const uint32_t original = crc32(bytes);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      bytes[i] ^= static_cast<std::byte>(1 << bit);
      EXPECT_NE(crc32(bytes), original) << "byte " << i << " bit " << bit;
      bytes[i] ^= static_cast<std::byte>(1 << bit);
    }
  }
}

}  // namespace
