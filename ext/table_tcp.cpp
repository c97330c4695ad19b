// table_tcp.cpp — proc_tcp: one row per line of <root>/net/tcp and net/tcp6.
//
// Usage:
//   SELECT state, count(*) FROM proc_tcp GROUP BY state;
//   SELECT * FROM proc_tcp WHERE local_port = 5432 AND state = 'LISTEN';
//   SELECT * FROM proc_tcp WHERE netns = proctab_netns();  -- own namespace only
//   CREATE VIRTUAL TABLE temp.host_tcp USING proc_tcp(root='/host/proc');
//
// How it works: the first xFilter of a cursor reads net/tcp (and net/tcp6
// unless `family = 'inet'` rules it out) of every network namespace (netns.h:
// once per namespace, not per process; only those `netns =` names), in a few
// large reads, parses every line into a compact binary TcpRow (parse_tcp.h)
// and keeps them: that is the statement's snapshot (socket_table.h, shared
// with proc_udp). Later xFilter calls on the same cursor — the inner
// side of a nested-loop join — answer from it: `inode = X` through a hash
// index built on first use, other pushed-down equalities (family, ports, st,
// state) by a per-row test. Text (addresses, names) is formatted only in
// xColumn, so unread columns cost nothing. A missing net/tcp6 (IPv6
// disabled) is no error; an unreadable net/tcp is.
#include <unistd.h>

#include "socket_table.h"

