// chunked_vector.h — an append-only array in fixed blocks. A snapshot of
// 100,000 rows grows without the copies and fresh page faults of a
// doubling std::vector (page faults dominate the cost of a /proc scan in a
// VM), and row indices stay stable.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace proctab {

template <typename T, size_t kBlock = 1024>
class ChunkedVector {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // A default-initialised new element at the end.
  T& emplace_back() {
    if (size_ == blocks_.size() * kBlock) blocks_.push_back(std::make_unique<T[]>(kBlock));
    T& slot = blocks_[size_ / kBlock][size_ % kBlock];
    ++size_;
    slot = T{};
    return slot;
  }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }

  T& operator[](size_t i) { return blocks_[i / kBlock][i % kBlock]; }
  const T& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  size_t size_ = 0;
};

}  // namespace proctab
