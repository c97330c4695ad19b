// table_tcp.cpp — proc_tcp: one row per line of <root>/net/tcp and net/tcp6.
//
// Usage:
//   SELECT state, count(*) FROM proc_tcp GROUP BY state;
//   SELECT * FROM proc_tcp WHERE local_port = 5432 AND state = 'LISTEN';
//   CREATE VIRTUAL TABLE temp.host_tcp USING proc_tcp(root='/host/proc');
//
// How it works: the first xFilter of a cursor reads net/tcp (and net/tcp6
// unless `family = 'inet'` rules it out) in a few large reads, parses every
// line into a compact binary TcpRow (parse_tcp.h) and keeps them: that is the
// statement's snapshot. Later xFilter calls on the same cursor — the inner
// side of a nested-loop join — answer from it: `inode = X` through a hash
// index built on first use, other pushed-down equalities (family, ports, st,
// state) by a per-row test. Text (addresses, names) is formatted only in
// xColumn, so unread columns cost nothing. A missing net/tcp6 (IPv6
// disabled) is no error; an unreadable net/tcp is.
#include <arpa/inet.h>
#include <unistd.h>

#include <cstring>

#include "chunked_vector.h"
#include "inode_index.h"
#include "parse_tcp.h"
#include "table.h"
#include "value_set.h"

