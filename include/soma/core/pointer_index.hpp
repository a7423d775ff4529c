// PointerIndex: address -> index by open addressing, for the backward engine's visited set
// and positions. std::unordered_map allocates a node per entry; this allocates one array,
// again only when it grows (a training step's graph fits the first one).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace soma {

class PointerIndex {
 public:
  static constexpr int64_t absent = -1;

  // Room for `expected` keys before the first growth.
  explicit PointerIndex(size_t expected = 0) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    rehash(capacity);
  }

  // The index stored for `key`, or `absent`.
  int64_t find(const void* key) const {
    for (size_t slot = start(key);; slot = (slot + 1) & mask_) {
      if (slots_[slot].first == key) return slots_[slot].second;
      if (slots_[slot].first == nullptr) return absent;
    }
  }

  // Stores `value` for `key` unless the key is there already; returns false if it was.
  bool insert(const void* key, int64_t value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);  // at most half full
    size_t slot = start(key);
    for (; slots_[slot].first != nullptr; slot = (slot + 1) & mask_) {
      if (slots_[slot].first == key) return false;
    }
    slots_[slot] = {key, value};
    ++size_;
    return true;
  }

  // Replaces the value of a `key` already inserted.
  void assign(const void* key, int64_t value) {
    size_t slot = start(key);
    while (slots_[slot].first != key) slot = (slot + 1) & mask_;
    slots_[slot].second = value;
  }

 private:
  size_t start(const void* key) const {
    // Fibonacci hashing of the address: its low bits are alignment, not information.
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(key) * 0x9E3779B97F4A7C15ull) >>
                               (64 - shift_));
  }
  void rehash(size_t capacity) {
    std::vector<std::pair<const void*, int64_t>> old = std::move(slots_);
    slots_.assign(capacity, {nullptr, absent});
    mask_ = capacity - 1;
    shift_ = static_cast<unsigned>(std::countr_zero(capacity));
    size_ = 0;
    for (const auto& [key, value] : old) {
      if (key != nullptr) insert(key, value);
    }
  }

  std::vector<std::pair<const void*, int64_t>> slots_;  // (key, value); null key: empty
  size_t mask_ = 0;
  unsigned shift_ = 0;
  size_t size_ = 0;
};

}  // namespace soma
