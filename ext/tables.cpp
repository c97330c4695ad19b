// tables.cpp — the registry: every table of the extension, one line each.
#include "table.h"

namespace proctab {

const TableDef& proc_tcp_def();
const TableDef& proc_fd_def();
const TableDef& proc_process_def();
const TableDef& proc_udp_def();
const TableDef& proc_unix_def();

const std::vector<const TableDef*>& all_tables() {
  static const std::vector<const TableDef*> tables = {
      &proc_tcp_def(),
      &proc_fd_def(),
      &proc_process_def(),
      &proc_udp_def(),
      &proc_unix_def(),
  };
  return tables;
}

}  // namespace proctab
