// fuzz_fd_target — classify_fd_target on arbitrary readlink() text (NUL
// bytes, non-UTF-8 and overlong targets included). Checks what proc_fd relies
// on: `path` is a prefix of the target inside its bounds, an inode only for
// sockets and pipes, " (deleted)" only on files.
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "parse/fd.h"

using namespace proctab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view target(reinterpret_cast<const char*>(data), size);
  FdTarget t = classify_fd_target(target);
  require(fd_type_name(t.type) != nullptr);
  if (t.type == FdType::kFile) {
    require(!target.empty() && target.front() == '/');
    require(t.path.data() == target.data() && t.path.size() <= target.size());
    require(t.path.size() + (t.deleted ? 10 : 0) == target.size());
  } else {
    require(t.path.empty() && !t.deleted);
  }
  require(t.has_inode == (t.type == FdType::kSocket || t.type == FdType::kPipe));
  if (t.has_inode) require(target.back() == ']');
  return 0;
}
