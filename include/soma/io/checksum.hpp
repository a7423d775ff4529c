// CRC-32 with the IEEE 802.3 polynomial (the one zlib, gzip and PNG use): how model files
// detect that their bytes were damaged on disk or in transfer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace soma::io {

// The CRC-32 of `bytes`, continuing from `previous`, the CRC of the bytes before them, so
// that crc32(b, crc32(a)) == crc32(a followed by b). crc32("123456789") is 0xCBF43926, and
// the CRC of no bytes is 0, as in zlib's crc32().
uint32_t crc32(std::span<const std::byte> bytes, uint32_t previous = 0);

}  // namespace soma::io
