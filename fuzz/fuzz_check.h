// fuzz_check.h — the one assertion the fuzz targets use: abort() (which
// libFuzzer reports as a crash, with the input) when an invariant fails.
// Unlike assert() it stays on in release builds and in the g++ replay driver.
#pragma once

#include <cstdlib>

inline void require(bool ok) {
  if (!ok) std::abort();
}
