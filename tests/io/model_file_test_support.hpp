// Shared by the model file's tests: bit patterns of floats compared exactly, a model with
// every kind of tensor and entry, and hand-made file contents.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soma/io/checksum.hpp"
#include "soma/io/model_file.hpp"
#include "soma/tensor/tensor.hpp"

namespace soma::testing {

using io::ModelFile;

inline std::vector<uint32_t> bits_of(const Tensor& tensor) {
  std::vector<uint32_t> bits(static_cast<size_t>(tensor.numel()));
  // Element by element with memcpy: no float register touches the bits, and an empty
  // tensor passes no null pointer to memcpy.
  for (size_t i = 0; i < bits.size(); ++i) std::memcpy(&bits[i], tensor.data() + i, 4);
  return bits;
}

inline Tensor from_bits(const Shape& shape, const std::vector<uint32_t>& bits) {
  Tensor tensor = Tensor::empty(shape);
  EXPECT_EQ(static_cast<size_t>(tensor.numel()), bits.size());
  for (size_t i = 0; i < bits.size(); ++i) std::memcpy(tensor.data() + i, &bits[i], 4);
  return tensor;
}

// Float bit patterns a careless encoder would change: signed zero, denormals, infinities,
// and NaNs with payloads (a signalling one included, which a float load may quieten).
inline const std::vector<uint32_t> special_bits = {
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
inline ModelFile example_model() {
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

inline void expect_same_model(const ModelFile& actual, const ModelFile& expected) {
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

}  // namespace soma::testing
