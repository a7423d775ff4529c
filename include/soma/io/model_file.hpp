// The soma model file: a versioned, checksummed binary file of metadata strings and named
// float32 tensors. The byte layout and what the loader checks are in docs/MODEL_FORMAT.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soma/tensor/tensor.hpp"

namespace soma::io {

// What a model file holds. Both lists keep their order through a save and a load; keys and
// names must be unique within their list.
struct ModelFile {
  std::vector<std::pair<std::string, std::string>> metadata;  // key -> text
  std::vector<std::pair<std::string, Tensor>> tensors;        // name -> tensor

  // The entry with this key or name, or nullptr when there is none.
  const std::string* find_metadata(std::string_view key) const;
  const Tensor* find_tensor(std::string_view name) const;
};

// The layout version this soma writes, and the newest one it reads. Bumped on any change to
// the layout; readers reject newer versions.
constexpr uint32_t model_file_version = 1;

// Writes `contents` to `path` through a temporary file and a rename, so a failed or
// interrupted save leaves any previous file whole. Throws soma::Error on duplicate keys or
// names, undefined tensors, and when the file cannot be written.
void save_model_file(const std::string& path, const ModelFile& contents);

// Reads and checks a file written by save_model_file. Any problem (a missing or unreadable
// file, a wrong magic number or version, a checksum mismatch, a malformed layout) throws
// soma::Error with a message starting "PATH: ".
ModelFile load_model_file(const std::string& path);

// The in-memory forms behind save and load: the complete file contents as bytes.
std::string encode_model_file(const ModelFile& contents);
// `name_for_errors` begins every error message, normally the file's path.
ModelFile decode_model_file(std::string_view bytes, const std::string& name_for_errors);

}  // namespace soma::io
