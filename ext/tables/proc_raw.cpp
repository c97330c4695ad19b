// proc_raw.cpp — proc_raw: one row per line of <root>/net/raw and net/raw6,
// in every network namespace: the raw IP sockets (SOCK_RAW of AF_INET /
// AF_INET6), which see every packet of their IP protocol — ss -w.
//
// Usage:
//   SELECT r.protocol_name, f.pid, p.name FROM proc_raw r
//     JOIN proc_fd f USING (inode) JOIN proc_process p USING (pid);   -- who sniffs
//   SELECT * FROM proc_raw WHERE protocol = 1;                          -- raw ICMP
//
// How it works: exactly proc_udp's (tables/socket.h: one read of each file
// per network namespace into the statement's snapshot, hash lookups for
// every pushed-down equality): the kernel prints raw sockets in UDP's line
// format (net/ipv4/raw.c raw_sock_seq_show, net/ipv6/datagram.c), with the
// socket's IP protocol number where UDP prints the local port, and 0 as the
// remote port.
#include "parse/udp.h"
#include "tables/socket.h"

namespace proctab {

namespace {

struct Raw;  // the protocol: defined after the columns, which it names
using RawSource = InetSource<UdpRow, Raw>;
using C = Column<RawSource>;
using Row = RawSource::Row;

constexpr std::array kColumns = {
    with_doc(inet_columns::family<RawSource>, "'inet' (a line of net/raw) or 'inet6' (net/raw6)."),
    with_doc(inet_columns::local_address<RawSource>,
             "Local IP address the socket is bound to ('0.0.0.0' / '::': every address), "
             "inet_ntop text."),
    C{"protocol", Affinity::kInteger, pushed(1.0 / 5),
      "The IP protocol the socket receives and sends (its socket(2) protocol; the local_address "
      "'port' of the line): 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6, 255 IPPROTO_RAW (send only).",
      [](const RawSource&, const Row& r, ResultSink& out) { out.integer(r.local_port); }},
    C{"protocol_name", Affinity::kText, kNotPushed,
      "That protocol's name ('icmp', 'tcp', 'udp', 'icmpv6', 'raw', ...); NULL for another "
      "number.",
      [](const RawSource&, const Row& r, ResultSink& out) {
        const char* name = ip_protocol_name(r.local_port);
        name ? out.text(name) : out.null();
      }},
    with_doc(inet_columns::remote_address<RawSource>,
             "Remote IP address after connect() ('0.0.0.0' / '::' when unconnected)."),
    inet_columns::st<RawSource>,
    with_doc(inet_columns::state<RawSource>, dgram_columns::kStateDoc),
    with_doc(inet_columns::tx_queue<RawSource>, dgram_columns::kTxQueueDoc),
    with_doc(inet_columns::rx_queue<RawSource>, dgram_columns::kRxQueueDoc),
    with_doc(inet_columns::uid<RawSource>, dgram_columns::kUidDoc),
    socket_columns::inode<RawSource>,
    socket_columns::netns<RawSource>,
    socket_columns::netns_name<RawSource>,
    dgram_columns::bucket<RawSource>,
    socket_columns::refcount<RawSource>,
    socket_columns::pointer<RawSource>,
    dgram_columns::drops<RawSource>,
};

struct Raw {
  static constexpr const char* kTable = "proc_raw";
  static constexpr const char* kFiles[2] = {"net/raw", "net/raw6"};
  static bool parse_line(std::string_view line, int family, UdpRow& row) {
    return parse_udp_line(line, family, row);
  }
  static constexpr int kFamily = column_index(kColumns, "family");
  static constexpr int kNetns = column_index(kColumns, "netns");
  static constexpr Plan kPlan = {20, 20};  // a few raw sockets, if any
};

}  // namespace

const TableDef& proc_raw_def() {
  static const TableDef def = define_table<RawSource, kColumns>(
      "proc_raw",
      "One row per line of /proc/net/raw and /proc/net/raw6 of every network namespace: every "
      "raw IP socket, each receiving all packets of its IP protocol (ss -w).");
  return def;
}

}  // namespace proctab
