// The memory behind a tensor: one 64-byte aligned float buffer (a cache line, and the
// width of an AVX-512 register), shared by tensors that view the same data (reshape,
// detach). Contents start uninitialised; factories fill them.
#pragma once

#include <cstdint>

namespace soma {

class Storage {
 public:
  explicit Storage(int64_t size);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  float* data() const { return data_; }
  int64_t size() const { return size_; }

 private:
  float* data_ = nullptr;
  int64_t size_ = 0;
};

}  // namespace soma
