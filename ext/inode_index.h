// inode_index.h — a hash multimap from inode to row numbers, built once per
// snapshot so that `inode = X` on the inner side of a join is O(1) and a
// join of N sockets with M descriptors costs O(N + M) whichever side SQLite
// puts outside. Open addressing over row numbers: no allocation per row.
#pragma once

#include <cstdint>
#include <vector>

namespace proctab {

// Spreads inode numbers (dense, sequential) over a power-of-two table.
inline uint64_t mix_inode(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}

class InodeIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  bool built() const { return built_; }

  // key(i) is the inode of row i; rows where include(i) is false are left out.
  template <typename KeyOf, typename Include>
  void build(uint32_t rows, KeyOf key, Include include) {
    size_t capacity = 16;
    while (capacity < static_cast<size_t>(rows) * 2) capacity <<= 1;
    mask_ = capacity - 1;
    heads_.assign(capacity, kNone);
    next_.assign(rows, kNone);
    for (uint32_t i = 0; i < rows; ++i) {
      if (!include(i)) continue;
      uint64_t k = key(i);
      for (size_t slot = mix_inode(k) & mask_;; slot = (slot + 1) & mask_) {
        uint32_t head = heads_[slot];
        if (head == kNone) {
          heads_[slot] = i;
          break;
        }
        if (key(head) == k) {
          next_[i] = next_[head];
          next_[head] = i;
          break;
        }
      }
    }
    built_ = true;
  }

  // First row with this inode, or kNone; next(row) walks the others.
  template <typename KeyOf>
  uint32_t first(uint64_t k, KeyOf key) const {
    if (!built_) return kNone;
    for (size_t slot = mix_inode(k) & mask_;; slot = (slot + 1) & mask_) {
      uint32_t head = heads_[slot];
      if (head == kNone) return kNone;
      if (key(head) == k) return head;
    }
  }
  uint32_t next(uint32_t row) const { return next_[row]; }

 private:
  bool built_ = false;
  size_t mask_ = 0;
  std::vector<uint32_t> heads_;
  std::vector<uint32_t> next_;
};

// A set of non-zero inodes (open addressing, 0 marks an empty slot).
class InodeSet {
 public:
  void reset(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
  }
  // False if `inode` (non-zero) was already in the set.
  bool insert(uint64_t inode) {
    for (size_t slot = mix_inode(inode) & mask_;; slot = (slot + 1) & mask_) {
      if (slots_[slot] == inode) return false;
      if (slots_[slot] == 0) {
        slots_[slot] = inode;
        return true;
      }
    }
  }

 private:
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
};

}  // namespace proctab
