// system.h — constants the kernel fixes for this machine, asked once:
// USER_HZ (the unit of /proc's clock ticks) and the page size. Not I/O: libc
// reads them from the auxiliary vector.
#pragma once

#include <unistd.h>

#include <cstdint>

namespace proctab {

inline long clock_ticks_per_second() {
  static const long hz = [] {
    long v = sysconf(_SC_CLK_TCK);
    return v > 0 ? v : 100;
  }();
  return hz;
}

inline int64_t page_size() {
  static const int64_t size = [] {
    long v = sysconf(_SC_PAGESIZE);
    return v > 0 ? static_cast<int64_t>(v) : 4096;
  }();
  return size;
}

// USER_HZ ticks as milliseconds, saturating at INT64_MAX.
inline int64_t ticks_to_ms(uint64_t ticks) {
  const uint64_t hz = static_cast<uint64_t>(clock_ticks_per_second());
  if (ticks > static_cast<uint64_t>(INT64_MAX) / 1000) return INT64_MAX;
  return static_cast<int64_t>(ticks * 1000 / hz);
}

}  // namespace proctab
