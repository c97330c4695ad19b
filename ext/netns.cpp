// netns.cpp — see netns.h.
#include "netns.h"

#include <errno.h>
#include <unistd.h>

#include <cstdio>

#include "parse_process.h"

namespace proctab {

std::optional<uint64_t> pid_netns(ProcFs& fs, int32_t pid) {
  char path[32], buf[64];
  snprintf(path, sizeof path, "%d/ns/net", pid);
  long n = fs.read_link(fs.root_fd(), path, buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  return parse_ns_link(std::string_view(buf, static_cast<size_t>(n)), "net");
}

std::optional<uint64_t> own_netns() {
  char buf[64];
  ssize_t n = ::readlink("/proc/self/ns/net", buf, sizeof buf);
  if (n < 0) return std::nullopt;
  return parse_ns_link(std::string_view(buf, static_cast<size_t>(n)), "net");
}

std::optional<uint64_t> NetnsDirectory::own() {
  if (!own_known_) {
    char buf[64];
    long n = fs_->read_link(fs_->root_fd(), "self/ns/net", buf, sizeof buf);
    if (n > 0) own_ = parse_ns_link(std::string_view(buf, static_cast<size_t>(n)), "net");
    own_known_ = true;
  }
  return own_;
}

void NetnsDirectory::discover() {
  if (discovered_) return;
  discovered_ = true;
  std::vector<int32_t> pids;
  if (fs_->list_pids(pids) != 0) return;
  const std::optional<uint64_t> own_ns = own();
  for (int32_t pid : pids) {
    std::optional<uint64_t> ns = pid_netns(*fs_, pid);
    if (!ns || ns == own_ns) continue;  // vanished or not ours to inspect; or the own one
    auto [it, fresh] = pids_.try_emplace(*ns);
    if (fresh) order_.push_back(*ns);
    it->second.push_back(pid);
  }
}

int NetnsDirectory::load(const char* file, const IntSet& wanted, Loaded& loaded, const Sink& sink) {
  auto reader = [&](const char* path) {
    return [this, path](const ChunkSink& chunk) {
      return fs_->read_chunks(fs_->root_fd(), path, chunk);
    };
  };
  if (loaded.all) return 0;
  const std::optional<uint64_t> own_ns = own();
  // The own namespace, through <root>/<file>.
  if (!loaded.own && (own_ns ? wanted.allows(static_cast<int64_t>(*own_ns)) : !wanted.active())) {
    int err = sink(own_ns, reader(file));
    if (err == ENOENT) loaded.all = true;  // no such file in any namespace
    if (err) return err;
    loaded.own = true;
  }
  // Others: only if some wanted namespace is not the own one.
  bool others = !wanted.active();
  for (int64_t v : wanted.values())
    others = others || !own_ns || v != static_cast<int64_t>(*own_ns);
  if (!others) return 0;
  discover();
  char path[256];
  for (uint64_t ns : order_) {
    if (!wanted.allows(static_cast<int64_t>(ns)) || loaded.namespaces.count(ns)) continue;
    for (int32_t pid : pids_[ns]) {
      snprintf(path, sizeof path, "%d/%s", pid, file);
      if (sink(ns, reader(path)) == 0) break;
      // Vanished: try the next pid. Still there: the namespace lacks the
      // file (IPv6 off in it), and asking its other processes is no use.
      snprintf(path, sizeof path, "%d/net", pid);
      if (fs_->check_readable(fs_->root_fd(), path) == 0) break;
    }
    // Read or not (every process of it gone), this namespace is settled.
    loaded.namespaces.insert(ns);
  }
  if (!wanted.active()) loaded.all = true;
  return 0;
}

}  // namespace proctab
