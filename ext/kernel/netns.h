// netns.h — the network namespaces reachable through a procfs root, and
// reading one /proc/net file once per namespace. Used by every socket table
// (proc_tcp, proc_udp, proc_unix).
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
// Every access goes through the root's ProcFs (the fault seam).
#pragma once

#include <errno.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kernel/procfs.h"

namespace proctab {

// The network namespace of process `pid` under fs's root: the N of
// readlink(PID/ns/net) = "net:[N]"; nullopt if the link cannot be read (the
// process vanished, or is not ours to inspect).
std::optional<uint64_t> pid_netns(ProcFs& fs, int32_t pid);

// The namespace of the reader of fs's root (its self/ns/net), or nullopt.
std::optional<uint64_t> own_netns(ProcFs& fs);

// Which namespaces a statement wants: every one, or a set of inodes.
class NetnsFilter {
 public:
  NetnsFilter() = default;  // every namespace
  explicit NetnsFilter(std::vector<uint64_t> only);
  bool all() const { return all_; }
  bool allows(uint64_t ns) const;
  // True if some wanted namespace is not `own` (so discovery is needed).
  bool wants_others(std::optional<uint64_t> own) const;

 private:
  bool all_ = true;
  std::vector<uint64_t> only_;  // sorted
};

class NetnsDirectory {
 public:
  explicit NetnsDirectory(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  // Which namespaces of one file are in the snapshot already.
  struct Loaded {
    bool all = false;
    bool own = false;
    std::unordered_set<uint64_t> namespaces;
  };

  // Reads `file` (e.g. "net/tcp") for every namespace `wanted` allows that
  // `loaded` lacks, and records them in `loaded`: for each, calls
  // read(netns, path) with the path of its file relative to the root
  // (nullopt netns: the unnamed own namespace of a fixture root); read
  // returns 0 or an errno value, and must leave no rows behind on failure.
  // Returns 0, or the errno of the own namespace's file; the other
  // namespaces' failures are skipped (their processes vanished). If the own
  // namespace has no such file (ENOENT: e.g. IPv6 disabled), no namespace is
  // tried.
  template <typename Read>
  int load(const char* file, const NetnsFilter& wanted, Loaded& loaded, Read&& read);

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

template <typename Read>
int NetnsDirectory::load(const char* file, const NetnsFilter& wanted, Loaded& loaded, Read&& read) {
  if (loaded.all) return 0;
  const std::optional<uint64_t> own_ns = own();
  // The own namespace, through <root>/<file>.
  if (!loaded.own && (own_ns ? wanted.allows(*own_ns) : wanted.all())) {
    int err = read(own_ns, file);
    if (err == ENOENT) loaded.all = true;  // no such file in any namespace
    if (err) return err;
    loaded.own = true;
  }
  if (!wanted.wants_others(own_ns)) return 0;
  discover();
  char path[256];
  for (uint64_t ns : order_) {
    if (!wanted.allows(ns) || loaded.namespaces.count(ns)) continue;
    for (int32_t pid : pids_[ns]) {
      snprintf(path, sizeof path, "%d/%s", pid, file);
      if (read(std::optional<uint64_t>(ns), static_cast<const char*>(path)) == 0) break;
      // Vanished: try the next pid. Still there: the namespace lacks the
      // file (IPv6 off in it), and asking its other processes is no use.
      snprintf(path, sizeof path, "%d/net", pid);
      if (fs_->check_readable(fs_->root_fd(), path) == 0) break;
    }
    // Read or not (every process of it gone), this namespace is settled.
    loaded.namespaces.insert(ns);
  }
  if (wanted.all()) loaded.all = true;
  return 0;
}

}  // namespace proctab
