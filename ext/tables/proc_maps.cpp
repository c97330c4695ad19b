// proc_maps.cpp — proc_maps: one row per line of <root>/<pid>/maps, every
// visible process: what each process has mapped into memory.
//
// Usage:
//   SELECT * FROM proc_maps WHERE pid = 1234;
//   SELECT DISTINCT pid, path FROM proc_maps WHERE kind = 'file' AND deleted;  -- needs restart
//   SELECT pid, sum(rss) FROM proc_maps GROUP BY pid ORDER BY 2 DESC LIMIT 5;
//
// How it works: the statement's snapshot is filled per process, as scans ask.
// With `pid = X` / `pid IN (...)` only those maps files are read; otherwise
// the walk lists the root and reads every PID/maps, streaming each through
// parse/maps.h (a file of thousands of mappings is never buffered whole).
// Names are decoded ("\012" -> newline) into one arena, " (deleted)" moved
// into `deleted`. smaps (rss, pss, swap) is read only when one of those
// columns is read, once per process: it makes the kernel walk every page
// table, maps does not. Every pushed-down equality (pid, inode, path, kind,
// deleted) is a hash lookup into the snapshot.
//
// Permissions: maps needs ptrace read access (same user, or CAP_SYS_PTRACE):
// another user's process, or one that vanished (ENOENT, ESRCH), is skipped
// silently, as are kernel threads, whose maps are empty. A process that
// exits while its file is read has no rows rather than some.
#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "core/lazy.h"
#include "core/snapshot.h"
#include "core/value_set.h"
#include "parse/maps.h"
#include "tables/common.h"

namespace proctab {

namespace {

struct MapRow {
  int32_t pid;
  char perms[4];
  bool deleted;
  MapKind kind;
  uint32_t dev_major;
  uint32_t dev_minor;
  uint64_t start;
  uint64_t end;
  uint64_t offset;
  uint64_t inode;
  std::string_view path;  // decoded, in the source's arena
};

// smaps figures of one process, by mapping start address.
using SmapsByStart = std::unordered_map<uint64_t, SmapsFigures>;

class MapsSource {
 public:
  using Row = MapRow;
  static constexpr unsigned kArguments = kArgRoot;  // no network namespaces here
  struct Config {
    std::shared_ptr<ProcFs> fs;
  };
  static Config configure(const TableDef& def, const TableArgs& args) {
    return {open_root(def, args)};
  }
  // A full scan reads every process's maps: tens of lines each.
  static constexpr Plan plan() { return {20000, 20000}; }

  explicit MapsSource(const Config& config) : fs_(config.fs) {}
  void load(const Request& request, Rows<Row>& rows);

  // smaps of `pid`, read on first use.
  const SmapsByStart& smaps(int32_t pid) const {
    return smaps_[pid].get([&] {
      SmapsByStart figures;
      char path[32];
      snprintf(path, sizeof path, "%d/smaps", pid);
      if (fs_->read_file(fs_->root_fd(), path, scratch_) == 0) {
        for (const SmapsFigures& f : parse_smaps(scratch_)) figures.emplace(f.start, f);
      }
      return figures;
    });
  }

 private:
  void read_process(int32_t pid, Rows<Row>& rows);

