// Encoding and decoding of soma model files (layout in docs/MODEL_FORMAT.md). The decoder
// treats its input as hostile: every count and length is checked against the bytes that
// remain before anything is allocated for it.
#include "soma/io/model_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <span>

#include "soma/core/atomic_file.hpp"
#include "soma/core/error.hpp"
#include "soma/core/read_file.hpp"
#include "soma/io/checksum.hpp"

namespace soma::io {

namespace {

constexpr std::string_view magic = "SOMAMODL";
constexpr size_t version_offset = magic.size();
constexpr size_t entries_offset = version_offset + 4;  // where the metadata count starts
constexpr size_t checksum_size = 4;
// Magic, version, two zero counts and the checksum: a file with no metadata and no tensors.
constexpr size_t minimum_file_size = entries_offset + 4 + 4 + checksum_size;
// The fewest bytes a metadata entry (two lengths) or a tensor (name length and rank) takes.
constexpr size_t minimum_entry_size = 8;

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw Error(name + ": " + problem);
}

std::string hex(uint32_t value) {
  std::array<char, 11> text{};
  std::snprintf(text.data(), text.size(), "0x%08X", static_cast<unsigned>(value));
  return text.data();
}

uint32_t checksum_of(std::string_view bytes) {
  return crc32(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

// Little-endian, assembled with shifts so that the host's byte order never matters.
uint32_t u32_at(std::string_view bytes, size_t offset) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

uint64_t u64_at(std::string_view bytes, size_t offset) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// Encoding

void put_u32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFFu));
  }
}

void put_u64(std::string& out, uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFFu));
  }
}

