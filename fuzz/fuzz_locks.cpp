// fuzz_locks — parse_locks_table on arbitrary /proc/locks text. Every word
// column holds only kernel letters; only a waiting request has a blocker,
// and that blocker is the pid of a line of the same lock number read before.
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "parse/locks.h"

using namespace proctab;

namespace {
bool kernel_word(const LockWord& w) {
  if (w.length == 0 || w.length > sizeof w.text) return false;
  for (char c : w.view()) {
    if (!((c >= 'A' && c <= 'Z') || c == '*' || c == '_')) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<LockRow> rows;
  text::ParseStats stats = parse_locks_table(text, rows);
  require(stats.rows == rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const LockRow& r = rows[i];
    require(r.id >= 0);
    require(kernel_word(r.type) && kernel_word(r.detail) && kernel_word(r.mode));
    require(r.has_inode || (r.inode == 0 && r.dev_major == 0 && r.dev_minor == 0));
    if (!r.blocker_pid) continue;
    require(r.depth > 0);
    bool found = false;
    for (size_t j = i; j-- > 0 && rows[j].id == r.id;) {
      if (rows[j].depth + 1 == r.depth && rows[j].pid == *r.blocker_pid) found = true;
    }
    require(found);
  }
  return 0;
}
