// IDX files written by the CLI tests: the bytes of an IDX file, and small sets of 4x4
// images two classes apart, for the image commands' end-to-end tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soma::testing {

// An IDX file of unsigned bytes: magic 0x000008DD, the extents big-endian, the values.
std::string idx_bytes(const std::vector<uint32_t>& extents, const std::vector<uint8_t>& values);

// `count` images of 4x4 pixels (row-major, count x 16 bytes) and their labels: image i is
// of class i % 2, with ink (200-255) in column pair 0 or 1 and faint noise (0-40) elsewhere,
// so that a small network separates them; `seed` draws the pixel values.
struct InkImages {
  std::vector<uint8_t> pixels;
  std::vector<uint8_t> labels;
};
InkImages ink_images(int count, uint32_t seed);

}  // namespace soma::testing
