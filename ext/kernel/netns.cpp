// netns.cpp — see netns.h.
#include "kernel/netns.h"

#include <algorithm>

#include "text/scan.h"

namespace proctab {

namespace {

std::optional<uint64_t> read_netns_link(ProcFs& fs, const char* path) {
  char buf[64];
  long n = fs.read_link(fs.root_fd(), path, buf, sizeof buf);
  if (n <= 0) return std::nullopt;
  return text::parse_tagged_number(std::string_view(buf, static_cast<size_t>(n)), "net");
}

}  // namespace

std::optional<uint64_t> pid_netns(ProcFs& fs, int32_t pid) {
  char path[32];
  snprintf(path, sizeof path, "%d/ns/net", pid);
  return read_netns_link(fs, path);
}

std::optional<uint64_t> own_netns(ProcFs& fs) {
  return read_netns_link(fs, "self/ns/net");
}

NetnsNames::NetnsNames(ProcFs* dir) {
  if (!dir || !dir->ok()) return;
  int err;
  Fd listing = dir->open_dir(dir->root_fd(), ".", err);
  if (!listing.valid()) return;
  std::vector<std::string> names;
  if (dir->list_names(listing.get(), names) != 0) return;
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    uint64_t inode;
    if (dir->inode_of(dir->root_fd(), name.c_str(), inode) != 0) continue;  // removed meanwhile
    by_name_.emplace(name, inode);
    std::string& all = names_[inode];
    if (!all.empty()) all += ',';
    all += name;
  }
}

std::optional<std::string> NetnsNames::name(uint64_t ns) const {
  auto it = names_.find(ns);
  if (it == names_.end()) return std::nullopt;
  return it->second;
}

NetnsFilter::NetnsFilter(std::vector<uint64_t> only) : all_(false), only_(std::move(only)) {
  std::sort(only_.begin(), only_.end());
  only_.erase(std::unique(only_.begin(), only_.end()), only_.end());
}

bool NetnsFilter::allows(uint64_t ns) const {
  return all_ || std::binary_search(only_.begin(), only_.end(), ns);
}

bool NetnsFilter::wants_others(std::optional<uint64_t> own) const {
  if (all_) return true;
  for (uint64_t ns : only_) {
    if (!own || ns != *own) return true;
  }
  return false;
}

std::optional<uint64_t> NetnsDirectory::own() {
  if (!own_known_) {
    own_ = own_netns(*fs_);
    own_known_ = true;
  }
  return own_;
}

const NetnsNames& NetnsDirectory::names() {
  if (!names_) names_.emplace(named_.get());
  return *names_;
}

void NetnsDirectory::discover() {
  if (discovered_) return;
  discovered_ = true;
  const std::optional<uint64_t> own_ns = own();
  std::vector<int32_t> pids;
  if (fs_->list_pids(pids) == 0) {
    for (int32_t pid : pids) {
      std::optional<uint64_t> ns = pid_netns(*fs_, pid);
      if (!ns || ns == own_ns) continue;  // vanished or not ours to inspect; or the own one
      auto [it, fresh] = pids_.try_emplace(*ns);
      if (fresh) order_.push_back(*ns);
      it->second.push_back(pid);
    }
  }
  // Named namespaces no process of ours is in.
  for (const auto& [name, ns] : names().by_name()) {
    if (ns == own_ns || pids_.count(ns)) continue;
    pids_.try_emplace(ns);
    order_.push_back(ns);
  }
}

}  // namespace proctab
