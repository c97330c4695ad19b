// registry.cpp — every table of the extension, one line each, and what the
// table files share at CREATE time (common.h).
#include <cstring>

#include "tables/common.h"

namespace proctab {

const TableDef& proc_tcp_def();
const TableDef& proc_fd_def();
const TableDef& proc_process_def();
const TableDef& proc_udp_def();
const TableDef& proc_unix_def();

const std::vector<const TableDef*>& all_tables() {
  static const std::vector<const TableDef*> tables = {
      &proc_tcp_def(), &proc_fd_def(), &proc_process_def(), &proc_udp_def(), &proc_unix_def(),
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

std::shared_ptr<ProcFs> open_netns_dir(const TableDef& def, const TableArgs& args) {
  if (args.netns_dir.empty()) return nullptr;
  std::shared_ptr<ProcFs> fs = args.procfs(args.netns_dir);
  if (fs && fs->ok()) return fs;
  if (!args.netns_dir_given) return nullptr;
  throw Error(std::string(def.name) + ": netns_dir '" + args.netns_dir +
              "': " + strerror(fs ? fs->open_error() : ENOMEM));
}

}  // namespace proctab
