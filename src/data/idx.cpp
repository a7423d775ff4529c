// IDX reading: header checks against the file size first, then big-endian conversion.
#include "soma/data/idx.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "soma/core/error.hpp"
#include "soma/core/read_file.hpp"

namespace soma::data {

namespace {

struct ElementType {
  unsigned code;
  const char* name;
  size_t bytes;
};

constexpr std::array<ElementType, 6> element_types = {{{0x08, "unsigned byte", 1},
                                                       {0x09, "signed byte", 1},
                                                       {0x0B, "short", 2},
                                                       {0x0C, "int", 4},
                                                       {0x0D, "float", 4},
                                                       {0x0E, "double", 8}}};

std::string hex(unsigned value, int digits) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%0*X", digits, value);
  return buffer;
}

// Big-endian unsigned integer of `size` bytes at `at`.
uint64_t big_endian(const unsigned char* at, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value = (value << 8) | at[i];
  return value;
}

float element(const unsigned char* at, unsigned code) {
  switch (code) {
    case 0x08:
      return static_cast<float>(at[0]);
    case 0x09:
      return static_cast<float>(static_cast<int8_t>(at[0]));
    case 0x0B:
      return static_cast<float>(static_cast<int16_t>(big_endian(at, 2)));
    case 0x0C:
      return static_cast<float>(static_cast<int32_t>(big_endian(at, 4)));
    case 0x0D: {
      const auto bits = static_cast<uint32_t>(big_endian(at, 4));
      float value = 0.0f;
      std::memcpy(&value, &bits, sizeof value);
      return value;
    }
    default: {  // 0x0E; the type was checked before
      const uint64_t bits = big_endian(at, 8);
      double value = 0.0;
      std::memcpy(&value, &bits, sizeof value);
      return static_cast<float>(value);
    }
  }
}

std::string extents_text(const std::vector<int64_t>& extents) {
  std::string text = "(";
  for (size_t i = 0; i < extents.size(); ++i) {
    text += (i == 0 ? "" : "x") + std::to_string(extents[i]);
  }
  return text + ")";
}

// The element type of an IDX file, from its magic number 0x0000TTDD, after the checks that
// it is an uncompressed IDX file at all.
const ElementType& element_type_of(std::string_view bytes, const std::string& file) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() >= 2 && data[0] == 0x1F && data[1] == 0x8B) {
    throw Error(file + ": the file is gzip-compressed (it starts with 1f 8b); soma reads " +
                "uncompressed IDX files: decompress it first (gunzip)");
  }
  if (bytes.size() < 4) {
    throw Error(file + ": too short for an IDX header (" + std::to_string(bytes.size()) +
                " bytes)");
  }
  const auto magic = static_cast<unsigned>(big_endian(data, 4));
  if (data[0] != 0 || data[1] != 0) {
    throw Error(file + ": not an IDX file: the magic number is " + hex(magic, 8) +
                ", expected 0x0000TTDD (0x00000803 for images, 0x00000801 for labels)");
  }
  const unsigned code = data[2];
  for (const ElementType& candidate : element_types) {
    if (candidate.code == code) return candidate;
  }
  std::string supported;
  for (const ElementType& candidate : element_types) {
    supported += (supported.empty() ? "" : ", ") + hex(candidate.code, 2) + " " + candidate.name;
  }
  throw Error(file + ": unsupported IDX element type " + hex(code, 2) +
              " (supported: " + supported + ")");
}

struct Layout {
  size_t header_size = 0;
  std::vector<int64_t> extents;
  size_t count = 0;  // elements, the product of the extents
};

// The dimensions the header gives (element_type_of has seen the 4 bytes of the magic
// number), checked against the size of the file: the element count is compared with what
// the file holds while it is multiplied, so that absurd extents fail here instead of in an
// allocation (and cannot overflow).
Layout layout_of(std::string_view bytes, const ElementType& type, const std::string& file) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned dimensions = data[3];
  if (dimensions < 1 || dimensions > static_cast<unsigned>(Shape::max_rank)) {
    throw Error(file + ": the header gives " + std::to_string(dimensions) +
                " dimensions; soma reads 1 to " + std::to_string(Shape::max_rank));
  }
  Layout layout{.header_size = 4 + 4 * static_cast<size_t>(dimensions),
                .extents = std::vector<int64_t>(dimensions),
                .count = 1};
  if (bytes.size() < layout.header_size) {
    throw Error(file + ": truncated: the header of " + std::to_string(dimensions) +
                " dimensions needs " + std::to_string(layout.header_size) +
                " bytes, the file has " + std::to_string(bytes.size()));
  }
  const size_t data_size = bytes.size() - layout.header_size;
  const size_t capacity = data_size / type.bytes;
  bool fits = true;
  for (size_t d = 0; d < dimensions; ++d) {
    const uint64_t extent = big_endian(data + 4 + 4 * d, 4);
    layout.extents[d] = static_cast<int64_t>(extent);
    if (extent != 0 && layout.count > capacity / extent) fits = false;
    if (fits) layout.count *= static_cast<size_t>(extent);
  }
  const std::string promised = extents_text(layout.extents) + " " + type.name + "s";
  if (!fits || layout.count * type.bytes > data_size) {
    throw Error(file + ": truncated: the header promises " + promised + " (" +
                std::to_string(type.bytes) + (type.bytes == 1 ? " byte" : " bytes") +
                " each), more than the " + std::to_string(data_size) +
                " bytes after the header hold");
  }
  if (layout.count * type.bytes < data_size) {
    throw Error(file + ": " + std::to_string(data_size - layout.count * type.bytes) +
                " unexpected bytes after the " + promised + " the header promises");
  }
  return layout;
}

}  // namespace

