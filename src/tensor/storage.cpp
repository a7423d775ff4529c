// Storage: an aligned float buffer from the buffer pool.
#include "soma/tensor/storage.hpp"

#include <new>

#include "soma/core/buffer_pool.hpp"
#include "soma/core/error.hpp"

namespace soma {

Storage::Storage(int64_t size) : size_(size) {
  if (size < 0) throw Error("storage: negative size " + std::to_string(size));
  // Beyond any machine's memory, and it would overflow the byte count below.
  if (size > (int64_t{1} << 60)) throw std::bad_alloc();
  // Zero-sized tensors get a block too (one cache line), so data() is never null.
  data_ = static_cast<float*>(buffer_pool::acquire(static_cast<size_t>(size) * sizeof(float)));
}

Storage::~Storage() {
  buffer_pool::release(data_, static_cast<size_t>(size_) * sizeof(float));
}

}  // namespace soma
