// idx_bytes and ink_images: the test images drawn with a linear congruential generator, so
// that every platform writes the same files.
#include "idx_files.hpp"

namespace soma::testing {

std::string idx_bytes(const std::vector<uint32_t>& extents, const std::vector<uint8_t>& values) {
  std::string bytes = {0, 0, 8, static_cast<char>(extents.size())};
  for (const uint32_t extent : extents) {
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes += static_cast<char>((extent >> shift) & 0xFF);
  }
  bytes.append(values.begin(), values.end());
  return bytes;
}

InkImages ink_images(int count, uint32_t seed) {
  InkImages images;
  uint32_t state = seed;
  const auto next = [&state] { return state = state * 1103515245u + 12345u, (state >> 16) & 0xFF; };
  for (int i = 0; i < count; ++i) {
    const int label = i % 2;
    images.labels.push_back(static_cast<uint8_t>(label));
    for (int p = 0; p < 16; ++p) {
      const bool ink = (p % 4) / 2 == label;
      images.pixels.push_back(static_cast<uint8_t>(ink ? 200 + next() % 56 : next() % 41));
    }
  }
  return images;
}

}  // namespace soma::testing
