// Storage: an aligned float buffer.
#include "soma/tensor/storage.hpp"

#include <cstdlib>
#include <new>

#include "soma/core/error.hpp"

namespace soma {

namespace {
constexpr size_t alignment = 64;
}

Storage::Storage(int64_t size) : size_(size) {
  if (size < 0) throw Error("storage: negative size " + std::to_string(size));
  // aligned_alloc wants a size that is a multiple of the alignment; round up, and keep
  // zero-sized tensors valid by allocating one line.
  const size_t bytes = static_cast<size_t>(size) * sizeof(float);
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  data_ = static_cast<float*>(std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded));
  if (data_ == nullptr) throw std::bad_alloc();
}

Storage::~Storage() {
  std::free(data_);
}

}  // namespace soma