namespace proctab {

namespace {

enum Col {
  kKind = kInetColumns,
  kSlot,
  kTimer,
  kTimerExpiresMs,
  kRetransmits,
  kProbes,
  kRefcount,
  kPointer,
  kRtoMs,
  kAtoMs,
  kQuickAck,
  kPingpong,
  kSndCwnd,
  kSsthresh,
  kFastopenQueueMax,
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args);

using A = Affinity;
const TableDef kDef = {
    "proc_tcp",
    "One row per line of /proc/net/tcp and /proc/net/tcp6 of every network namespace: every TCP "
    "socket, including TIME_WAIT and SYN_RECV entries that belong to no process.",
    inet_columns(
        {
            .family = "'inet' (a line of net/tcp) or 'inet6' (net/tcp6).",
            .state = "State name: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, "
                     "TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV, "
                     "BOUND_INACTIVE; an unknown number as its decimal text.",
            .tx_queue = "Send queue, bytes: for LISTEN the accept backlog limit, otherwise bytes "
                        "not yet acknowledged (write_seq - snd_una). Source: tx_queue.",
            .rx_queue = "Receive queue: for LISTEN the current accept backlog, otherwise bytes "
                        "received but not yet read. Source: rx_queue.",
            .uid = "Owner's user id, mapped into the reader's user namespace; for a SYN_RECV "
                   "request the listener's. NULL for timewait rows, whose line prints a constant "
                   "0.",
            .inode = "Socket inode: joins proc_fd.inode. 0 for timewait and request rows (no "
                     "file).",
        },
        {
            {"kind", A::kText, false,
             "Which kernel printer wrote the line: 'socket' (a full socket, 17 fields), "
             "'request' (a SYN_RECV request sock) or 'timewait' (TIME_WAIT, or FIN_WAIT2 of a "
             "closed socket)."},
            {"slot", A::kInteger, false,
             "The 'sl' column: a running counter of this read, not a key."},
            {"timer", A::kText, false,
             "Pending timer ('tr'): 'none', 'retransmit' (retransmit or loss probe), "
             "'keepalive', 'timewait', 'probe' (zero-window probe); an unknown code as its "
             "decimal text."},
            {"timer_expires_ms", A::kInteger, false,
             "Milliseconds until that timer fires ('tm->when', USER_HZ ticks converted); 0 with "
             "no timer."},
            {"retransmits", A::kInteger, false,
             "Unrecovered RTO timeouts ('retrnsmt'); for a request sock, SYN-ACK retransmits."},
            {"probes", A::kInteger, false,
             "Unanswered zero-window / keepalive probes (the 'timeout' column, "
             "icsk_probes_out)."},
            kRefcountColumnDef,
            kPointerColumnDef,
            {"rto_ms", A::kInteger, false,
             "Retransmission timeout, ms (full sockets only; else NULL)."},
            {"ato_ms", A::kInteger, false,
             "Delayed-ACK timeout, ms (full sockets only; else NULL)."},
            {"quick_ack", A::kInteger, false,
             "Quick-ACK count (icsk_ack.quick, the field's upper bits; full sockets only)."},
            {"pingpong", A::kInteger, false,
             "1 if the socket is in interactive (ping-pong, delayed-ACK) mode, else 0 (the "
             "field's low bit; full sockets only)."},
            {"snd_cwnd", A::kInteger, false, "Congestion window, segments (full sockets only)."},
            {"ssthresh", A::kInteger, false,
             "Slow-start threshold, segments; NULL while in initial slow start (printed -1), "
             "for LISTEN sockets and for non-full rows."},
            {"fastopen_queue_max", A::kInteger, false,
             "LISTEN sockets only: the TCP Fast Open queue limit, which the kernel prints in "
             "the ssthresh field (0 = Fast Open off). NULL for other rows."},
        }),
    make,
};

int64_t ticks_to_ms(uint64_t ticks) {
  static const long hz = [] {
    long v = sysconf(_SC_CLK_TCK);
    return v > 0 ? v : 100;
  }();
  if (ticks > static_cast<uint64_t>(INT64_MAX) / 1000) return INT64_MAX;
  return static_cast<int64_t>(ticks * 1000 / static_cast<uint64_t>(hz));
}

bool tcp_column(int column, const TcpRow& r, ResultSink& out) {
  const bool full = r.kind == TcpKind::kSocket;
  switch (column) {
    case kInetUid:
      if (r.kind != TcpKind::kTimewait) return false;
      out.null();
      return true;
    case kKind:
      out.text(r.kind == TcpKind::kSocket    ? "socket"
               : r.kind == TcpKind::kRequest ? "request"
                                             : "timewait");
      return true;
    case kSlot:
      out.integer(r.slot);
      return true;
    case kTimer:
      if (const char* name = tcp_timer_name(r.timer)) {
        out.text(name);
      } else {
        out.text(std::to_string(r.timer));
      }
      return true;
    case kTimerExpiresMs:
      out.integer(ticks_to_ms(r.timer_ticks));
      return true;
    case kRetransmits:
      out.integer(r.retransmits);
      return true;
    case kProbes:
      out.integer(r.probes);
      return true;
    case kRtoMs:
      full ? out.integer(ticks_to_ms(r.rto_ticks)) : out.null();
      return true;
    case kAtoMs:
      full ? out.integer(ticks_to_ms(r.ato_ticks)) : out.null();
      return true;
    case kQuickAck:
      full ? out.integer(r.quick) : out.null();
      return true;
    case kPingpong:
      full ? out.integer(r.pingpong ? 1 : 0) : out.null();
      return true;
    case kSndCwnd:
      full ? out.integer(r.snd_cwnd) : out.null();
      return true;
    case kSsthresh:
      (!full || r.st == 10 || r.ssthresh == -1) ? out.null() : out.integer(r.ssthresh);
      return true;
    case kFastopenQueueMax:
      (!full || r.st != 10) ? out.null() : out.integer(r.ssthresh);
      return true;
  }
  return false;
}

const InetProtocol<TcpRow> kTcp = {
    "proc_tcp", {"net/tcp", "net/tcp6"}, parse_tcp_line, tcp_column, kRefcount, kPointer};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args) {
  return std::make_unique<InetTable<TcpRow>>(open_socket_root(def, args, "net/tcp"), kTcp);
}

}  // namespace

const TableDef& proc_tcp_def() {
  return kDef;
}

}  // namespace proctab
