// proc_tcp.cpp — proc_tcp: one row per TCP socket of every network namespace,
// from sock_diag (tables/inet_diag_source.h) or the lines of <root>/net/tcp
// and net/tcp6.
//
// Usage:
//   SELECT state, count(*) FROM proc_tcp GROUP BY state;
//   SELECT * FROM proc_tcp WHERE local_port = 5432 AND state = 'LISTEN';
//   SELECT * FROM proc_tcp WHERE netns = proctab_netns();  -- own namespace only
//   CREATE VIRTUAL TABLE temp.host_tcp USING proc_tcp(root='/host/proc');
//
// How it works (source 'netlink', the default on the live /proc): one
// sock_diag dump per namespace and family, with the pushed-down states and
// ports handed to the kernel and tcp_info / congestion / socket memory asked
// only for a statement that reads those columns (tables/inet_diag_source.h).
// Source 'proc' (root='...', source='proc'): the statement's first scan reads net/tcp (and net/tcp6
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
#include "tables/inet_diag_source.h"

namespace proctab {

namespace {

struct Tcp;  // the protocol: defined after the columns, which it names
using TcpSource = DiagInetSource<TcpRow, Tcp>;
using C = Column<TcpSource>;
using A = Affinity;
using Row = TcpSource::Row;

bool full(const Row& r) {
  return r.kind == TcpKind::kSocket;
}

// A tcp_info field of a netlink row's extras; NULL for a /proc row, a row
// that is no full socket, or a field past what the kernel sent.
//
// A listener's tcp_info is cut short: tcp_get_info() fills the pacing rates,
// reordering and snd_cwnd, puts the accept queue and its limit in unacked and
// sacked, and returns, so every other field is a zero the kernel never
// measured (ss -ti prints none of them). Those are NULL here.
bool listener_reports(size_t offset) {
  constexpr size_t kReported[] = {
      offsetof(tcp_info, tcpi_state),           offsetof(tcp_info, tcpi_pacing_rate),
      offsetof(tcp_info, tcpi_max_pacing_rate), offsetof(tcp_info, tcpi_reordering),
      offsetof(tcp_info, tcpi_snd_cwnd),        offsetof(tcp_info, tcpi_unacked),
      offsetof(tcp_info, tcpi_sacked)};
  for (size_t reported : kReported) {
    if (offset == reported) return true;
  }
  return false;
}

template <typename T>
const T* info_field(const TcpSource& s, const Row& r, T tcp_info::*field) {
  const DiagExtra* e = s.extra(r);
  if (!e || !full(r) || e->info_len == 0) return nullptr;
  const T& v = e->info.*field;
  const size_t offset = static_cast<size_t>(reinterpret_cast<const char*>(&v) -
                                            reinterpret_cast<const char*>(&e->info));
  if (r.st == 10 && !listener_reports(offset)) return nullptr;  // LISTEN
  return offset + sizeof v <= e->info_len ? &v : nullptr;
}

template <typename T>
void info_integer(const TcpSource& s, const Row& r, ResultSink& out, T tcp_info::*field) {
  const T* v = info_field(s, r, field);
  v ? out.integer(static_cast<int64_t>(*v)) : out.null();
}

// A rate in bytes/s; ~0 is the kernel's "unlimited" (a listener, no pacing).
void info_rate(const TcpSource& s, const Row& r, ResultSink& out, __u64 tcp_info::*field) {
  const __u64* v = info_field(s, r, field);
  if (!v || *v >= static_cast<__u64>(INT64_MAX)) return out.null();
  out.integer(static_cast<int64_t>(*v));
}

// A column of one integer tcp_info field.
template <auto Field>
constexpr C info_column(const char* name, const char* doc) {
  return C{
      name, A::kInteger, kNotPushed, doc,
      [](const TcpSource& s, const Row& r, ResultSink& out) { info_integer(s, r, out, Field); }};
}

const char* ca_state_name(unsigned st) {
  static constexpr const char* kNames[] = {"open", "disorder", "cwr", "recovery", "loss"};
  return st < 5 ? kNames[st] : nullptr;
}

// Schema, in order. The shared inet columns are socket.h's; TCP's own follow.
constexpr auto kColumns = concat(
    std::to_array<C>({
        with_doc(inet_columns::family<TcpSource>,
                 "'inet' (a line of net/tcp) or 'inet6' (net/tcp6)."),
        inet_columns::local_address<TcpSource>,
        inet_columns::local_port<TcpSource>,
        inet_columns::remote_address<TcpSource>,
        inet_columns::remote_port<TcpSource>,
        inet_columns::st<TcpSource>,
        with_doc(inet_columns::state<TcpSource>,
                 "State name: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, "
                 "CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV, BOUND_INACTIVE; an "
                 "unknown number as its decimal text."),
        C{"tx_queue", A::kInteger, kNotPushed,
          "Send queue: bytes not yet acknowledged (write_seq - snd_una; 0 for LISTEN, as /proc "
          "prints it: the backlog limit is accept_queue_max). Source: tx_queue, or idiag_wqueue.",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            // inet_diag's wqueue of a listener is its backlog limit (what ss
            // shows as Send-Q); /proc text prints 0 there.
            out.integer(r.netlink && r.st == 10 ? 0 : static_cast<int64_t>(r.tx_queue));
          }},
        with_doc(inet_columns::rx_queue<TcpSource>,
                 "Receive queue: for LISTEN the current accept backlog, otherwise bytes received "
                 "but not yet read. Source: rx_queue."),
        C{"uid", A::kInteger, pushed(1.0 / 10),
          "Owner's user id, mapped into the reader's user namespace; for a SYN_RECV request the "
          "listener's (netlink: found by its address and port among the dump's listeners, NULL if "
          "it is gone). NULL for timewait rows, whose line prints a constant 0.",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            (r.kind == TcpKind::kTimewait || (r.netlink && r.uid == kUnknownUid))
                ? out.null()
                : out.integer(r.uid);
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
          "The 'sl' column: a running counter of this read, not a key. NULL from netlink.",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            r.netlink ? out.null() : out.integer(r.slot);
          }},
        C{"timer", A::kText, kNotPushed,
          "Pending timer ('tr'): 'none', 'retransmit' (retransmit or loss probe), 'keepalive', "
          "'timewait', 'probe' (zero-window probe); an unknown code as its decimal text.",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            if (const char* name = tcp_timer_name(r.timer)) return out.text(name);
            out.text(std::to_string(r.timer));
          }},
        C{"timer_expires_ms", A::kInteger, kNotPushed,
          "Milliseconds until that timer fires; 0 with no timer. From /proc text 'tm->when' in "
          "USER_HZ ticks (10 ms steps), from netlink idiag_expires (ms).",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            out.integer(r.netlink ? static_cast<int64_t>(r.timer_ticks)
                                  : ticks_to_ms(r.timer_ticks));
          }},
        C{"retransmits", A::kInteger, kNotPushed,
          "Unrecovered RTO timeouts ('retrnsmt'; netlink: tcpi_retransmits); for a request sock, "
          "SYN-ACK retransmits (netlink: num_retrans, /proc: num_timeout).",
          [](const TcpSource&, const Row& r, ResultSink& out) { out.integer(r.retransmits); }},
        C{"probes", A::kInteger, kNotPushed,
          "Unanswered zero-window / keepalive probes (the 'timeout' column, icsk_probes_out; "
          "netlink: tcpi_probes).",
          [](const TcpSource&, const Row& r, ResultSink& out) { out.integer(r.probes); }},
        diag_columns::refcount<TcpSource>,
        diag_columns::pointer<TcpSource>,
        C{"rto_ms", A::kInteger, kNotPushed,
          "Retransmission timeout, ms (full sockets only; else NULL). /proc text gives 10 ms steps "
          "(USER_HZ), netlink the exact value (tcpi_rto, truncated to ms).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            if (!r.netlink) return full(r) ? out.integer(ticks_to_ms(r.rto_ticks)) : out.null();
            const __u32* v = info_field(s, r, &tcp_info::tcpi_rto);
            v ? out.integer(*v / 1000) : out.null();
          }},
        C{"ato_ms", A::kInteger, kNotPushed,
          "Delayed-ACK timeout, ms (full sockets only; else NULL; steps as rto_ms).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            if (!r.netlink) return full(r) ? out.integer(ticks_to_ms(r.ato_ticks)) : out.null();
            const __u32* v = info_field(s, r, &tcp_info::tcpi_ato);
            v ? out.integer(*v / 1000) : out.null();
          }},
        C{"quick_ack", A::kInteger, kNotPushed,
          "Quick-ACK count (icsk_ack.quick, the field's upper bits; full sockets only). NULL from "
          "netlink (tcp_info lacks it).",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            full(r) && !r.netlink ? out.integer(r.quick) : out.null();
          }},
        C{"pingpong", A::kInteger, kNotPushed,
          "1 if the socket is in interactive (ping-pong, delayed-ACK) mode, else 0 (the field's "
          "low "
          "bit; full sockets only). NULL from netlink (tcp_info lacks it).",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            full(r) && !r.netlink ? out.integer(r.pingpong ? 1 : 0) : out.null();
          }},
        C{"snd_cwnd", A::kInteger, kNotPushed,
          "Congestion window, segments (full sockets only; netlink: tcpi_snd_cwnd).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            if (r.netlink) return info_integer(s, r, out, &tcp_info::tcpi_snd_cwnd);
            full(r) ? out.integer(r.snd_cwnd) : out.null();
          }},
        C{"ssthresh", A::kInteger, kNotPushed,
          "Slow-start threshold, segments; NULL while in initial slow start (printed -1), for "
          "LISTEN "
          "sockets and for non-full rows (netlink: tcpi_snd_ssthresh, NULL at its 'infinite' "
          "0x7fffffff).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            if (r.netlink) {
              const __u32* v = info_field(s, r, &tcp_info::tcpi_snd_ssthresh);
              return v && r.st != 10 && *v < 0x7fffffff ? out.integer(*v) : out.null();
            }
            (!full(r) || r.st == 10 || r.ssthresh == -1) ? out.null() : out.integer(r.ssthresh);
          }},
        C{"fastopen_queue_max", A::kInteger, kNotPushed,
          "LISTEN sockets only: the TCP Fast Open queue limit, which the kernel prints in the "
          "ssthresh field (0 = Fast Open off). NULL for other rows, and from netlink.",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            (!full(r) || r.st != 10 || r.netlink) ? out.null() : out.integer(r.ssthresh);
          }},
        diag_columns::source<TcpSource>,
        // ---- from sock_diag only (NULL from /proc text) ----------------------
        // INET_DIAG_CONG
        C{"congestion", A::kText, kNotPushed,
          "Congestion control algorithm: 'cubic', 'bbr', 'reno', ... (full sockets).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            const DiagExtra* e = s.extra(r);
            e && e->congestion[0] ? out.text(e->congestion) : out.null();
          }},
        // INET_DIAG_CGROUP_ID (sent unasked)
        diag_columns::cgroup_id<TcpSource>,
        diag_columns::cookie<TcpSource>,
    }),
    diag_columns::memory_columns<TcpSource>(),
    std::to_array<C>({
        diag_columns::skmem<TcpSource, SK_MEMINFO_DROPS>(
            "drops", "Packets dropped on receive (sk_drops; skmem 'd')."),
        C{"accept_queue_max", A::kInteger, kNotPushed,
          "LISTEN sockets: the accept backlog limit (listen()'s backlog, capped by somaxconn; ss's "
          "Send-Q of a listener). rx_queue is its current length. NULL for other rows.",
          [](const TcpSource&, const Row& r, ResultSink& out) {
            r.netlink&& r.st == 10 ? out.integer(static_cast<int64_t>(r.tx_queue)) : out.null();
          }},
        // tcp_info (INET_DIAG_INFO), full sockets only; names as `ss -ti` prints them.
        info_column<&tcp_info::tcpi_rtt>("rtt_us",
                                         "Smoothed round-trip time, µs (tcpi_rtt; ss 'rtt:')."),
        info_column<&tcp_info::tcpi_rttvar>("rttvar_us",
                                            "Round-trip time variation, µs (tcpi_rttvar)."),
        info_column<&tcp_info::tcpi_min_rtt>("min_rtt_us",
                                             "Lowest round-trip time seen, µs (tcpi_min_rtt)."),
        info_column<&tcp_info::tcpi_snd_mss>("snd_mss",
                                             "Send maximum segment size, bytes (ss 'mss:')."),
        info_column<&tcp_info::tcpi_rcv_mss>("rcv_mss",
                                             "Receive MSS estimate, bytes (ss 'rcvmss:')."),
        info_column<&tcp_info::tcpi_advmss>("advmss", "Advertised MSS, bytes (ss 'advmss:')."),
        info_column<&tcp_info::tcpi_pmtu>("pmtu", "Path MTU, bytes (ss 'pmtu:')."),
        C{"ca_state", A::kText, kNotPushed,
          "Congestion-avoidance state: 'open', 'disorder', 'cwr', 'recovery', 'loss'.",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            const __u8* v = info_field(s, r, &tcp_info::tcpi_ca_state);
            const char* name = v ? ca_state_name(*v) : nullptr;
            name ? out.text(name) : out.null();
          }},
        C{"options", A::kText, kNotPushed,
          "Negotiated options as `ss -ti` names them, blank-separated: 'ts', 'sack', 'wscale', "
          "'ecn', 'ecnseen', 'fastopen' (tcpi_options); '' for none.",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            const __u8* v = info_field(s, r, &tcp_info::tcpi_options);
            if (!v) return out.null();
            std::string text;
            const std::pair<unsigned, const char*> bits[] = {
                {TCPI_OPT_TIMESTAMPS, "ts"},    {TCPI_OPT_SACK, "sack"},
                {TCPI_OPT_WSCALE, "wscale"},    {TCPI_OPT_ECN, "ecn"},
                {TCPI_OPT_ECN_SEEN, "ecnseen"}, {TCPI_OPT_SYN_DATA, "fastopen"}};
            for (const auto& [bit, name] : bits) {
              if (*v & bit) text += text.empty() ? name : std::string(" ") + name;
            }
            out.text(text);
          }},
        C{"snd_wscale", A::kInteger, kNotPushed,
          "Send window scale shift (with the wscale option; ss 'wscale:S,R').",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            const __u8* v = info_field(s, r, &tcp_info::tcpi_options);
            if (!v || !(*v & TCPI_OPT_WSCALE)) return out.null();
            out.integer(s.extra(r)->info.tcpi_snd_wscale);
          }},
        C{"rcv_wscale", A::kInteger, kNotPushed, "Receive window scale shift (with wscale).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            const __u8* v = info_field(s, r, &tcp_info::tcpi_options);
            if (!v || !(*v & TCPI_OPT_WSCALE)) return out.null();
            out.integer(s.extra(r)->info.tcpi_rcv_wscale);
          }},
        info_column<&tcp_info::tcpi_backoff>("backoff",
                                             "RTO exponential backoff count (ss 'backoff:')."),
        info_column<&tcp_info::tcpi_unacked>("unacked",
                                             "Segments sent and not yet acknowledged (ss "
                                             "'unacked:'); for LISTEN the kernel puts its "
                                             "accept queue length here."),
        info_column<&tcp_info::tcpi_sacked>(
            "sacked",
            "Segments selectively acknowledged (ss 'sacked:'); for LISTEN the backlog limit."),
        info_column<&tcp_info::tcpi_lost>("lost", "Segments presumed lost now (ss 'lost:')."),
        info_column<&tcp_info::tcpi_retrans>(
            "retrans_segs",
            "Retransmitted segments not yet acknowledged (tcpi_retrans; ss 'retrans:N/total')."),
        info_column<&tcp_info::tcpi_total_retrans>(
            "total_retrans",
            "Segments retransmitted over the connection's life (tcpi_total_retrans)."),
        info_column<&tcp_info::tcpi_reordering>("reordering",
                                                "Reordering distance estimate, segments."),
        info_column<&tcp_info::tcpi_reord_seen>("reord_seen",
                                                "Reordering events seen (ss 'reord_seen:')."),
        info_column<&tcp_info::tcpi_dsack_dups>("dsack_dups",
                                                "Duplicate segments reported by D-SACK."),
        info_column<&tcp_info::tcpi_bytes_sent>(
            "bytes_sent", "Bytes sent, retransmissions included (tcpi_bytes_sent)."),
        info_column<&tcp_info::tcpi_bytes_acked>(
            "bytes_acked", "Bytes the peer acknowledged (ss 'bytes_acked:')."),
        info_column<&tcp_info::tcpi_bytes_received>("bytes_received",
                                                    "Bytes received (ss 'bytes_received:')."),
        info_column<&tcp_info::tcpi_bytes_retrans>("bytes_retrans",
                                                   "Bytes retransmitted (ss 'bytes_retrans:')."),
        info_column<&tcp_info::tcpi_segs_out>("segs_out", "Segments sent (ss 'segs_out:')."),
        info_column<&tcp_info::tcpi_segs_in>("segs_in", "Segments received (ss 'segs_in:')."),
        info_column<&tcp_info::tcpi_data_segs_out>("data_segs_out", "Segments sent carrying data."),
        info_column<&tcp_info::tcpi_data_segs_in>("data_segs_in",
                                                  "Segments received carrying data."),
        info_column<&tcp_info::tcpi_delivered>(
            "delivered", "Segments delivered (acknowledged), retransmits too."),
        info_column<&tcp_info::tcpi_delivered_ce>(
            "delivered_ce", "Delivered segments that carried an ECN CE mark."),
        C{"delivery_rate", A::kInteger, kNotPushed,
          "Most recent delivery rate sample, bytes/s (ss 'delivery_rate' prints bits/s).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            info_rate(s, r, out, &tcp_info::tcpi_delivery_rate);
          }},
        C{"delivery_rate_app_limited", A::kInteger, kNotPushed,
          "1 if that sample was limited by the application (ss 'app_limited'), else 0.",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            if (!info_field(s, r, &tcp_info::tcpi_rto)) return out.null();
            out.integer(s.extra(r)->info.tcpi_delivery_rate_app_limited);
          }},
        C{"pacing_rate", A::kInteger, kNotPushed,
          "Pacing rate, bytes/s; NULL when unlimited (the kernel's ~0, e.g. a listener).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            info_rate(s, r, out, &tcp_info::tcpi_pacing_rate);
          }},
        C{"max_pacing_rate", A::kInteger, kNotPushed,
          "SO_MAX_PACING_RATE, bytes/s; NULL when unlimited (the default).",
          [](const TcpSource& s, const Row& r, ResultSink& out) {
            info_rate(s, r, out, &tcp_info::tcpi_max_pacing_rate);
          }},
        info_column<&tcp_info::tcpi_notsent_bytes>(
            "notsent_bytes", "Bytes written but not yet sent (ss 'notsent:')."),
        info_column<&tcp_info::tcpi_last_data_sent>("last_data_sent_ms",
                                                    "Milliseconds since data was last sent."),
        info_column<&tcp_info::tcpi_last_data_recv>("last_data_recv_ms",
                                                    "Milliseconds since data was last received."),
        info_column<&tcp_info::tcpi_last_ack_recv>("last_ack_recv_ms",
                                                   "Milliseconds since an ACK was last received."),
        info_column<&tcp_info::tcpi_busy_time>("busy_time_us",
                                               "Time with data in flight, µs (ss 'busy:' in ms)."),
        info_column<&tcp_info::tcpi_rwnd_limited>(
            "rwnd_limited_us",
            "Time limited by the peer's receive window, µs (ss 'rwnd_limited:')."),
        info_column<&tcp_info::tcpi_sndbuf_limited>(
            "sndbuf_limited_us", "Time limited by our send buffer, µs (ss 'sndbuf_limited:')."),
        info_column<&tcp_info::tcpi_rcv_rtt>("rcv_rtt_us",
                                             "Receiver-side RTT estimate, µs (ss 'rcv_rtt:')."),
        info_column<&tcp_info::tcpi_rcv_space>("rcv_space",
                                               "Receive buffer autotuning space, bytes."),
        info_column<&tcp_info::tcpi_rcv_ssthresh>(
            "rcv_ssthresh", "Receive window clamp, bytes (ss 'rcv_ssthresh:')."),
        info_column<&tcp_info::tcpi_snd_wnd>(
            "snd_wnd", "Peer's advertised receive window, bytes (ss 'snd_wnd:')."),
    }));

