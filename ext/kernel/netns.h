// netns.h — the network namespaces reachable through a procfs root, their
// names, and reading one /proc/net file once per namespace. Used by every
// socket table (proc_tcp, proc_udp, proc_unix) and by the netns_name columns.
//
// A namespace is named by its inode: the N of readlink("<pid>/ns/net") =
// "net:[N]". The reader's own namespace is <root>/self/ns/net and its files
// are <root>/net/<file> (/proc/net is a link to self/net). Every other
// namespace is found two ways:
//   - by listing the pids of the root and reading each one's ns/net link
//     (one readlink per process — discovery); its files are read through the
//     first pid seen in it (<root>/<pid>/net/<file>), falling back to the next
//     pid of that namespace if the process vanished meanwhile;
//   - by the entries of the named-namespace directory (/run/netns, what
//     `ip netns add` creates and `ip netns list` shows: bind mounts of nsfs
//     files, whose inode is the namespace's). A namespace held only there, with
//     no process in it, is read by a short-lived thread that joins it (setns,
//     needs CAP_SYS_ADMIN) and reads <root>/thread-self/net/<file>.
// So each namespace's file is read exactly once, never once per process.
//
// Discovery is skipped when the wanted namespaces are only the reader's own
// (`netns = proctab_netns()`). A process whose ns link cannot be read (EACCES:
// not ours to inspect, or gone) is skipped, as is a named namespace we may not
// enter. A root without self/ns/net (a fixture tree) has an unnamed own
// namespace: its rows get netns NULL. Every access goes through the root's
// ProcFs and the named directory's (the fault seams).
#pragma once

#include <errno.h>

#include <cstdint>
#include <cstdio>
#include <map>
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

// The names of named namespaces (`ip netns list`): namespace inode → its
// names, sorted. Read from a directory such as /run/netns; entries that are
// not namespaces (a plain file in a fixture) have the inode of that file,
// which no namespace has.
class NetnsNames {
 public:
  NetnsNames() = default;
  explicit NetnsNames(ProcFs* dir);  // null or unreadable: no names
  // The names of `ns` joined by ',' (one in the usual case); nullopt if none.
  std::optional<std::string> name(uint64_t ns) const;
  // Every named namespace with its first name, in name order.
  const std::map<std::string, uint64_t>& by_name() const { return by_name_; }

 private:
  std::map<std::string, uint64_t> by_name_;
  std::unordered_map<uint64_t, std::string> names_;
};

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
  // `named`: the ProcFs of the named-namespace directory (/run/netns), or
  // null for none (fixture roots, unless a test gives one).
  NetnsDirectory(std::shared_ptr<ProcFs> fs, std::shared_ptr<ProcFs> named)
      : fs_(std::move(fs)), named_(std::move(named)) {}

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
  // For a namespace held only by a name, read runs on a thread inside it.
  // Returns 0, or the errno of the own namespace's file; the other
  // namespaces' failures are skipped (their processes vanished, or we may
  // not enter them). If the own namespace has no such file (ENOENT: e.g.
  // IPv6 disabled), no namespace is tried.
  template <typename Read>
  int load(const char* file, const NetnsFilter& wanted, Loaded& loaded, Read&& read);

  // The own namespace (one readlink, on first use).
  std::optional<uint64_t> own();
  // The names of /run/netns (one listing, on first use).
  const NetnsNames& names();

  // Runs `fn(fd)` with a descriptor of namespace `ns` open (through a pid of
  // it, or its name): for a source that must enter the namespace itself (a
  // netlink socket made on a thread inside it). Returns fn's result, or
  // the errno of opening it (ENOENT: no way in). Discovers on first use.
  template <typename Fn>
  int with_namespace(uint64_t ns, Fn&& fn);
  // Every namespace but the own one, in order of discovery (pids, then
  // names): what a source that reads namespaces itself iterates over.
  const std::vector<uint64_t>& others() {
    discover();
    return order_;
  }
  // Whether others() was asked (the processes walked for namespaces).
  bool discovered() const { return discovered_; }

 private:
  void discover();
  // Reads `file` of a namespace that has a name but no process we can use.
  template <typename Read>
  int read_named(uint64_t ns, const char* file, Read& read);

  std::shared_ptr<ProcFs> fs_;
  std::shared_ptr<ProcFs> named_;
  bool own_known_ = false;
  std::optional<uint64_t> own_;
  std::optional<NetnsNames> names_;
  bool discovered_ = false;
  // Other namespaces in order of first sight (processes, then names), with
  // their pids (empty for one held only by a name).
  std::vector<uint64_t> order_;
  std::unordered_map<uint64_t, std::vector<int32_t>> pids_;
};

template <typename Fn>
int NetnsDirectory::with_namespace(uint64_t ns, Fn&& fn) {
  discover();
  int err = ENOENT;
  char path[32];
  for (int32_t pid : pids_[ns]) {
    snprintf(path, sizeof path, "%d/ns/net", pid);
    Fd fd = fs_->open_netns(fs_->root_fd(), path, err);
    if (fd.valid()) return fn(fd.get());
  }
  std::optional<std::string> name = names().name(ns);
  if (!name || !named_) return err;
  const std::string first = name->substr(0, name->find(','));
  Fd fd = named_->open_netns(named_->root_fd(), first.c_str(), err);
  if (!fd.valid()) return err;
  return fn(fd.get());
}

template <typename Read>
int NetnsDirectory::read_named(uint64_t ns, const char* file, Read& read) {
  std::optional<std::string> name = names().name(ns);
  if (!name || !named_) return ENOENT;
  const std::string first = name->substr(0, name->find(','));
  int err;
  Fd ns_fd = named_->open_netns(named_->root_fd(), first.c_str(), err);
  if (!ns_fd.valid()) return err;
  const std::string path = std::string("thread-self/") + file;
  return fs_->in_netns(ns_fd.get(), [&] {
    return read(std::optional<uint64_t>(ns), static_cast<const char*>(path.c_str()));
  });
}

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
    bool settled = false;
    for (int32_t pid : pids_[ns]) {
      snprintf(path, sizeof path, "%d/%s", pid, file);
      if (read(std::optional<uint64_t>(ns), static_cast<const char*>(path)) == 0) {
        settled = true;
        break;
      }
      // Vanished: try the next pid. Still there: the namespace lacks the
      // file (IPv6 off in it), and asking its other processes is no use.
      snprintf(path, sizeof path, "%d/net", pid);
      if (fs_->check_readable(fs_->root_fd(), path) == 0) {
        settled = true;
        break;
      }
    }
    // No process left (or none ever): through its name, if it has one.
    if (!settled) read_named(ns, file, read);
    // Read or not, this namespace is settled.
    loaded.namespaces.insert(ns);
  }
  if (wanted.all()) loaded.all = true;
  return 0;
}

}  // namespace proctab