Tensor parse_idx(std::string_view bytes, const std::string& name_for_errors) {
  const ElementType& type = element_type_of(bytes, name_for_errors);
  const Layout layout = layout_of(bytes, type, name_for_errors);
  Tensor result = Tensor::empty(Shape(std::span<const int64_t>(layout.extents)));
  float* out = result.data();
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data()) + layout.header_size;
  for (size_t i = 0; i < layout.count; ++i) out[i] = element(in + i * type.bytes, type.code);
  return result;
}

Tensor load_idx(const std::string& path) {
  return parse_idx(read_file(path), path);
}

namespace {

// `features` (one row per image) with the labels of `labels_path`, checked against the
// images' count and read as class indices.
Dataset labelled(Tensor features, const std::string& images_path, const std::string& labels_path,
                 int64_t minimum_classes) {
  const Tensor labels = load_idx(labels_path);
  if (labels.rank() != 1) {
    throw Error(labels_path + ": labels need 1 dimension (count), got shape " +
                labels.shape().to_string());
  }
  const int64_t samples = features.shape()[0];
  if (labels.shape()[0] != samples) {
    throw Error(images_path + " holds " + std::to_string(samples) + " images but " + labels_path +
                " holds " + std::to_string(labels.shape()[0]) + " labels");
  }
  if (samples == 0) throw Error(images_path + ": no images");

  const float* label = labels.data();
  float largest = 0.0f;
  constexpr float exact_integers = 16777216.0f;  // 2^24: floats hold every integer below
  for (int64_t i = 0; i < samples; ++i) {
    if (!(label[i] >= 0.0f && label[i] < exact_integers) || label[i] != std::floor(label[i])) {
      char value[32];
      std::snprintf(value, sizeof value, "%g", static_cast<double>(label[i]));
      throw Error(labels_path + ": label " + std::to_string(i) + " is " + value +
                  ", not a class index (a non-negative integer)");
    }
    largest = std::max(largest, label[i]);
  }
  Dataset dataset;
  dataset.features = std::move(features);
  dataset.targets = labels.clone();
  dataset.classes = std::max(static_cast<int64_t>(largest) + 1, minimum_classes);
  return dataset;
}

// (n x ...) -> (n x pixels), each value multiplied by `scale`.
Tensor flattened(const Tensor& images, float scale) {
  const int64_t samples = images.shape()[0];
  const int64_t pixels = samples == 0 ? 0 : images.numel() / samples;
  Tensor features = Tensor::empty(Shape{samples, pixels});
  const float* in = images.data();
  float* out = features.data();
  for (int64_t i = 0; i < samples * pixels; ++i) out[i] = in[i] * scale;
  return features;
}

// "px{row}_{col}" for 2-d images (as in digits.csv), "px{index}" otherwise.
std::vector<std::string> pixel_names(int64_t image_rank, int64_t pixels, int64_t columns) {
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(pixels));
  for (int64_t p = 0; p < pixels; ++p) {
    names.push_back(image_rank == 2
                        ? "px" + std::to_string(p / columns) + "_" + std::to_string(p % columns)
                        : "px" + std::to_string(p));
  }
  return names;
}

}  // namespace

Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         float scale, int64_t minimum_classes) {
  if (!std::isfinite(scale)) throw Error("load_idx_dataset: the scale must be finite");
  const Tensor images = load_idx(images_path);
  if (images.rank() < 2) {
    throw Error(images_path + ": images need at least 2 dimensions (count x ...), got shape " +
                images.shape().to_string());
  }
  Dataset dataset = labelled(flattened(images, scale), images_path, labels_path, minimum_classes);
  dataset.feature_names = pixel_names(images.rank() - 1, dataset.features.shape()[1],
                                      images.shape()[images.rank() - 1]);
  return dataset;
}

IdxImages load_idx_images(const std::string& path) {
  const std::string bytes = read_file(path);
  const Tensor images = parse_idx(bytes, path);
  if (images.rank() != 3) {
    throw Error(path + ": not images: shape " + images.shape().to_string() +
                "; IDX images are count x rows x columns");
  }
  if (images.shape()[0] == 0) throw Error(path + ": no images");
  constexpr unsigned char unsigned_byte = 0x08;  // the type byte of the magic 0x0000TTDD
  const float scale = static_cast<unsigned char>(bytes[2]) == unsigned_byte ? 1.0f / 255 : 1.0f;
  return {flattened(images, scale), images.shape()[1], images.shape()[2]};
}

IdxImageDataset load_idx_image_dataset(const std::string& images_path,
                                       const std::string& labels_path, int64_t minimum_classes) {
  IdxImages images = load_idx_images(images_path);
  IdxImageDataset result{labelled(images.pixels, images_path, labels_path, minimum_classes),
                         images.height, images.width};
  result.dataset.feature_names = pixel_names(2, images.height * images.width, images.width);
  return result;
}

}  // namespace soma::data
