// proc_icmp.cpp — proc_icmp: one row per line of <root>/net/icmp and
// net/icmp6, in every network namespace: the ICMP "ping" sockets
// (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)), which let an unprivileged
// ping send echo requests without a raw socket (net.ipv4.ping_group_range).
//
// Usage:
//   SELECT i.ident, f.pid FROM proc_icmp i JOIN proc_fd f USING (inode);
//
// A ping socket is listed once bound, or once it sent (which binds it):
// until then it is in no hash table and in no file.
//
// How it works: as proc_udp and proc_raw (tables/socket.h): the kernel prints
// ping sockets in UDP's line format (net/ipv4/ping.c ping_v4_format_sock),
// with the echo identifier where UDP prints the local port.
#include "parse/udp.h"
#include "tables/socket.h"

namespace proctab {

namespace {

struct Icmp;  // the protocol: defined after the columns, which it names
using IcmpSource = InetSource<UdpRow, Icmp>;
using C = Column<IcmpSource>;
using Row = IcmpSource::Row;

constexpr std::array kColumns = {
    with_doc(inet_columns::family<IcmpSource>,
             "'inet' (a line of net/icmp: ICMP) or 'inet6' (net/icmp6: ICMPv6)."),
    with_doc(inet_columns::local_address<IcmpSource>,
             "Local IP address the socket is bound to ('0.0.0.0' / '::' if unbound), inet_ntop "
             "text."),
    C{"ident", Affinity::kInteger, pushed(1.0 / 20),
      "The echo identifier of the socket's requests (its bound 'port', the local_address port "
      "of the line).",
      [](const IcmpSource&, const Row& r, ResultSink& out) { out.integer(r.local_port); }},
    with_doc(inet_columns::remote_address<IcmpSource>,
             "Remote IP address after connect() ('0.0.0.0' / '::' when unconnected)."),
    inet_columns::st<IcmpSource>,
    with_doc(inet_columns::state<IcmpSource>, dgram_columns::kStateDoc),
    with_doc(inet_columns::tx_queue<IcmpSource>, dgram_columns::kTxQueueDoc),
    with_doc(inet_columns::rx_queue<IcmpSource>, dgram_columns::kRxQueueDoc),
    with_doc(inet_columns::uid<IcmpSource>, dgram_columns::kUidDoc),
    socket_columns::inode<IcmpSource>,
    socket_columns::netns<IcmpSource>,
    socket_columns::netns_name<IcmpSource>,
    dgram_columns::bucket<IcmpSource>,
    socket_columns::refcount<IcmpSource>,
    socket_columns::pointer<IcmpSource>,
    dgram_columns::drops<IcmpSource>,
};

struct Icmp {
  static constexpr const char* kTable = "proc_icmp";
  static constexpr const char* kFiles[2] = {"net/icmp", "net/icmp6"};
  static bool parse_line(std::string_view line, int family, UdpRow& row) {
    return parse_udp_line(line, family, row);
  }
  static constexpr int kFamily = column_index(kColumns, "family");
  static constexpr int kNetns = column_index(kColumns, "netns");
  static constexpr Plan kPlan = {20, 20};
};

}  // namespace

const TableDef& proc_icmp_def() {
  static const TableDef def = define_table<IcmpSource, kColumns>(
      "proc_icmp",
      "One row per line of /proc/net/icmp and /proc/net/icmp6 of every network namespace: every "
      "bound ICMP ping socket (SOCK_DGRAM, IPPROTO_ICMP / ICMPV6), as unprivileged ping uses.");
  return def;
}

}  // namespace proctab
