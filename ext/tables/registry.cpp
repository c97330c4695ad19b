// registry.cpp — every table of the extension, one line each, and what the
// table files share at CREATE time (common.h).
#include <cstdio>
#include <cstring>

#include "parse/passwd.h"
#include "parse/process.h"
#include "tables/common.h"

namespace proctab {

const TableDef& proc_tcp_def();
const TableDef& proc_fd_def();
const TableDef& proc_process_def();
const TableDef& proc_udp_def();
const TableDef& proc_unix_def();
const TableDef& proc_maps_def();
const TableDef& proc_locks_def();
const TableDef& proc_raw_def();
const TableDef& proc_icmp_def();
const TableDef& proc_packet_def();
const TableDef& proc_netlink_def();
const TableDef& etc_passwd_def();
const TableDef& etc_group_def();

const std::vector<const TableDef*>& all_tables() {
  static const std::vector<const TableDef*> tables = {
      &proc_tcp_def(),  &proc_fd_def(),     &proc_process_def(), &proc_udp_def(),
      &proc_unix_def(), &proc_maps_def(),   &proc_locks_def(),   &proc_raw_def(),
      &proc_icmp_def(), &proc_packet_def(), &proc_netlink_def(), &etc_passwd_def(),
      &etc_group_def(),
  };
  return tables;
}

std::shared_ptr<ProcFs> open_root(const TableDef& def, const TableArgs& args) {
  std::shared_ptr<ProcFs> fs = args.procfs(args.root);
  if (!fs || !fs->ok()) {
    throw Error(std::string(def.name) + ": root '" + args.root +
                "': " + strerror(fs ? fs->open_error() : ENOMEM));
  }
  return fs;
}

std::shared_ptr<ProcFs> open_root_with(const TableDef& def, const TableArgs& args,
                                       const char* file) {
  std::shared_ptr<ProcFs> fs = open_root(def, args);
  int err = fs->check_readable(fs->root_fd(), file);
  if (err) {
    throw Error(std::string(def.name) + ": root '" + args.root + "' has no readable " + file +
                " (" + describe_errno(args.root + "/" + file, err) + ")");
  }
  return fs;
}

std::shared_ptr<ProcFs> open_etc(const TableDef& def, const TableArgs& args, bool required) {
  std::shared_ptr<ProcFs> fs = args.procfs(args.etc);
  if (fs && fs->ok()) return fs;
  if (!required && !args.etc_given) return nullptr;
  throw Error(std::string(def.name) + ": etc '" + args.etc +
              "': " + strerror(fs ? fs->open_error() : ENOMEM));
}

EtcRoot::EtcRoot(const TableDef& def, const TableArgs& args)
    : factory_(args.procfs), path_(args.etc) {
  if (args.etc_given) named_ = open_etc(def, args, true);
}

std::shared_ptr<ProcFs> EtcRoot::open() const {
  if (named_) return named_;
  std::shared_ptr<ProcFs> fs = factory_(path_);
  return fs && fs->ok() ? fs : nullptr;
}

std::unordered_map<uint32_t, std::string> read_user_names(ProcFs* etc) {
  std::unordered_map<uint32_t, std::string> names;
  std::string text;
  if (!etc || etc->read_file(etc->root_fd(), "passwd", text) != 0) return names;
  std::vector<PasswdEntry> entries;
  parse_passwd_file(text, entries);
  for (const PasswdEntry& e : entries) names.try_emplace(e.uid, e.name);
  return names;
}

bool leads_thread_group(ProcFs& fs, int32_t pid, std::optional<ProcStatus>* status) {
  char path[32];
  snprintf(path, sizeof path, "%d/status", pid);
  std::string text;
  if (fs.read_file(fs.root_fd(), path, text) != 0) return true;
  ProcStatus parsed = parse_proc_status(text);
  const std::optional<int32_t> tgid = parsed.tgid;
  if (status) *status = std::move(parsed);
  return !tgid || *tgid == pid;
}

void device_text(uint32_t major, uint32_t minor, ResultSink& out) {
  char text[24];
  int n = snprintf(text, sizeof text, "%u:%u", major, minor);
  out.text(std::string_view(text, static_cast<size_t>(n)));
}

std::shared_ptr<ProcFs> open_netns_dir(const TableDef& def, const TableArgs& args) {
  if (args.netns_dir.empty()) return nullptr;
  std::shared_ptr<ProcFs> fs = args.procfs(args.netns_dir);
  if (fs && fs->ok()) return fs;
  if (!args.netns_dir_given) return nullptr;
  throw Error(std::string(def.name) + ": netns_dir '" + args.netns_dir +
              "': " + strerror(fs ? fs->open_error() : ENOMEM));
}

}  // namespace proctab
