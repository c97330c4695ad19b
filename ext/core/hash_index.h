// hash_index.h — hash indexes over a snapshot's rows, so that every
// pushed-down equality (`inode = ?` on a join's inner side, `local_port = ?
// AND remote_port = ?` in a self-join, `pid = ?` in a correlated subquery)
// is a lookup rather than a scan, and a join of N rows with M costs O(N + M)
// whichever side SQLite puts outside.
//
// HashIndex maps a 64-bit key (an integer column's value, or a hash of a
// text column's bytes) to the rows that have it, in row order. Rows are
// only ever appended to a snapshot, so an index is extended, never rebuilt:
// add(key, row) with rows in increasing order. Open addressing over keys
// (16-byte slots), one chain link per row: no allocation per row. A chain
// runs from a key's newest row back to its oldest, so that adding a row
// needs no tail pointer; rows_of() hands them out in row order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace proctab {

// Spreads keys (dense, sequential inodes and pids) over a power-of-two table.
inline uint64_t mix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}

// FNV-1a: text keys are short (state names, addresses, paths).
inline uint64_t hash_text(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

class HashIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Rows [0, indexed()) have been added (or skipped: NULL values).
  uint32_t indexed() const { return indexed_; }
  void skip(uint32_t row) { indexed_ = row + 1; }

  // Room for links up to `rows` rows (what a snapshot holds when its index
  // is first built): no reallocation while they are added.
  void reserve(size_t rows) { next_.reserve(rows); }

  void add(uint64_t key, uint32_t row) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    if (next_.size() <= row) next_.resize(row + 1, kNone);
    Slot& s = find_slot(key);
    if (s.head == kNone) {
      s.key = key;
      ++used_;
    }
    next_[row] = s.head;  // kNone for a new key
    s.head = row;
    ++s.count;
    indexed_ = row + 1;
  }

  // Appends the rows with `key` to `out`, in row order.
  void rows_of(uint64_t key, std::vector<uint32_t>& out) const {
    if (slots_.empty()) return;
    const size_t before = out.size();
    for (uint32_t r = find_slot(key).head; r != kNone; r = next_[r]) out.push_back(r);
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  }
  // How many rows have `key`.
  uint32_t count(uint64_t key) const {
    if (slots_.empty()) return 0;
    const Slot& s = find_slot(key);
    return s.head == kNone ? 0 : s.count;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t head = kNone;  // the newest row with key
    uint32_t count = 0;
  };

  Slot& find_slot(uint64_t key) {
    return const_cast<Slot&>(static_cast<const HashIndex*>(this)->find_slot(key));
  }
  const Slot& find_slot(uint64_t key) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.head == kNone || s.key == key) return s;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.head != kNone) find_slot(s.key) = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<uint32_t> next_;  // per row: the previous row with the same key
  size_t used_ = 0;
  uint32_t indexed_ = 0;
};

// The row of each key, where every row carries its own unique 64-bit key (a
// socket's cookie) and rows are appended: "is this socket loaded already,
// and where". A slot is a row number and 32 bits of the key's hash (8
// bytes, not the 40 of a node map): a probe compares the hash bits and
// reads a row's key only when they match, and growing re-places slots by
// their bits alone. (Reading the key back from the row at every probe and
// every growth was a cache miss each: 9 % of a 50,000-socket scan.)
class RowKeyIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  template <typename KeyOf>
  uint32_t find(uint64_t key, const KeyOf& key_of) const {
    if (slots_.empty()) return kNone;
    const uint32_t hash = static_cast<uint32_t>(mix64(key));
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.row == kNone) return kNone;
      if (s.hash == hash && key_of(s.row) == key) return s.row;
    }
  }
  // The row with `key` if there is one; else records that row `row` (the
  // next one the caller appends) has it and returns kNone.
  template <typename KeyOf>
  uint32_t find_or_insert(uint64_t key, uint32_t row, const KeyOf& key_of) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    const uint32_t hash = static_cast<uint32_t>(mix64(key));
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.row == kNone) {
        s = Slot{row, hash};
        ++used_;
        return kNone;
      }
      if (s.hash == hash && key_of(s.row) == key) return s.row;
    }
  }
  // Forgets the rows from `first` on (taken back by a failed read). Rare:
  // rebuilds from the slots kept.
  void truncate(uint32_t first) {
    std::vector<Slot> kept;
    for (const Slot& s : slots_) {
      if (s.row != kNone && s.row < first) kept.push_back(s);
    }
    std::fill(slots_.begin(), slots_.end(), Slot{});
    used_ = kept.size();
    for (const Slot& s : kept) place(s);
  }

 private:
  struct Slot {
    uint32_t row = kNone;
    uint32_t hash = 0;  // the low 32 bits of mix64(key): its home slot
  };
  void place(Slot slot) {
    const size_t mask = slots_.size() - 1;
    size_t i = slot.hash & mask;
    while (slots_[i].row != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }
  // Doubles the slots (at most 2^32: the hash bits kept).
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.row != kNone) place(s);
    }
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;
};

// A set of non-zero 64-bit keys (open addressing, 0 marks an empty slot):
// the socket tables' "have I seen this inode in this read" test.
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
    for (size_t slot = mix64(inode) & mask_;; slot = (slot + 1) & mask_) {
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
