// chunked_vector.h — an append-only array in blocks, for snapshots of parsed
// rows. A snapshot of 100,000 rows grows without the copies of a doubling
// std::vector, rows never move (a row index or reference stays valid while
// other cursors append), and nothing is zero-filled ahead of use.
//
// Why the two block sizes: a /proc scan's own work is small next to the
// cost of first-touching fresh memory — one page fault per 4 KiB, and page
// faults are dear in a VM (perf: ~80% of the parser's samples sat on the
// first store into a new row). The first block is small and comes from
// malloc, so a small table costs little; later blocks are 2 MiB, aligned
// and marked MADV_HUGEPAGE, so where transparent huge pages are enabled
// (`always` or `madvise`) one fault maps 2 MiB instead of 512 faults.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace proctab {

inline constexpr size_t kHugePageBytes = 2 * 1024 * 1024;

// `bytes` (any size) of zeroed anonymous memory, 2 MiB-aligned and marked
// MADV_HUGEPAGE. Throws std::bad_alloc.
inline void* map_huge(size_t bytes) {
  // Map one huge page more and trim to an aligned window: only an aligned
  // range can be backed by a huge page.
  void* raw = ::mmap(nullptr, bytes + kHugePageBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePageBytes - 1) & ~(uintptr_t{kHugePageBytes} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  uintptr_t end = aligned + bytes, raw_end = start + bytes + kHugePageBytes;
  if (raw_end > end) ::munmap(reinterpret_cast<void*>(end), raw_end - end);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint: may be ignored
#endif
  return reinterpret_cast<void*>(aligned);
}

inline void unmap_huge(void* p, size_t bytes) {
  ::munmap(p, bytes);
}

template <typename T>
class ChunkedVector {
  static constexpr size_t kFirst = (64 * 1024) / sizeof(T) > 0 ? (64 * 1024) / sizeof(T) : 1;
  static constexpr size_t kBlock = kHugePageBytes / sizeof(T) > 0 ? kHugePageBytes / sizeof(T) : 1;

 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ~ChunkedVector() {
    clear();
    if (first_) std::free(first_);
    for (T* block : blocks_) unmap_huge(block, kBlock * sizeof(T));
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // A new element at the end, default-initialised (member initialisers run).
  T& emplace_back() {
    if (size_ < kFirst) {
      if (!first_) first_ = allocate_first();
      return *new (first_ + size_++) T;
    }
    size_t i = size_ - kFirst;
    if (i == blocks_.size() * kBlock) {
      blocks_.reserve(blocks_.size() + 1);
      blocks_.push_back(allocate_huge());
    }
    ++size_;
    return *new (blocks_[i / kBlock] + i % kBlock) T;
  }
  void pop_back() {
    --size_;
    if constexpr (!std::is_trivially_destructible_v<T>) (*this)[size_].~T();
  }
  void clear() {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      while (size_ > 0) pop_back();
    }
    size_ = 0;
  }

  T& operator[](size_t i) {
    return i < kFirst ? first_[i] : blocks_[(i - kFirst) / kBlock][(i - kFirst) % kBlock];
  }
  const T& operator[](size_t i) const {
    return i < kFirst ? first_[i] : blocks_[(i - kFirst) / kBlock][(i - kFirst) % kBlock];
  }

 private:
  static T* allocate_first() {
    void* p =
        std::aligned_alloc(alignof(T) < 16 ? 16 : alignof(T), (kFirst * sizeof(T) + 15) / 16 * 16);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }

  static T* allocate_huge() { return static_cast<T*>(map_huge(kBlock * sizeof(T))); }

  T* first_ = nullptr;
  std::vector<T*> blocks_;
  size_t size_ = 0;
};

// Stable storage for many short strings (fd link targets): a string, once
// stored, never moves. Same block policy as ChunkedVector.
class TextArena {
 public:
  TextArena() = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;
  ~TextArena() { clear(); }

  std::string_view store(std::string_view text) {
    if (text.size() > left_) grow(text.size());
    char* at = next_;
    if (!text.empty()) std::memcpy(at, text.data(), text.size());
    next_ += text.size();
    left_ -= text.size();
    return std::string_view(at, text.size());
  }

  void clear() {
    for (auto& [block, bytes] : blocks_) {
      if (bytes == kFirstBytes) {
        std::free(block);
      } else {
        unmap_huge(block, bytes);
      }
    }
    blocks_.clear();
    next_ = nullptr;
    left_ = 0;
  }

 private:
  static constexpr size_t kFirstBytes = 16 * 1024;

  void grow(size_t need) {
    blocks_.reserve(blocks_.size() + 1);  // first: nothing can throw once a block is ours
    size_t bytes = kFirstBytes;
    char* block;
    if (blocks_.empty() && need <= kFirstBytes) {
      block = static_cast<char*>(std::malloc(bytes));
      if (!block) throw std::bad_alloc();
    } else {
      bytes = (need + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
      if (bytes == kFirstBytes) bytes += kHugePageBytes;  // never mistaken for the first
      block = static_cast<char*>(map_huge(bytes));
    }
    blocks_.emplace_back(block, bytes);
    next_ = block;
    left_ = bytes;
  }

  std::vector<std::pair<char*, size_t>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace proctab
