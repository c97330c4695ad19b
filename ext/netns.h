// netns.h — the network namespaces reachable through a procfs root, and
// reading one /proc/net file once per namespace. Shared by every socket
// table (proc_tcp, proc_udp, proc_unix).
//
// A namespace is named by its inode: the N of readlink("<pid>/ns/net") =
// "net:[N]". The reader's own namespace is <root>/self/ns/net and its files
// are <root>/net/<file> (/proc/net is a link to self/net). Every other
// namespace is found by listing the pids of the root and reading each one's
// ns/net link (one readlink per process — discovery); its files are read
// through the first pid seen in it (<root>/<pid>/net/<file>), falling back to
// the next pid of that namespace if the process vanished meanwhile. So each
// namespace's file is read exactly once, never once per process.
//
// Discovery is skipped when the wanted namespaces are only the reader's own
// (`netns = proctab_netns()`). A process whose ns link cannot be read (EACCES:
// not ours to inspect, or gone) is skipped. A root without self/ns/net (a
// fixture tree) has an unnamed own namespace: its rows get netns NULL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "procfs.h"
#include "value_set.h"

namespace proctab {

// The network namespace of process `pid` under fs's root: the N of
// readlink(PID/ns/net) = "net:[N]"; nullopt if the link cannot be read (the
// process vanished, or is not ours to inspect).
std::optional<uint64_t> pid_netns(ProcFs& fs, int32_t pid);

// The reader's own network namespace (/proc/self/ns/net), or nullopt.
std::optional<uint64_t> own_netns();

class NetnsDirectory {
 public:
  explicit NetnsDirectory(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  // Which namespaces of one file are in the snapshot already.
  struct Loaded {
    bool all = false;
    bool own = false;
    std::unordered_set<uint64_t> namespaces;
  };

  // Streams one file's chunks to `chunk`; returns 0 or an errno value.
  using ChunkSink = std::function<void(std::string_view chunk)>;
  using Reader = std::function<int(const ChunkSink& chunk)>;
  // Called for each namespace to read (nullopt netns: the unnamed own
  // namespace of a fixture root) with a Reader for its file; returns the
  // Reader's result. The sink parses while the file is read and discards
  // what it parsed if the read fails.
  using Sink = std::function<int(std::optional<uint64_t> netns, const Reader& read)>;

  // Reads `file` (e.g. "net/tcp") for every namespace `wanted` allows (all if
  // inactive) that `loaded` lacks, and records them in `loaded`. Returns 0,
  // or the errno of reading the own namespace's file; the other namespaces'
  // failures are skipped (the processes vanished). If the own namespace has
  // no such file (ENOENT: e.g. IPv6 disabled), no namespace is tried.
  int load(const char* file, const IntSet& wanted, Loaded& loaded, const Sink& sink);

  // The own namespace (one readlink, on first use).
  std::optional<uint64_t> own();

 private:
  void discover();

  std::shared_ptr<ProcFs> fs_;
  bool own_known_ = false;
  std::optional<uint64_t> own_;
  bool discovered_ = false;
  // Other namespaces in order of first sight, with their pids.
  std::vector<uint64_t> order_;
  std::unordered_map<uint64_t, std::vector<int32_t>> pids_;
};

}  // namespace proctab