namespace proctab {

namespace {

enum Col {
  kFamily,
  kLocalAddress,
  kLocalPort,
  kRemoteAddress,
  kRemotePort,
  kSt,
  kState,
  kTxQueue,
  kRxQueue,
  kUid,
  kInode,
  kKind,
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
    "One row per line of /proc/net/tcp and /proc/net/tcp6: every TCP socket of the reader's "
    "network namespace, including TIME_WAIT and SYN_RECV entries that belong to no process.",
    {
        {"family", A::kText, true, "'inet' (a line of net/tcp) or 'inet6' (net/tcp6)."},
        {"local_address", A::kText, false,
         "Local IP address, inet_ntop text: '127.0.0.1', '::1', '::ffff:127.0.0.1' for a "
         "v4-mapped IPv6 socket. Source: local_address (hex, decoded endian-correctly)."},
        {"local_port", A::kInteger, true, "Local port number. Source: local_address after ':'."},
        {"remote_address", A::kText, false,
         "Remote IP address ('0.0.0.0' / '::' when unconnected). Source: rem_address."},
        {"remote_port", A::kInteger, true, "Remote port number (0 when unconnected)."},
        {"st", A::kInteger, true, "Raw kernel state number (include/net/tcp_states.h)."},
        {"state", A::kText, true,
         "State name: ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, "
         "CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV, BOUND_INACTIVE; an unknown number "
         "as its decimal text."},
        {"tx_queue", A::kInteger, false,
         "Send queue, bytes: for LISTEN the accept backlog limit, otherwise bytes not yet "
         "acknowledged (write_seq - snd_una). Source: tx_queue."},
        {"rx_queue", A::kInteger, false,
         "Receive queue: for LISTEN the current accept backlog, otherwise bytes received but not "
         "yet read. Source: rx_queue."},
        {"uid", A::kInteger, false,
         "Owner's user id, mapped into the reader's user namespace; for a SYN_RECV request the "
         "listener's. NULL for timewait rows, whose line prints a constant 0."},
        {"inode", A::kInteger, true,
         "Socket inode: joins proc_fd.inode. 0 for timewait and request rows (no file)."},
        {"kind", A::kText, false,
         "Which kernel printer wrote the line: 'socket' (a full socket, 17 fields), 'request' (a "
         "SYN_RECV request sock) or 'timewait' (TIME_WAIT, or FIN_WAIT2 of a closed socket)."},
        {"slot", A::kInteger, false, "The 'sl' column: a running counter of this read, not a key."},
        {"timer", A::kText, false,
         "Pending timer ('tr'): 'none', 'retransmit' (retransmit or loss probe), 'keepalive', "
         "'timewait', 'probe' (zero-window probe); an unknown code as its decimal text."},
        {"timer_expires_ms", A::kInteger, false,
         "Milliseconds until that timer fires ('tm->when', USER_HZ ticks converted); 0 with no "
         "timer."},
        {"retransmits", A::kInteger, false,
         "Unrecovered RTO timeouts ('retrnsmt'); for a request sock, SYN-ACK retransmits."},
        {"probes", A::kInteger, false,
         "Unanswered zero-window / keepalive probes (the 'timeout' column, icsk_probes_out)."},
        {"refcount", A::kInteger, false, "Socket reference count."},
        {"pointer", A::kText, false,
         "Kernel address of the socket as printed (%pK: hashed, or zeros under "
         "kptr_restrict). Opaque text."},
        {"rto_ms", A::kInteger, false,
         "Retransmission timeout, ms (full sockets only; else NULL)."},
        {"ato_ms", A::kInteger, false, "Delayed-ACK timeout, ms (full sockets only; else NULL)."},
        {"quick_ack", A::kInteger, false,
         "Quick-ACK count (icsk_ack.quick, the field's upper bits; full sockets only)."},
        {"pingpong", A::kInteger, false,
         "1 if the socket is in interactive (ping-pong, delayed-ACK) mode, else 0 (the field's "
         "low bit; full sockets only)."},
        {"snd_cwnd", A::kInteger, false, "Congestion window, segments (full sockets only)."},
        {"ssthresh", A::kInteger, false,
         "Slow-start threshold, segments; NULL while in initial slow start (printed -1), for "
         "LISTEN sockets and for non-full rows."},
        {"fastopen_queue_max", A::kInteger, false,
         "LISTEN sockets only: the TCP Fast Open queue limit, which the kernel prints in the "
         "ssthresh field (0 = Fast Open off). NULL for other rows."},
    },
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

class TcpCursor final : public Cursor {
 public:
  explicit TcpCursor(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  void filter(const FilterArgs& args) override {
    families_ = IntSet();
    if (const Constraint* c = args.find(kFamily)) {
      families_.activate();
      for (const auto& v : c->values) {
        if (v.text == "inet") families_.add(4);
        if (v.text == "inet6") families_.add(6);
      }
      families_.normalize();
    }
    if (families_.allows(4)) load(4);
    if (families_.allows(6)) load(6);

    local_ports_ = IntSet(args.find(kLocalPort));
    remote_ports_ = IntSet(args.find(kRemotePort));
    states_ = IntSet(args.find(kSt));
    if (const Constraint* c = args.find(kState)) {
      IntSet by_name;
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
      states_by_name_ = std::move(by_name);
    } else {
      states_by_name_ = IntSet();
    }

    // Candidate rows: an inode lookup, or every row.
    hits_.clear();
    use_hits_ = false;
    if (const Constraint* c = args.find(kInode)) {
      use_hits_ = true;
      if (!index_.built()) {
        index_.build(
            static_cast<uint32_t>(rows_.size()), [&](uint32_t i) { return rows_[i].inode; },
            [](uint32_t) { return true; });
      }
      auto key = [&](uint32_t i) { return rows_[i].inode; };
      for (const auto& v : c->values) {
        for (uint32_t r = index_.first(static_cast<uint64_t>(v.integer), key);
             r != InodeIndex::kNone; r = index_.next(r)) {
          hits_.push_back(r);
        }
      }
    }
    pos_ = 0;
    skip_non_matching();
  }

  bool eof() const override { return pos_ >= limit(); }

  void next() override {
    ++pos_;
    skip_non_matching();
  }

  int64_t rowid() const override { return current(); }

  void column(int column, ResultSink& out) const override {
    const TcpRow& r = rows_[current()];
    const bool full = r.kind == TcpKind::kSocket;
    switch (column) {
      case kFamily:
        return out.text(r.family == 4 ? "inet" : "inet6");
      case kLocalAddress:
        return address(r.family, r.local_addr, out);
      case kLocalPort:
        return out.integer(r.local_port);
      case kRemoteAddress:
        return address(r.family, r.remote_addr, out);
      case kRemotePort:
        return out.integer(r.remote_port);
      case kSt:
        return out.integer(r.st);
      case kState:
        if (const char* name = tcp_state_name(r.st)) return out.text(name);
        return out.text(std::to_string(r.st));
      case kTxQueue:
        return out.integer(static_cast<int64_t>(r.tx_queue));
      case kRxQueue:
        return out.integer(static_cast<int64_t>(r.rx_queue));
      case kUid:
        if (r.kind == TcpKind::kTimewait) return out.null();
        return out.integer(r.uid);
      case kInode:
        return out.integer(static_cast<int64_t>(r.inode));
      case kKind:
        return out.text(r.kind == TcpKind::kSocket    ? "socket"
                        : r.kind == TcpKind::kRequest ? "request"
                                                      : "timewait");
      case kSlot:
        return out.integer(r.slot);
      case kTimer:
        if (const char* name = tcp_timer_name(r.timer)) return out.text(name);
        return out.text(std::to_string(r.timer));
      case kTimerExpiresMs:
        return out.integer(ticks_to_ms(r.timer_ticks));
      case kRetransmits:
        return out.integer(r.retransmits);
      case kProbes:
        return out.integer(r.probes);
      case kRefcount:
        return out.integer(r.refcount);
      case kPointer:
        return out.text(std::string_view(r.pointer, r.pointer_len));
      case kRtoMs:
        return full ? out.integer(ticks_to_ms(r.rto_ticks)) : out.null();
      case kAtoMs:
        return full ? out.integer(ticks_to_ms(r.ato_ticks)) : out.null();
      case kQuickAck:
        return full ? out.integer(r.quick) : out.null();
      case kPingpong:
        return full ? out.integer(r.pingpong ? 1 : 0) : out.null();
      case kSndCwnd:
        return full ? out.integer(r.snd_cwnd) : out.null();
      case kSsthresh:
        if (!full || r.st == 10 || r.ssthresh == -1) return out.null();
        return out.integer(r.ssthresh);
      case kFastopenQueueMax:
        if (!full || r.st != 10) return out.null();
        return out.integer(r.ssthresh);
    }
    out.null();
  }

 private:
  static void address(int family, const uint8_t* bytes, ResultSink& out) {
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text)) return out.null();
    out.text(text);
  }