// A u32 length and the bytes; encode() has checked that the length fits.
void put_text(std::string& out, std::string_view text) {
  put_u32(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

// Throws unless `contents` can be written as a valid file. `context` starts every message:
// "encode_model_file" or "PATH: cannot save". Returns the number of bytes of tensor values.
size_t check_encodable(const ModelFile& contents, const std::string& context) {
  constexpr size_t u32_max = std::numeric_limits<uint32_t>::max();
  if (contents.metadata.size() > u32_max || contents.tensors.size() > u32_max) {
    throw Error(context + ": more than 2^32 - 1 metadata entries or tensors");
  }
  std::set<std::string_view> seen;
  for (const auto& [key, value] : contents.metadata) {
    if (!seen.insert(key).second)
      throw Error(context + ": duplicate metadata key " + quoted_for_message(key));
    if (key.size() > u32_max || value.size() > u32_max) {
      throw Error(context + ": metadata entry " + quoted_for_message(key.substr(0, 40)) +
                  " is longer than 4 GiB");
    }
  }
  seen.clear();
  size_t value_bytes = 0;
  for (const auto& [name, tensor] : contents.tensors) {
    if (!seen.insert(name).second)
      throw Error(context + ": duplicate tensor name " + quoted_for_message(name));
    if (name.size() > u32_max) throw Error(context + ": a tensor name is longer than 4 GiB");
    if (!tensor.defined())
      throw Error(context + ": tensor " + quoted_for_message(name) + " is undefined");
    value_bytes += static_cast<size_t>(tensor.numel()) * 4;
  }
  return value_bytes;
}

std::string encode(const ModelFile& contents, const std::string& context) {
  const size_t value_bytes = check_encodable(contents, context);
  std::string out;
  out.reserve(minimum_file_size + value_bytes);  // the bulk of a model is its values
  out.append(magic);
  put_u32(out, model_file_version);
  put_u32(out, static_cast<uint32_t>(contents.metadata.size()));
  for (const auto& [key, value] : contents.metadata) {
    put_text(out, key);
    put_text(out, value);
  }
  put_u32(out, static_cast<uint32_t>(contents.tensors.size()));
  for (const auto& [name, tensor] : contents.tensors) {
    put_text(out, name);
    put_u32(out, static_cast<uint32_t>(tensor.rank()));
    for (const int64_t extent : tensor.shape()) put_u64(out, static_cast<uint64_t>(extent));
    const float* values = tensor.data();
    for (int64_t i = 0; i < tensor.numel(); ++i) {
      // memcpy, not a float load: the bits travel unchanged, signalling NaNs included.
      uint32_t bits = 0;
      std::memcpy(&bits, values + i, sizeof bits);
      put_u32(out, bits);
    }
  }
  put_u32(out, checksum_of(out));
  return out;
}

// ---------------------------------------------------------------------------------------
// Decoding

// Reads little-endian fields from bytes [position, end). Running out of bytes throws
// "truncated: ..." naming what was being read; nothing is read or allocated past `end`.
class Reader {
 public:
  // `end_description` names where the readable bytes stop: "the file", or "the data before
  // the checksum" once the checksum has been set aside.
  Reader(std::string_view bytes, size_t position, const std::string& name,
         const char* end_description)
      : bytes_(bytes), position_(position), name_(name), end_description_(end_description) {}

  size_t position() const { return position_; }
  size_t remaining() const { return bytes_.size() - position_; }
  const std::string& name() const { return name_; }

  uint32_t u32(const std::string& what) {
    require(4, what);
    const uint32_t value = u32_at(bytes_, position_);
    position_ += 4;
    return value;
  }

  uint64_t u64(const std::string& what) {
    require(8, what);
    const uint64_t value = u64_at(bytes_, position_);
    position_ += 8;
    return value;
  }

  // A u32 length followed by that many bytes.
  std::string text(const std::string& what) {
    const uint32_t length = u32(what);
    if (length > remaining()) truncated(what + " (" + std::to_string(length) + " bytes)");
    std::string result(bytes_.substr(position_, length));
    position_ += length;
    return result;
  }

  void floats(float* destination, size_t count, const std::string& what) {
    require(count * 4, what);  // callers have checked that count * 4 cannot overflow
    for (size_t i = 0; i < count; ++i) {
      const uint32_t bits = u32_at(bytes_, position_ + 4 * i);
      std::memcpy(destination + i, &bits, sizeof bits);
    }
    position_ += count * 4;
  }

  [[noreturn]] void truncated(const std::string& what) const {
    fail(name_, "truncated: " + std::string(end_description_) + " ends at byte " +
                    std::to_string(bytes_.size()) + " while reading " + what);
  }

 private:
  void require(size_t count, const std::string& what) const {
    if (count > remaining()) truncated(what);
  }

  std::string_view bytes_;
  size_t position_;
  const std::string& name_;
  const char* end_description_;
};

// A count of entries that each take at least minimum_entry_size bytes cannot exceed what
// remains; checking it first gives a clear message for an absurd count.
uint32_t read_count(Reader& reader, const char* entries) {
  const std::string what = std::string("the number of ") + entries;
  const uint32_t count = reader.u32(what);
  if (count > reader.remaining() / minimum_entry_size) {
    reader.truncated(what + ": " + std::to_string(count) + " " + entries + " cannot fit in the " +
                     std::to_string(reader.remaining()) + " bytes that remain");
  }
  return count;
}

Tensor read_tensor(Reader& reader, const std::string& name) {
  const std::string what = "tensor " + quoted_for_message(name);
  const uint32_t rank = reader.u32("the rank of " + what);
  if (rank > static_cast<uint32_t>(Shape::max_rank)) {
    fail(reader.name(), what + " has rank " + std::to_string(rank) + ", but at most " +
                            std::to_string(Shape::max_rank) + " dimensions are supported");
  }
  std::array<int64_t, Shape::max_rank> extents{};
  // The product of the non-zero extents must fit in int64 even when another extent is 0:
  // strides and partial products of the shape are computed from them.
  uint64_t nonzero_product = 1;
  bool has_zero = false;
  constexpr auto int64_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (uint32_t dim = 0; dim < rank; ++dim) {
    const uint64_t extent = reader.u64("the extents of " + what);
    if (extent == 0) {
      has_zero = true;
    } else if (extent > int64_max / nonzero_product) {
      fail(reader.name(), what + " has extent " + std::to_string(extent) + " in dimension " +
                              std::to_string(dim) + ", which makes its shape too large");
    } else {
      nonzero_product *= extent;
    }
    extents[dim] = static_cast<int64_t>(extent);
  }
  const Shape shape(std::span<const int64_t>(extents.data(), rank));
  const uint64_t numel = has_zero ? 0 : nonzero_product;
  if (numel > reader.remaining() / 4) {
    reader.truncated("the values of " + what + ": shape " + shape.to_string() + " needs " +
                     std::to_string(numel) + " x 4 bytes, only " +
                     std::to_string(reader.remaining()) + " remain");
  }
  Tensor tensor = Tensor::empty(shape);
  reader.floats(tensor.data(), static_cast<size_t>(numel), "the values of " + what);
  return tensor;
}

// Everything between the version and the checksum, read from `reader`'s position.
ModelFile read_entries(Reader& reader) {
  ModelFile result;
  std::set<std::string, std::less<>> seen;
  const uint32_t metadata_count = read_count(reader, "metadata entries");
  for (uint32_t i = 0; i < metadata_count; ++i) {
    std::string key = reader.text("the key of metadata entry " + std::to_string(i));
    if (!seen.insert(key).second)
      fail(reader.name(), "duplicate metadata key " + quoted_for_message(key));
    std::string value = reader.text("the value of metadata entry " + quoted_for_message(key));
    result.metadata.emplace_back(std::move(key), std::move(value));
  }
  seen.clear();
  const uint32_t tensor_count = read_count(reader, "tensors");
  for (uint32_t i = 0; i < tensor_count; ++i) {
    std::string name = reader.text("the name of tensor " + std::to_string(i));
    if (!seen.insert(name).second)
      fail(reader.name(), "duplicate tensor name " + quoted_for_message(name));
    Tensor tensor = read_tensor(reader, name);
    result.tensors.emplace_back(std::move(name), std::move(tensor));
  }
  return result;
}

// When the checksum at the end does not match, the file may be a good one with bytes
// appended: its entries parse, and a matching checksum follows them. Returns where that
// checksum ends, or nothing when the file is not such a file.
std::optional<size_t> end_of_valid_file(std::string_view bytes, const std::string& name) {
  try {
    Reader reader(bytes, entries_offset, name, "the file");
    read_entries(reader);
    const size_t checksum_offset = reader.position();
    if (reader.remaining() > checksum_size &&
        u32_at(bytes, checksum_offset) == checksum_of(bytes.substr(0, checksum_offset))) {
      return checksum_offset + checksum_size;
    }
  } catch (const Error&) {
    // Not a valid file followed by extra bytes: the caller reports the mismatch.
  }
  return std::nullopt;
}

}  // namespace

const std::string* ModelFile::find_metadata(std::string_view key) const {
  for (const auto& [entry_key, value] : metadata) {
    if (entry_key == key) return &value;
  }
  return nullptr;
}

const Tensor* ModelFile::find_tensor(std::string_view name) const {
  for (const auto& [entry_name, tensor] : tensors) {
    if (entry_name == name) return &tensor;
  }
  return nullptr;
}

std::string encode_model_file(const ModelFile& contents) {
  return encode(contents, "encode_model_file");
}

ModelFile decode_model_file(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) fail(name, "empty file (not a soma model file)");
  const size_t magic_bytes = std::min(bytes.size(), magic.size());
  if (bytes.substr(0, magic_bytes) != magic.substr(0, magic_bytes)) {
    fail(name, "not a soma model file (bad magic number)");
  }
  if (bytes.size() < magic.size()) Reader(bytes, 0, name, "the file").truncated("the magic number");
  Reader header(bytes, version_offset, name, "the file");
  const uint32_t version = header.u32("the format version");
  if (version == 0) fail(name, "format version 0 is invalid (versions start at 1)");
  if (version > model_file_version) {
    fail(name, "format version " + std::to_string(version) + " is newer than this soma supports (" +
                   std::to_string(model_file_version) + ")");
  }
  if (bytes.size() < minimum_file_size) {
    header.truncated("the entries: even an empty model file has " +
                     std::to_string(minimum_file_size) + " bytes");
  }

  // The checksum comes before parsing, so damage anywhere is reported as corruption rather
  // than as whatever a damaged length happens to look like.
  const size_t checksum_offset = bytes.size() - checksum_size;
  const uint32_t stored = u32_at(bytes, checksum_offset);
  const uint32_t computed = checksum_of(bytes.substr(0, checksum_offset));
  if (stored != computed) {
    if (const auto end = end_of_valid_file(bytes, name)) {
      fail(name, std::to_string(bytes.size() - *end) +
                     " unexpected bytes after the checksum (at byte " + std::to_string(*end) + ")");
    }
    fail(name, "corrupted: checksum mismatch (stored " + hex(stored) + ", computed " +
                   hex(computed) + "); the file is damaged or incomplete");
  }

  Reader reader(bytes.substr(0, checksum_offset), entries_offset, name,
                "the data before the checksum");
  ModelFile result = read_entries(reader);
  if (reader.remaining() != 0) {
    fail(name, std::to_string(reader.remaining()) +
                   " unexpected bytes between the last tensor and the checksum (at byte " +
                   std::to_string(reader.position()) + ")");
  }
  return result;
}

void save_model_file(const std::string& path, const ModelFile& contents) {
  // Encoding first means a rejected model never touches the file system.
  write_file_atomically(path, encode(contents, path + ": cannot save"));
}

ModelFile load_model_file(const std::string& path) {
  return decode_model_file(read_file(path), path);
}

}  // namespace soma::io
