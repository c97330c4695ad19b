// maps.h — pure parsers for /proc/PID/maps and /proc/PID/smaps text.
//
// Printer: fs/proc/task_mmu.c show_map_vma / show_vma_header_prefix. A line is
//   START-END PERMS OFFSET MAJ:MIN INODE [padding NAME]
// with START, END and OFFSET in hex ("%08lx": at least 8 digits, more on
// 64-bit), PERMS four letters ([r-][w-][x-][ps]), MAJ:MIN the device of the
// file's superblock in hex ("%02x:%02x"), INODE decimal. Each field is
// followed by one space; then, if the mapping has a name, spaces up to
// column 73 and the name, which is the rest of the line:
//   - a file: its path as d_path prints it, with " (deleted)" appended when
//     the file was unlinked, and every '\n' escaped as "\012" (seq_path's
//     escape set is "\n" alone: a backslash is NOT escaped, so a name that
//     really holds the four bytes "\012" reads back as a newline — the text
//     is ambiguous there, as it is for lsof);
//   - a pseudo name: [heap], [stack], [vdso], [vvar], [vvar_vclock],
//     [vsyscall], [anon:NAME] / [anon_shmem:NAME] (prctl PR_SET_VMA), [uprobes]...
// An anonymous mapping has no name. Names never start with a blank (paths
// start with '/', pseudo names with '['), so the padding is unambiguous.
// Tabs and spaces inside a name are printed raw.
//
// smaps repeats each maps line followed by "Key:   N kB" lines (Rss, Pss,
// Swap, ...) and a "VmFlags:" line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/row_parser.h"

namespace proctab {

enum class MapKind : uint8_t {
  kFile,        // a path (not one of the shared-memory kinds below)
  kAnon,        // no name: private or shared anonymous memory
  kHeap,        // [heap]
  kStack,       // [stack], [stack:TID] (kernels before 4.5)
  kVdso,        // [vdso]
  kVvar,        // [vvar], [vvar_vclock]
  kVsyscall,    // [vsyscall]
  kAnonNamed,   // [anon:NAME], [anon_shmem:NAME]
  kMemfd,       // /memfd:NAME (deleted): a memfd_create() file
  kSysvShm,     // /SYSV%08x (deleted): a System V shared memory segment
  kSharedAnon,  // /dev/zero (deleted): mmap(MAP_SHARED | MAP_ANONYMOUS)
  kOther,       // any other name ([uprobes], anon_inode:..., socket:[N] of a packet ring)
};

const char* map_kind_name(MapKind kind);

struct MapsRow {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t offset = 0;
  uint64_t inode = 0;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  char perms[4] = {};
  bool deleted = false;  // the name ended in " (deleted)" (removed from `name`)
  MapKind kind = MapKind::kAnon;
  // The name as printed, without " (deleted)", still escaped: a view into
  // the parsed text. decode_maps_name() gives the path.
  std::string_view name;
};

// One line without its '\n'. False if it is not a well-formed maps line
// (smaps' "Key: value" lines are not).
bool parse_maps_line(std::string_view line, MapsRow& row);

// A printed name with "\012" turned back into '\n' (the only escape).
std::string decode_maps_name(std::string_view name);
// True if decode_maps_name would change `name`.
bool maps_name_escaped(std::string_view name);

// A whole maps file, appending rows whose names point into `text`. There is
// no header line.
text::ParseStats parse_maps_table(std::string_view text, std::vector<MapsRow>& out);

// What smaps adds to each mapping, in bytes (the file prints kB).
struct SmapsFigures {
  uint64_t start = 0;  // the mapping's start address: the key to its maps row
  int64_t rss = -1;    // -1: the line was absent
  int64_t pss = -1;
  int64_t swap = -1;
};

// Every mapping of an smaps file, in file order. Lines that are neither a
// mapping nor a "Key: N kB" line are ignored.
std::vector<SmapsFigures> parse_smaps(std::string_view text);

}  // namespace proctab
