// The IDX files of MNIST and its relatives: a big-endian header (magic 0x0000TTDD: element
// type TT, DD dimensions, then DD u32 extents) followed by the elements, big-endian.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "soma/data/dataset.hpp"

namespace soma::data {

// The element types: 0x08 unsigned byte, 0x09 signed byte, 0x0B short (16 bits), 0x0C int
// (32 bits), 0x0D float, 0x0E double; each is returned as a float (ints and doubles round).
// The tensor has the file's shape (1 to 8 dimensions). Throws soma::Error starting with
// the path for a file that cannot be read, a gzip-compressed file (soma does not
// decompress: gunzip it first), a bad magic number or element type, and a data size that
// disagrees with the header; extents are checked against the file size before anything is
// allocated.
Tensor load_idx(const std::string& path);
// The same from the bytes of a file; `name_for_errors` starts every message.
Tensor parse_idx(std::string_view bytes, const std::string& name_for_errors);

// Images (n x rows x cols, or any n x ...) and labels (n) as a classification dataset:
// features (n x rows*cols) multiplied by `scale` (1/255 maps bytes to [0, 1]), targets the
// labels, which must be non-negative integers. classes = max(max label + 1,
// minimum_classes): MNIST-style files have 10 classes even when a subset lacks a digit, so
// that a 10-output model fits every subset. Feature names are "px{row}_{col}" for 2-d
// images (as in digits.csv), "px{index}" otherwise.
Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         float scale = 1.0f / 255, int64_t minimum_classes = 10);

// Images of height x width pixels, one row of height*width features (row-major) per image.
struct IdxImages {
  Tensor pixels;  // (n x height*width)
  int64_t height = 0;
  int64_t width = 0;
};
// A file of n x H x W images: unsigned bytes are divided by 255 (so pixels lie in [0, 1]),
// every other element type is kept as it is. Throws soma::Error starting with the path for
// what load_idx refuses, for a file that is not n x H x W ("not images: shape (5x64); IDX
// images are count x rows x columns") and for one without images.
IdxImages load_idx_images(const std::string& path);
// load_idx_images(images_path) with the labels of `labels_path`, as load_idx_dataset.
struct IdxImageDataset {
  Dataset dataset;
  int64_t height = 0;
  int64_t width = 0;
};
IdxImageDataset load_idx_image_dataset(const std::string& images_path,
                                       const std::string& labels_path,
                                       int64_t minimum_classes = 10);

}  // namespace soma::data
