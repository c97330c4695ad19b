// proc_tcp.cpp — proc_tcp: one row per line of <root>/net/tcp and net/tcp6,
// in every network namespace.
//
// Usage:
//   SELECT state, count(*) FROM proc_tcp GROUP BY state;
//   SELECT * FROM proc_tcp WHERE local_port = 5432 AND state = 'LISTEN';
//   SELECT * FROM proc_tcp WHERE netns = proctab_netns();  -- own namespace only
//   CREATE VIRTUAL TABLE temp.host_tcp USING proc_tcp(root='/host/proc');
//
// How it works: the statement's first scan reads net/tcp (and net/tcp6
// unless `family = 'inet'` rules it out) of every network namespace
// (kernel/netns.h: once per namespace, not per process; only those `netns =`
// names), page by page, parsing each line into a compact binary TcpRow
// (parse/tcp.h) as it arrives: that is the statement's snapshot, shared by
// every cursor of the statement (core/snapshot.h). Every pushed-down equality
// (inode, ports, addresses, state, st, uid, family, netns) is a hash-index
// lookup into it. Text (addresses, names) is formatted only when a column is
// read, so unread columns cost nothing. A missing net/tcp6 (IPv6 disabled) is
// no error; an unreadable net/tcp is.
#include "parse/tcp.h"
#include "tables/socket.h"

