// common.h — what every table file needs at CREATE time: opening its roots.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/table.h"
#include "core/value_set.h"
#include "parse/process.h"

namespace proctab {

// Opens args.root through args.procfs; throws Error("<table>: root '...': why").
std::shared_ptr<ProcFs> open_root(const TableDef& def, const TableArgs& args);

// open_root, and checks that the root's own namespace has `file` readable
// (the CREATE-time error for a root that is no procfs).
std::shared_ptr<ProcFs> open_root_with(const TableDef& def, const TableArgs& args,
                                       const char* file);

// Opens args.etc (passwd and group live there) through args.procfs. If it
// cannot be opened: throws Error("<table>: etc '...': why") when `required`
// or when etc='...' was named, else returns nullptr (the user-name columns
// are then NULL: a machine without /etc must not break proc_process).
std::shared_ptr<ProcFs> open_etc(const TableDef& def, const TableArgs& args, bool required);

// The etc root of a table that reads user names: opened at CREATE when
// etc='...' was named (so a wrong path fails there), otherwise on first use
// (a statement that asks no user name opens nothing).
class EtcRoot {
 public:
  EtcRoot(const TableDef& def, const TableArgs& args);
  // The root, or nullptr if the default one cannot be opened.
  std::shared_ptr<ProcFs> open() const;

 private:
  ProcFsFactory factory_;
  std::string path_;
  std::shared_ptr<ProcFs> named_;
};

// uid -> user name from <etc>/passwd (the first line of a uid wins, as
// getpwuid's files backend answers); empty if the file cannot be read.
std::unordered_map<uint32_t, std::string> read_user_names(ProcFs* etc);

// False if <root>/<pid> is a thread that leads no thread group: /proc
// answers /proc/TID of any thread although it lists only processes, and a
// table must not show a thread as a second process with the same files.
// Read from status's Tgid line; true when that cannot be told (no status,
// no Tgid line: a fixture), so nothing a reader may see is dropped.
// The status read is handed back in `status` (when it was read) for a table
// that shows its fields, so it is not read twice.
bool leads_thread_group(ProcFs& fs, int32_t pid, std::optional<ProcStatus>* status = nullptr);

// Hands read(pid) each pid a `pid =` / `pid IN (...)` constraint names (each
// a process: thread ids are skipped, see leads_thread_group), or
// without one every pid of the root in ascending (ps) order, unless that walk
// is done already (`complete`, which it then sets): how the per-process
// tables (proc_process, proc_maps) fill their snapshots. Throws
// Error("<table>: ...") if the root cannot be listed.
// read(pid, status): `status` is the pid's parsed status file when the
// thread check read it, else null. `read_already`: the pids read before (no second read, and no
// thread check: a join probing the same pid per outer row pays for it once).
template <typename Read>
void for_requested_pids(ProcFs& fs, const Constraint* pid, bool& complete,
                        const std::unordered_set<int32_t>& read_already, const char* table,
                        Read&& read) {
  IntSet pids(pid);
  if (pids.active()) {
    if (complete) return;  // every process is in the snapshot already
    for (int64_t p : pids.values()) {
      if (p < 0 || p > INT32_MAX || read_already.count(static_cast<int32_t>(p))) continue;
      std::optional<ProcStatus> status;
      if (leads_thread_group(fs, static_cast<int32_t>(p), &status)) {
        read(static_cast<int32_t>(p), status ? &*status : nullptr);
      }
    }
    return;
  }
  if (complete) return;
  std::vector<int32_t> all;
  if (int err = fs.list_pids(all))
    throw Error(std::string(table) + ": " + describe_errno(fs.root(), err));
  std::sort(all.begin(), all.end());
  for (int32_t p : all) read(p, nullptr);
  complete = true;
}

// A device as decimal "MAJOR:MINOR", the form of mountinfo and lsblk (maps and
// locks print it in hex; every proctab table converts).
void device_text(uint32_t major, uint32_t minor, ResultSink& out);
// The ProcFs of args.netns_dir, or null when there is none. A directory the
// user named that cannot be opened is an Error; the default /run/netns that
// does not exist (no `ip netns add` yet) is just no names.
std::shared_ptr<ProcFs> open_netns_dir(const TableDef& def, const TableArgs& args);

}  // namespace proctab
