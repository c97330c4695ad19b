// proc_udp.cpp — proc_udp: one row per line of <root>/net/udp and net/udp6,
// in every network namespace.
//
// Usage:
//   SELECT local_address, local_port, state FROM proc_udp;
//   SELECT u.local_port, f.pid, f.fd FROM proc_udp u JOIN proc_fd f USING (inode);
//   SELECT * FROM proc_udp WHERE drops > 0;  -- receive buffers overflowing
//
// How it works: exactly proc_tcp's (tables/socket.h: one read of each file
// per network namespace into the statement's snapshot, hash-index lookups
// for every pushed-down equality) with parse/udp.h's parser and UDP's own
// columns. UDP sockets use TCP's state numbers: 7 CLOSE for an unconnected
// socket, 1 ESTABLISHED for one connect()ed to a peer.
#include "parse/udp.h"
#include "tables/inet_diag_source.h"

namespace proctab {

namespace {

struct Udp;  // the protocol: defined after the columns, which it names
using UdpSource = DiagInetSource<UdpRow, Udp>;
using C = Column<UdpSource>;
using Row = UdpSource::Row;

constexpr auto kColumns = concat(
    std::to_array<C>({
        with_doc(inet_columns::family<UdpSource>,
                 "'inet' (a line of net/udp) or 'inet6' (net/udp6)."),
        inet_columns::local_address<UdpSource>,
        inet_columns::local_port<UdpSource>,
        inet_columns::remote_address<UdpSource>,
        inet_columns::remote_port<UdpSource>,
        inet_columns::st<UdpSource>,
        with_doc(
            inet_columns::state<UdpSource>,
            "'CLOSE' (st 7) for an unconnected socket — UDP has no LISTEN: a bound, unconnected "
            "socket receiving from anyone is CLOSE — or 'ESTABLISHED' (st 1) for one connect()ed "
            "to a peer. Another number prints as its decimal text."),
        with_doc(
            inet_columns::tx_queue<UdpSource>,
            "Bytes of send-buffer memory in use (sk_wmem_alloc, skb overhead included). Source: "
            "tx_queue."),
        with_doc(inet_columns::rx_queue<UdpSource>,
                 "Bytes of receive-buffer memory in use (udp_rqueue_get: queued datagrams, skb "
                 "overhead included). Source: rx_queue."),
        with_doc(inet_columns::uid<UdpSource>,
                 "Owner's user id, mapped into the reader's user namespace."),
        socket_columns::inode<UdpSource>,
        socket_columns::netns<UdpSource>,
        socket_columns::netns_name<UdpSource>,
        C{"bucket", Affinity::kInteger, kNotPushed,
          "The 'sl' column: the socket's hash bucket (sockets bound to ports that hash alike share "
          "it). Not a key. NULL from netlink.",
          [](const UdpSource&, const Row& r, ResultSink& out) {
            r.netlink ? out.null() : out.integer(r.slot);
          }},
        diag_columns::refcount<UdpSource>,
        diag_columns::pointer<UdpSource>,
        C{"drops", Affinity::kInteger, kNotPushed,
          "Datagrams dropped on receive (sk_drops: receive buffer full, checksum or filter "
          "failures; netlink: SK_MEMINFO_DROPS, the same counter).",
          [](const UdpSource& s, const Row& r, ResultSink& out) {
            if (r.netlink) return skmem_value(s.extra(r), SK_MEMINFO_DROPS, out);
            out.integer(r.drops);
          }},
        diag_columns::source<UdpSource>,
        // ---- from sock_diag only (NULL from /proc text) ----------------------
        diag_columns::cgroup_id<UdpSource>,
        diag_columns::cookie<UdpSource>,
    }),
    diag_columns::memory_columns<UdpSource>());

struct Udp {
  static constexpr const char* kTable = "proc_udp";
  static constexpr const char* kFiles[2] = {"net/udp", "net/udp6"};
  static bool parse_line(std::string_view line, int family, UdpRow& row) {
    return parse_udp_line(line, family, row);
  }
  static constexpr int kFamily = column_index(kColumns, "family");
  static constexpr int kNetns = column_index(kColumns, "netns");
  static constexpr int kState = column_index(kColumns, "state");
  static constexpr int kSt = column_index(kColumns, "st");
  static constexpr int kLocalPort = column_index(kColumns, "local_port");
  static constexpr int kRemotePort = column_index(kColumns, "remote_port");
  static constexpr int kUid = column_index(kColumns, "uid");
  static constexpr bool kRequestSocks = false;
  static constexpr bool kBothFamiliesDump = false;
  static constexpr uint8_t kIpProtocol = IPPROTO_UDP;
  static constexpr uint64_t kSkmem =
      used_mask(kColumns, std::array{"drops", "rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf",
                                     "fwd_alloc", "wmem_queued", "optmem", "backlog_bytes"});
  static constexpr uint64_t kExtras = kSkmem | used_mask(kColumns, std::array{"cgroup_id"});
  static uint8_t extensions(const Request& r) {
    return (r.columns_used & kSkmem) ? diag_ext(INET_DIAG_SKMEMINFO) : 0;
  }
  static bool wants_extras(const Request& r) { return (r.columns_used & kExtras) != 0; }
#ifdef PROCTAB_HAVE_LIBMNL
  static void from_diag(const InetDiagMessage&, UdpRow&) {}
#endif
  static constexpr Plan kPlan = {1000, 1000};
};

}  // namespace

const TableDef& proc_udp_def() {
  static const TableDef def = define_table<UdpSource, kColumns>(
      "proc_udp",
      "One row per UDP socket of every network namespace (UDP-Lite and raw sockets are not "
      "included): from a NETLINK_SOCK_DIAG dump on the live /proc (with socket memory and drops "
      "when a statement reads them), or from the lines of /proc/net/udp and udp6 (root='...', "
      "source='proc'; the hidden column `source` says which).");
  return def;
}

}  // namespace proctab