struct Tcp {
  static constexpr const char* kTable = "proc_tcp";
  static constexpr const char* kFiles[2] = {"net/tcp", "net/tcp6"};
  static bool parse_line(std::string_view line, int family, TcpRow& row) {
    return parse_tcp_line(line, family, row);
  }
  static constexpr int kFamily = column_index(kColumns, "family");
  static constexpr int kNetns = column_index(kColumns, "netns");
  static constexpr int kState = column_index(kColumns, "state");
  static constexpr int kSt = column_index(kColumns, "st");
  static constexpr int kLocalPort = column_index(kColumns, "local_port");
  static constexpr int kRemotePort = column_index(kColumns, "remote_port");
  static constexpr int kUid = column_index(kColumns, "uid");
  static constexpr bool kRequestSocks = true;
  static constexpr bool kBothFamiliesDump = true;
  static constexpr uint8_t kIpProtocol = IPPROTO_TCP;

  // The columns each extension fills.
  static constexpr uint64_t kInfo = used_mask(kColumns, std::array{"retransmits",
                                                                   "probes",
                                                                   "rto_ms",
                                                                   "ato_ms",
                                                                   "snd_cwnd",
                                                                   "ssthresh",
                                                                   "rtt_us",
                                                                   "rttvar_us",
                                                                   "min_rtt_us",
                                                                   "snd_mss",
                                                                   "rcv_mss",
                                                                   "advmss",
                                                                   "pmtu",
                                                                   "ca_state",
                                                                   "options",
                                                                   "snd_wscale",
                                                                   "rcv_wscale",
                                                                   "backoff",
                                                                   "unacked",
                                                                   "sacked",
                                                                   "lost",
                                                                   "retrans_segs",
                                                                   "total_retrans",
                                                                   "reordering",
                                                                   "reord_seen",
                                                                   "dsack_dups",
                                                                   "bytes_sent",
                                                                   "bytes_acked",
                                                                   "bytes_received",
                                                                   "bytes_retrans",
                                                                   "segs_out",
                                                                   "segs_in",
                                                                   "data_segs_out",
                                                                   "data_segs_in",
                                                                   "delivered",
                                                                   "delivered_ce",
                                                                   "delivery_rate",
                                                                   "delivery_rate_app_limited",
                                                                   "pacing_rate",
                                                                   "max_pacing_rate",
                                                                   "notsent_bytes",
                                                                   "last_data_sent_ms",
                                                                   "last_data_recv_ms",
                                                                   "last_ack_recv_ms",
                                                                   "busy_time_us",
                                                                   "rwnd_limited_us",
                                                                   "sndbuf_limited_us",
                                                                   "rcv_rtt_us",
                                                                   "rcv_space",
                                                                   "rcv_ssthresh",
                                                                   "snd_wnd"});
  static constexpr uint64_t kCong = used_mask(kColumns, std::array{"congestion"});
  static constexpr uint64_t kSkmem =
      used_mask(kColumns, std::array{"rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc",
                                     "wmem_queued", "optmem", "backlog_bytes", "drops"});
  static constexpr uint64_t kExtras =
      kInfo | kCong | kSkmem | used_mask(kColumns, std::array{"cgroup_id"});
  static uint8_t extensions(const Request& r) {
    return static_cast<uint8_t>(((r.columns_used & kInfo) ? diag_ext(INET_DIAG_INFO) : 0) |
                                ((r.columns_used & kCong) ? diag_ext(INET_DIAG_CONG) : 0) |
                                ((r.columns_used & kSkmem) ? diag_ext(INET_DIAG_SKMEMINFO) : 0));
  }
  static bool wants_extras(const Request& r) { return (r.columns_used & kExtras) != 0; }
#ifdef PROCTAB_HAVE_LIBMNL
  static void from_diag(const InetDiagMessage& m, TcpRow& row) {
    // Only a full socket gets INET_DIAG_SHUTDOWN; a timewait sock has the
    // timewait timer (3) always; the rest are request socks.
    row.kind = m.has_shutdown ? TcpKind::kSocket
               : m.timer == 3 ? TcpKind::kTimewait
                              : TcpKind::kRequest;
    if (m.info_len >= offsetof(struct tcp_info, tcpi_rto)) {
      row.retransmits = m.info.tcpi_retransmits;
      row.probes = m.info.tcpi_probes;
    }
  }
#endif
  // A full read is about 1000 rows of work (the unit the other tables'
  // costs are measured in; bench/ has the figures).
  static constexpr Plan kPlan = {1000, 1000};
};

}  // namespace

const TableDef& proc_tcp_def() {
  static const TableDef def = define_table<TcpSource, kColumns>(
      "proc_tcp",
      "One row per TCP socket of every network namespace, including TIME_WAIT and SYN_RECV "
      "entries that belong to no process: from a NETLINK_SOCK_DIAG dump on the live /proc "
      "(with tcp_info, the congestion algorithm and socket memory when a statement reads "
      "them), or from the lines of /proc/net/tcp and tcp6 (root='...', source='proc'; the "
      "hidden column `source` says which).");
  return def;
}

}  // namespace proctab
