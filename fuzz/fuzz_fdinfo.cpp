// fuzz_fdinfo — parse_fdinfo on arbitrary /proc/PID/fdinfo/N text, and
// fd_access_mode on whatever flags it yields. Checks that a field is only
// ever set from a line carrying its key.
#include <cstdlib>
#include <string_view>

#include "parse/fd.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  FdInfo info = parse_fdinfo(text);
  if (info.flags) (void)fd_access_mode(*info.flags);
  if ((info.pos && text.find("pos:") == text.npos) ||
      (info.flags && text.find("flags:") == text.npos) ||
      (info.mnt_id && text.find("mnt_id:") == text.npos) ||
      (info.ino && text.find("ino:") == text.npos)) {
    abort();
  }
  return 0;
}
