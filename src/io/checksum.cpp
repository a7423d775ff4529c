// CRC-32, table-driven: one table lookup per byte, with the table computed at compile time.
#include "soma/io/checksum.hpp"

#include <array>

namespace soma::io {

namespace {

// 0x04C11DB7 with its bits reversed: the reflected form processes the least significant bit
// of each byte first, which is what zlib and the check value 0xCBF43926 assume.
constexpr uint32_t reflected_polynomial = 0xEDB88320u;

// table[b] is the CRC register's update for the byte value b: eight single-bit steps at once.
constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ reflected_polynomial : crc >> 1;
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> table = make_table();

}  // namespace

uint32_t crc32(std::span<const std::byte> bytes, uint32_t previous) {
  // The register starts at all ones and the result is inverted, so leading zero bytes change
  // the CRC; undoing the final inversion of `previous` resumes an earlier computation.
  uint32_t crc = ~previous;
  for (const std::byte byte : bytes) {
    crc = table[(crc ^ std::to_integer<uint32_t>(byte)) & 0xFFu] ^ (crc >> 8);
  }
  return ~crc;
}

}  // namespace soma::io