namespace proctab {

namespace {

struct Tcp;  // the protocol: defined after the columns, which it names
using TcpSource = InetSource<TcpRow, Tcp>;
using C = Column<TcpSource>;
using A = Affinity;
using Row = TcpSource::Row;

bool full(const Row& r) {
  return r.kind == TcpKind::kSocket;
}

// Schema, in order. The shared inet columns are socket.h's; TCP's own follow.
constexpr std::array kColumns = {
    with_doc(inet_columns::family<TcpSource>, "'inet' (a line of net/tcp) or 'inet6' (net/tcp6)."),
    inet_columns::local_address<TcpSource>,
    inet_columns::local_port<TcpSource>,
    inet_columns::remote_address<TcpSource>,
    inet_columns::remote_port<TcpSource>,
    inet_columns::st<TcpSource>,
    with_doc(inet_columns::state<TcpSource>,
             "State name: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, "
             "CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV, BOUND_INACTIVE; an "
             "unknown number as its decimal text."),
    with_doc(inet_columns::tx_queue<TcpSource>,
             "Send queue, bytes: for LISTEN the accept backlog limit, otherwise bytes not yet "
             "acknowledged (write_seq - snd_una). Source: tx_queue."),
    with_doc(inet_columns::rx_queue<TcpSource>,
             "Receive queue: for LISTEN the current accept backlog, otherwise bytes received "
             "but not yet read. Source: rx_queue."),
    C{"uid", A::kInteger, pushed(1.0 / 10),
      "Owner's user id, mapped into the reader's user namespace; for a SYN_RECV request the "
      "listener's. NULL for timewait rows, whose line prints a constant 0.",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        r.kind == TcpKind::kTimewait ? out.null() : out.integer(r.uid);
      }},
    with_doc(socket_columns::inode<TcpSource>,
             "Socket inode: joins proc_fd.inode. 0 for timewait and request rows (no file)."),
    socket_columns::netns<TcpSource>,
    socket_columns::netns_name<TcpSource>,
    C{"kind", A::kText, kNotPushed,
      "Which kernel printer wrote the line: 'socket' (a full socket, 17 fields), 'request' (a "
      "SYN_RECV request sock) or 'timewait' (TIME_WAIT, or FIN_WAIT2 of a closed socket).",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        out.text(r.kind == TcpKind::kSocket    ? "socket"
                 : r.kind == TcpKind::kRequest ? "request"
                                               : "timewait");
      }},
    C{"slot", A::kInteger, kNotPushed,
      "The 'sl' column: a running counter of this read, not a key.",
      [](const TcpSource&, const Row& r, ResultSink& out) { out.integer(r.slot); }},
    C{"timer", A::kText, kNotPushed,
      "Pending timer ('tr'): 'none', 'retransmit' (retransmit or loss probe), 'keepalive', "
      "'timewait', 'probe' (zero-window probe); an unknown code as its decimal text.",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        if (const char* name = tcp_timer_name(r.timer)) return out.text(name);
        out.text(std::to_string(r.timer));
      }},
    C{"timer_expires_ms", A::kInteger, kNotPushed,
      "Milliseconds until that timer fires ('tm->when', USER_HZ ticks converted); 0 with no "
      "timer.",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        out.integer(ticks_to_ms(r.timer_ticks));
      }},
    C{"retransmits", A::kInteger, kNotPushed,
      "Unrecovered RTO timeouts ('retrnsmt'); for a request sock, SYN-ACK retransmits.",
      [](const TcpSource&, const Row& r, ResultSink& out) { out.integer(r.retransmits); }},
    C{"probes", A::kInteger, kNotPushed,
      "Unanswered zero-window / keepalive probes (the 'timeout' column, icsk_probes_out).",
      [](const TcpSource&, const Row& r, ResultSink& out) { out.integer(r.probes); }},
    socket_columns::refcount<TcpSource>,
    socket_columns::pointer<TcpSource>,
    C{"rto_ms", A::kInteger, kNotPushed,
      "Retransmission timeout, ms (full sockets only; else NULL).",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        full(r) ? out.integer(ticks_to_ms(r.rto_ticks)) : out.null();
      }},
    C{"ato_ms", A::kInteger, kNotPushed, "Delayed-ACK timeout, ms (full sockets only; else NULL).",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        full(r) ? out.integer(ticks_to_ms(r.ato_ticks)) : out.null();
      }},
    C{"quick_ack", A::kInteger, kNotPushed,
      "Quick-ACK count (icsk_ack.quick, the field's upper bits; full sockets only).",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        full(r) ? out.integer(r.quick) : out.null();
      }},
    C{"pingpong", A::kInteger, kNotPushed,
      "1 if the socket is in interactive (ping-pong, delayed-ACK) mode, else 0 (the field's low "
      "bit; full sockets only).",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        full(r) ? out.integer(r.pingpong ? 1 : 0) : out.null();
      }},
    C{"snd_cwnd", A::kInteger, kNotPushed, "Congestion window, segments (full sockets only).",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        full(r) ? out.integer(r.snd_cwnd) : out.null();
      }},
    C{"ssthresh", A::kInteger, kNotPushed,
      "Slow-start threshold, segments; NULL while in initial slow start (printed -1), for LISTEN "
      "sockets and for non-full rows.",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        (!full(r) || r.st == 10 || r.ssthresh == -1) ? out.null() : out.integer(r.ssthresh);
      }},
    C{"fastopen_queue_max", A::kInteger, kNotPushed,
      "LISTEN sockets only: the TCP Fast Open queue limit, which the kernel prints in the "
      "ssthresh field (0 = Fast Open off). NULL for other rows.",
      [](const TcpSource&, const Row& r, ResultSink& out) {
        (!full(r) || r.st != 10) ? out.null() : out.integer(r.ssthresh);
      }},
};

struct Tcp {
  static constexpr const char* kTable = "proc_tcp";
  static constexpr const char* kFiles[2] = {"net/tcp", "net/tcp6"};
  static bool parse_line(std::string_view line, int family, TcpRow& row) {
    return parse_tcp_line(line, family, row);
  }
  static constexpr int kFamily = column_index(kColumns, "family");
  static constexpr int kNetns = column_index(kColumns, "netns");
  // A full read is about 1000 rows of work (the unit the other tables'
  // costs are measured in; bench/ has the figures).
  static constexpr Plan kPlan = {1000, 1000};
};

}  // namespace

const TableDef& proc_tcp_def() {
  static const TableDef def = define_table<TcpSource, kColumns>(
      "proc_tcp",
      "One row per line of /proc/net/tcp and /proc/net/tcp6 of every network namespace: every "
      "TCP socket, including TIME_WAIT and SYN_RECV entries that belong to no process.");
  return def;
}

}  // namespace proctab
