// chunked_vector.h — an append-only array in fixed blocks, for snapshots of
// parsed rows. A snapshot of 100,000 rows grows without the copies of a
// doubling std::vector, row indices stay stable, and blocks stay under
// glibc's mmap threshold (128 KiB) so they come from the heap instead of an
// mmap/munmap pair each: page faults and syscalls are what a /proc scan in a
// VM pays for. No block is zero-filled ahead of use.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace proctab {

template <typename T>
class ChunkedVector {
  static_assert(std::is_trivially_destructible_v<T>, "rows are dropped without destructors");
  static constexpr size_t kBlockBytes = 96 * 1024;
  static constexpr size_t kBlock = kBlockBytes / sizeof(T) > 0 ? kBlockBytes / sizeof(T) : 1;

 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ~ChunkedVector() {
    for (T* block : blocks_) ::operator delete(block, std::align_val_t(alignof(T)));
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // A new element at the end, default-initialised (member initialisers run).
  T& emplace_back() {
    if (size_ == blocks_.size() * kBlock) {
      blocks_.reserve(blocks_.size() + 1);
      blocks_.push_back(
          static_cast<T*>(::operator new(kBlock * sizeof(T), std::align_val_t(alignof(T)))));
    }
    T* slot = blocks_[size_ / kBlock] + size_ % kBlock;
    ++size_;
    return *new (slot) T;
  }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }

  T& operator[](size_t i) { return blocks_[i / kBlock][i % kBlock]; }
  const T& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }

 private:
  std::vector<T*> blocks_;
  size_t size_ = 0;
};

}  // namespace proctab