  std::shared_ptr<ProcFs> fs_;
  TextArena arena_;
  std::string decoded_;
  std::unordered_set<int32_t> read_;  // pids whose maps were read (present or not)
  bool complete_ = false;
  mutable std::unordered_map<int32_t, Lazy<SmapsByStart>> smaps_;
  mutable std::string scratch_;
};

using C = Column<MapsSource>;
using A = Affinity;
using S = MapsSource;

void address_text(uint64_t address, ResultSink& out) {
  char text[24];
  int n = snprintf(text, sizeof text, "%08llx", static_cast<unsigned long long>(address));
  out.text(std::string_view(text, static_cast<size_t>(n)));
}

// One smaps figure of the row's mapping; NULL if smaps is unreadable or no
// longer has the mapping.
void smaps_figure(const S& s, const MapRow& r, int64_t SmapsFigures::*field, ResultSink& out) {
  const SmapsByStart& figures = s.smaps(r.pid);
  auto it = figures.find(r.start);
  if (it == figures.end() || it->second.*field < 0) return out.null();
  out.integer(it->second.*field);
}

constexpr std::array kColumns = {
    C{"pid", A::kInteger, pushed(1.0 / 100), "Process id (the directory name under /proc).",
      [](const S&, const MapRow& r, ResultSink& out) { out.integer(r.pid); }},
    C{"start", A::kText, kNotPushed,
      "First address of the mapping, in hex as maps prints it ('7f9f315cc000'; at least 8 "
      "digits). Text: addresses above 2^63 ([vsyscall]) do not fit an SQLite integer.",
      [](const S&, const MapRow& r, ResultSink& out) { address_text(r.start, out); }},
    C{"end", A::kText, kNotPushed, "Address just past the mapping, in hex like start.",
      [](const S&, const MapRow& r, ResultSink& out) { address_text(r.end, out); }},
    C{"size", A::kInteger, kNotPushed, "Size of the mapping in bytes (end - start).",
      [](const S&, const MapRow& r, ResultSink& out) {
        out.integer(static_cast<int64_t>(r.end - r.start));
      }},
    C{"perms", A::kText, kNotPushed,
      "Permissions as printed: r/w/x or '-', then 'p' (private, copy-on-write) or 's' "
      "(shared), e.g. 'r-xp' for code.",
      [](const S&, const MapRow& r, ResultSink& out) { out.text(std::string_view(r.perms, 4)); }},
    C{"offset", A::kInteger, kNotPushed,
      "Offset in the file of the mapping's first byte (0 for anonymous memory).",
      [](const S&, const MapRow& r, ResultSink& out) {
        out.integer(static_cast<int64_t>(r.offset));
      }},
    C{"dev", A::kText, kNotPushed,
      "Device of the mapped file's filesystem, decimal 'MAJOR:MINOR' ('254:0'; maps prints it "
      "in hex, 'fe:00'), as proc_locks.dev and proc_fd.file_dev; '0:0' for anonymous memory.",
      [](const S&, const MapRow& r, ResultSink& out) {
        device_text(r.dev_major, r.dev_minor, out);
      }},
    C{"inode", A::kInteger, pushed(1.0 / 200),
      "Inode of the mapped file (0 for anonymous memory): with dev, joins proc_locks and "
      "proc_fd (file_dev, file_inode).",
      [](const S&, const MapRow& r, ResultSink& out) {
        out.integer(static_cast<int64_t>(r.inode));
      }},
    C{"path", A::kText, pushed(1.0 / 200),
      "The mapping's name: a file's path, decoded (maps escapes a newline as '\\012'; a name "
      "holding those four bytes itself cannot be told apart), without the ' (deleted)' suffix; "
      "or a pseudo name such as '[heap]', '[stack]', '[vdso]', '[anon:NAME]'. NULL for "
      "anonymous memory.",
      [](const S&, const MapRow& r, ResultSink& out) {
        r.kind == MapKind::kAnon ? out.null() : out.text(r.path);
      }},
    C{"deleted", A::kInteger, pushed(1.0 / 100),
      "1 if the mapped file was deleted (or replaced, as a package upgrade does) after it was "
      "mapped — maps appends ' (deleted)' to its name — else 0. A file truly named 'x (deleted)' "
      "looks the same.",
      [](const S&, const MapRow& r, ResultSink& out) { out.integer(r.deleted ? 1 : 0); }},
    C{"kind", A::kText, pushed(1.0 / 4),
      "'file' (a mapped file), 'anon' (anonymous memory), 'heap', 'stack', 'vdso', 'vvar', "
      "'vsyscall', 'anon_named' ([anon:NAME]), 'memfd' (/memfd:NAME), 'sysv_shm' (/SYSV...), "
      "'shared_anon' (MAP_SHARED anonymous memory, '/dev/zero (deleted)'), or 'other'.",
      [](const S&, const MapRow& r, ResultSink& out) { out.text(map_kind_name(r.kind)); }},
    C{"rss", A::kInteger, kNotPushed,
      "Resident bytes of the mapping (smaps 'Rss'). smaps is read only when rss, pss or swap "
      "is used, once per process (it walks the page tables: costlier than maps); NULL if the "
      "mapping changed in between.",
      [](const S& s, const MapRow& r, ResultSink& out) {
        smaps_figure(s, r, &SmapsFigures::rss, out);
      }},
    C{"pss", A::kInteger, kNotPushed,
      "Proportional set size, bytes (smaps 'Pss'): resident bytes, shared pages divided among "
      "the processes sharing them.",
      [](const S& s, const MapRow& r, ResultSink& out) {
        smaps_figure(s, r, &SmapsFigures::pss, out);
      }},
    C{"swap", A::kInteger, kNotPushed, "Bytes of the mapping swapped out (smaps 'Swap').",
      [](const S& s, const MapRow& r, ResultSink& out) {
        smaps_figure(s, r, &SmapsFigures::swap, out);
      }},
};

constexpr int kPid = column_index(kColumns, "pid");

void MapsSource::read_process(int32_t pid, Rows<Row>& rows) {
  if (complete_ || !read_.insert(pid).second) return;
  char path[32];
  snprintf(path, sizeof path, "%d/maps", pid);
  const size_t before = rows.size();
  auto parse_line = [&](std::string_view line, MapRow& row) {
    MapsRow parsed;
    if (!parse_maps_line(line, parsed)) return false;
    row.pid = pid;
    std::copy(parsed.perms, parsed.perms + 4, row.perms);
    row.deleted = parsed.deleted;
    row.kind = parsed.kind;
    row.dev_major = parsed.dev_major;
    row.dev_minor = parsed.dev_minor;
    row.start = parsed.start;
    row.end = parsed.end;
    row.offset = parsed.offset;
    row.inode = parsed.inode;
    if (maps_name_escaped(parsed.name)) {
      decoded_ = decode_maps_name(parsed.name);
      row.path = arena_.store(decoded_);
    } else {
      row.path = arena_.store(parsed.name);
    }
    return true;
  };
  text::RowParser<decltype(parse_line)> parser("", parse_line);
  int err = fs_->read_chunks(fs_->root_fd(), path,
                             [&](std::string_view chunk) { parser.feed(chunk, rows); });
  if (err) {
    // Vanished or not ours mid-read: no rows rather than some.
    while (rows.size() > before) rows.pop_back();
    return;
  }
  parser.finish(rows);
}

void MapsSource::load(const Request& request, Rows<Row>& rows) {
  for_requested_pids(*fs_, request.find(kPid), complete_, read_, "proc_maps",
                     [&](int32_t pid, const ProcStatus*) { read_process(pid, rows); });
}

}  // namespace

const TableDef& proc_maps_def() {
  static const TableDef def = define_table<MapsSource, kColumns>(
      "proc_maps",
      "One row per line of /proc/PID/maps of every process whose maps the reader may read "
      "(others are skipped): each mapping of a file or of anonymous memory, the 'mem' and 'DEL' "
      "rows of lsof.");
  return def;
}

}  // namespace proctab