  void load(int family) {
    bool& loaded = family == 4 ? loaded_v4_ : loaded_v6_;
    if (loaded) return;
    const char* path = family == 4 ? "net/tcp" : "net/tcp6";
    // Parse while reading: no copy of the file is ever held.
    const size_t before = rows_.size();
    TcpTableParser parser(family);
    int err = fs_->read_chunks(fs_->root_fd(), path,
                               [&](std::string_view chunk) { parser.feed(chunk, rows_); });
    if (err) {
      while (rows_.size() > before) rows_.pop_back();  // never a partial file
      if (err == ENOENT && family == 6) {
        loaded = true;  // IPv6 disabled: no inet6 rows
        return;
      }
      throw Error("proc_tcp: " + describe_errno(fs_->root() + "/" + path, err));
    }
    parser.finish(rows_);
    loaded = true;
    index_ = InodeIndex();  // rows changed: rebuild on next inode lookup
  }

  size_t limit() const { return use_hits_ ? hits_.size() : rows_.size(); }
  uint32_t current() const { return use_hits_ ? hits_[pos_] : static_cast<uint32_t>(pos_); }

  bool matches(const TcpRow& r) const {
    return families_.allows(r.family) && local_ports_.allows(r.local_port) &&
           remote_ports_.allows(r.remote_port) && states_.allows(r.st) &&
           states_by_name_.allows(r.st);
  }

  void skip_non_matching() {
    while (pos_ < limit() && !matches(rows_[current()])) ++pos_;
  }

  std::shared_ptr<ProcFs> fs_;
  ChunkedVector<TcpRow> rows_;  // the snapshot
  bool loaded_v4_ = false;
  bool loaded_v6_ = false;
  InodeIndex index_;
  // The current scan.
  IntSet families_, local_ports_, remote_ports_, states_, states_by_name_;
  bool use_hits_ = false;
  std::vector<uint32_t> hits_;
  size_t pos_ = 0;
};

class TcpTable final : public Table {
 public:
  explicit TcpTable(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  Estimate estimate(uint64_t constrained) const override {
    // A full read is ~1000 rows of work. After a cursor's first xFilter the
    // snapshot answers an inode lookup in O(1): that marginal cost is what
    // SQLite multiplies by the outer loop's rows.
    if (constrained & (1ull << kInode)) return {5, 1, false};
    double rows = 1000;
    if (constrained & (1ull << kLocalPort)) rows /= 50;
    if (constrained & (1ull << kRemotePort)) rows /= 50;
    if (constrained & ((1ull << kState) | (1ull << kSt))) rows /= 5;
    if (constrained & (1ull << kFamily)) rows /= 2;
    return {1000, rows, false};
  }

  std::unique_ptr<Cursor> open() override { return std::make_unique<TcpCursor>(fs_); }

 private:
  std::shared_ptr<ProcFs> fs_;
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args) {
  std::shared_ptr<ProcFs> fs = open_root(def, args);
  int err = fs->check_readable(fs->root_fd(), "net/tcp");
  if (err) {
    throw Error(std::string(def.name) + ": root '" + args.root + "' has no readable net/tcp (" +
                describe_errno(args.root + "/net/tcp", err) + ")");
  }
  return std::make_unique<TcpTable>(std::move(fs));
}

}  // namespace

const TableDef& proc_tcp_def() {
  return kDef;
}

}  // namespace proctab
