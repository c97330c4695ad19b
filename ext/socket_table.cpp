// socket_table.cpp — see socket_table.h.
#include "socket_table.h"

namespace proctab {

using A = Affinity;

std::vector<ColumnDef> inet_columns(const InetDocs& docs, std::vector<ColumnDef> extra) {
  std::vector<ColumnDef> columns = {
      {"family", A::kText, true, docs.family},
      {"local_address", A::kText, false,
       "Local IP address, inet_ntop text: '127.0.0.1', '::1', '::ffff:127.0.0.1' for a "
       "v4-mapped IPv6 socket. Source: local_address (hex, decoded endian-correctly)."},
      {"local_port", A::kInteger, true, "Local port number. Source: local_address after ':'."},
      {"remote_address", A::kText, false,
       "Remote IP address ('0.0.0.0' / '::' when unconnected). Source: rem_address."},
      {"remote_port", A::kInteger, true, "Remote port number (0 when unconnected)."},
      {"st", A::kInteger, true, "Raw kernel state number (include/net/tcp_states.h)."},
      {"state", A::kText, true, docs.state},
      {"tx_queue", A::kInteger, false, docs.tx_queue},
      {"rx_queue", A::kInteger, false, docs.rx_queue},
      {"uid", A::kInteger, false, docs.uid},
      {"inode", A::kInteger, true, docs.inode},
      kNetnsColumnDef,
  };
  columns.insert(columns.end(), extra.begin(), extra.end());
  return columns;
}

IntSet states_by_name(const Constraint* c) {
  IntSet by_name;
  if (!c) return by_name;
  by_name.activate();
  for (const auto& v : c->values) {
    if (uint32_t st = tcp_state_number(v.text)) {
      by_name.add(st);
    } else if (uint64_t n; parse_dec_u64(v.text, n) && n <= UINT32_MAX &&
                           !tcp_state_name(static_cast<uint32_t>(n)) &&
                           std::to_string(n) == v.text) {
      by_name.add(static_cast<int64_t>(n));  // unknown states print as decimal
    }
  }
  by_name.normalize();
  return by_name;
}

void inet_address(int family, const uint8_t* bytes, ResultSink& out) {
  char text[INET6_ADDRSTRLEN];
  if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text)) return out.null();
  out.text(text);
}

Estimate socket_estimate(uint64_t constrained, int inode_column,
                         std::initializer_list<std::pair<int, double>> selectivity) {
  if (constrained & (1ull << inode_column)) return {5, 1, false};
  double rows = 1000;
  for (auto [column, divisor] : selectivity) {
    if (constrained & (1ull << column)) rows /= divisor;
  }
  return {1000, rows, false};
}

std::shared_ptr<ProcFs> open_socket_root(const TableDef& def, const TableArgs& args,
                                         const char* file) {
  std::shared_ptr<ProcFs> fs = open_root(def, args);
  int err = fs->check_readable(fs->root_fd(), file);
  if (err) {
    throw Error(std::string(def.name) + ": root '" + args.root + "' has no readable " + file +
                " (" + describe_errno(args.root + "/" + file, err) + ")");
  }
  return fs;
}

}  // namespace proctab
