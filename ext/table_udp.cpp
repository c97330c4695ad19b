// table_udp.cpp — proc_udp: one row per line of <root>/net/udp and net/udp6,
// in every network namespace.
//
// Usage:
//   SELECT local_address, local_port, state FROM proc_udp;
//   SELECT u.local_port, f.pid, f.fd FROM proc_udp u JOIN proc_fd f USING (inode);
//   SELECT * FROM proc_udp WHERE drops > 0;  -- receive buffers overflowing
//
// How it works: exactly proc_tcp's (socket_table.h: one read of each file per
// network namespace, a per-cursor snapshot, inode hash lookups, the same
// pushdown) with parse_udp.h's parser and UDP's own columns. UDP sockets use
// TCP's state numbers: 7 CLOSE for an unconnected socket, 1 ESTABLISHED for
// one connect()ed to a peer.
#include "parse_udp.h"
#include "socket_table.h"

namespace proctab {

namespace {

enum Col { kBucket = kInetColumns, kRefcount, kPointer, kDrops };

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args);

using A = Affinity;
const TableDef kDef = {
    "proc_udp",
    "One row per line of /proc/net/udp and /proc/net/udp6 of every network namespace: every UDP "
    "socket (UDP-Lite and raw sockets have their own files and are not included).",
    inet_columns(
        {
            .family = "'inet' (a line of net/udp) or 'inet6' (net/udp6).",
            .state = "'CLOSE' (st 7) for an unconnected socket — UDP has no LISTEN: a bound, "
                     "unconnected socket receiving from anyone is CLOSE — or 'ESTABLISHED' (st 1) "
                     "for one connect()ed to a peer. Another number prints as its decimal text.",
            .tx_queue = "Bytes of send-buffer memory in use (sk_wmem_alloc, skb overhead "
                        "included). Source: tx_queue.",
            .rx_queue = "Bytes of receive-buffer memory in use (udp_rqueue_get: queued datagrams, "
                        "skb overhead included). Source: rx_queue.",
            .uid = "Owner's user id, mapped into the reader's user namespace.",
            .inode = "Socket inode: joins proc_fd.inode.",
        },
        {
            {"bucket", A::kInteger, false,
             "The 'sl' column: the socket's hash bucket (sockets bound to ports that hash "
             "alike share it). Not a key."},
            kRefcountColumnDef,
            kPointerColumnDef,
            {"drops", A::kInteger, false,
             "Datagrams dropped on receive (sk_drops: receive buffer full, checksum or filter "
             "failures)."},
        }),
    make,
};

bool udp_column(int column, const UdpRow& r, ResultSink& out) {
  switch (column) {
    case kBucket:
      out.integer(r.slot);
      return true;
    case kDrops:
      out.integer(r.drops);
      return true;
  }
  return false;
}

const InetProtocol<UdpRow> kUdp = {
    "proc_udp", {"net/udp", "net/udp6"}, parse_udp_line, udp_column, kRefcount, kPointer};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args) {
  return std::make_unique<InetTable<UdpRow>>(open_socket_root(def, args, "net/udp"), kUdp);
}

}  // namespace

const TableDef& proc_udp_def() {
  return kDef;
}

}  // namespace proctab
