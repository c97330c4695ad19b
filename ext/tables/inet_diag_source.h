// inet_diag_source.h — the row source of proc_tcp and proc_udp with two
// kernel interfaces behind the same columns: NETLINK_SOCK_DIAG dumps
// (kernel/sock_diag.h, parse/inet_diag.h) and the /proc/net text
// (InetSource, tables/socket.h).
//
// source='auto' (the default) dumps through sock_diag on the live /proc root
// and reads /proc text for any other root (a fixture, a host's /proc mounted
// elsewhere: a netlink socket answers for this process's kernel, not for a
// mount). It also reads a namespace's text where its dump cannot be made:
// the namespace cannot be entered (EPERM), the kernel lacks the diag module
// (ENOENT, EPROTONOSUPPORT), or the dump kept being interrupted or
// overflowing (see sock_diag.h). source='netlink' makes those an SQL error;
// source='proc' reads text only. The hidden column `source` tells which
// served each row.
//
// What the kernel does for us: one dump per namespace (TCP: both families
// through the kernel's older TCPDIAG_GETSOCK request; UDP: one per family),
// with
//   - the pushed-down `state` / `st` values as idiag_states (a LISTEN-only
//     dump never walks the established hash: ~60x cheaper);
//   - `local_port` / `remote_port` values as inet_diag bytecode;
//   - extensions (tcp_info, the congestion algorithm, socket memory)
//     requested only when the statement reads a column that needs them.
// The snapshot is shared by every cursor of a statement, and a later cursor
// may want more than an earlier one loaded: per namespace and family we keep
// which states are complete (dumped without a port filter) and which
// extensions every loaded row has, and dump only what is missing; sockets
// already loaded are recognised by their cookie, so no socket is listed
// twice, and a dump that adds extensions fills them into the rows loaded
// before (their other fields, which indexes may cover, stay as first read).
//
// Protocol (defined after the table's columns):
//   everything InetSource's Protocol has, and
//   static constexpr uint8_t kIpProtocol;          IPPROTO_TCP
//   static constexpr int kState, kSt, kLocalPort, kRemotePort, kUid;
//   static constexpr bool kRequestSocks;            TCP: SYN_RECV request socks exist
//   static constexpr bool kBothFamiliesDump;        TCP: TCPDIAG_GETSOCK dumps both families
//   static uint8_t extensions(const Request&);     idiag_ext for the columns read
//   static bool wants_extras(const Request&);      whether to keep DiagExtra
//   static void from_diag(const InetDiagMessage&, Parsed&);  protocol fields
#pragma once

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernel/sock_diag.h"
#include "parse/inet_diag.h"  // uapi structs only; its functions need libmnl
#include "tables/socket.h"

namespace proctab {

// What a sock_diag reply adds to a row, kept only when the statement reads
// a column that needs it.
struct DiagExtra {
  uint16_t info_len = 0;
  struct tcp_info info {};
  uint8_t skmem_count = 0;
  uint32_t skmem[SK_MEMINFO_VARS] = {};
  bool has_cgroup_id = false;
  uint64_t cgroup_id = 0;
  char congestion[16] = {};
};

// A socket row of either source.
// The uid of a netlink request sock whose listener was not found (shown NULL).
inline constexpr uint32_t kUnknownUid = UINT32_MAX;

template <typename Parsed>
struct DiagRow : SocketRow<Parsed> {
  static constexpr uint32_t kNoExtra = UINT32_MAX;
  uint64_t cookie = 0;        // netlink rows: the socket's cookie (INET_DIAG_NOCOOKIE: none)
  uint32_t extra = kNoExtra;  // index into the source's extras, or none
  bool netlink = false;       // false: a line of /proc/net text
};

inline constexpr const char* kSourceDoc =
    "HIDDEN. Which kernel interface served the row: 'netlink' (a NETLINK_SOCK_DIAG dump, the "
    "default on the live /proc) or 'proc' (the /proc/net text: root='...', source='proc', or a "
    "namespace whose dump could not be made). Not in SELECT *: name it.";

enum class DiagMode : uint8_t { kAuto, kNetlink, kProc };

// The value of source='...' as the mode, and the CREATE-time checks:
// 'netlink' needs a build with sock_diag and the live /proc root.
DiagMode diag_mode(const TableDef& def, const TableArgs& args);

// An errno of a dump that source='auto' answers from /proc text instead.
bool diag_falls_back(int err);

// The state numbers a request's `state` and `st` constraints allow, as a
// bit mask (bit n: state n); ~0u without either.
uint32_t wanted_states(const Constraint* state, const Constraint* st);
// Those states as idiag_states: a SYN_RECV request sock sits in the hash
// as NEW_SYN_RECV, a FIN_WAIT2 timewait sock as TIME_WAIT (a superset:
// the cursor re-checks).
uint32_t kernel_states(uint32_t wanted);
// The ports of a local_port / remote_port constraint (nullopt: none;
// values outside 0..65535 are dropped: they match no socket).
std::optional<std::vector<uint16_t>> wanted_ports(const Constraint* port);

#ifdef PROCTAB_HAVE_LIBMNL
// The fields every inet row has, from a reply (timer_ticks holds
// milliseconds for a netlink row: see timer_expires_ms).
void fill_inet(const InetDiagMessage& m, InetSocketRow& row);
#endif

// The column arrays `parts` one after the other (a table's own columns
// around shared ones).
template <typename T, size_t... N>
constexpr std::array<T, (N + ...)> concat(const std::array<T, N>&... parts) {
  std::array<T, (N + ...)> out{};
  size_t i = 0;
  ((std::copy(parts.begin(), parts.end(), out.begin() + i), i += parts.size()), ...);
  return out;
}

// The bit of Request::columns_used of each named column, or'd (columns past
// 62 share bit 63, as SQLite's colUsed does).
template <typename S, size_t N, size_t M>
consteval uint64_t used_mask(const std::array<Column<S>, N>& columns,
                             const std::array<const char*, M>& names) {
  uint64_t mask = 0;
  for (const char* name : names) {
    const int i = column_index(columns, name);
    mask |= 1ull << (i < 63 ? i : 63);
  }
  return mask;
}

// An SK_MEMINFO_* value of a netlink row's extras (NULL without them).
inline void skmem_value(const DiagExtra* e, int which, ResultSink& out) {
  if (!e || which >= e->skmem_count) return out.null();
  out.integer(e->skmem[which]);
}

namespace diag_columns {

// A socket-memory column (INET_DIAG_SKMEMINFO, `ss -m`'s skmem:(...)).
template <typename S, int Which>
constexpr Column<S> skmem(const char* name, const char* doc) {
  return {name, Affinity::kInteger, kNotPushed, doc,
          [](const S& s, const auto& r, ResultSink& out) { skmem_value(s.extra(r), Which, out); }};
}

// refcount and pointer as socket.h has them, NULL for a netlink row (an
// inet_diag reply has neither: it identifies a socket by its cookie).
template <typename S>
inline constexpr Column<S> refcount = {"refcount", Affinity::kInteger, kNotPushed,
                                       "Socket reference count. NULL from netlink.",
                                       [](const S&, const auto& r, ResultSink& out) {
                                         r.netlink ? out.null() : out.integer(r.refcount);
                                       }};
template <typename S>
inline constexpr Column<S> pointer = {
    "pointer", Affinity::kText, kNotPushed,
    "Kernel address of the socket as printed (%pK: hashed, or zeros under kptr_restrict). Opaque "
    "text. NULL from netlink (it gives a cookie instead).",
    [](const S&, const auto& r, ResultSink& out) {
      r.netlink ? out.null() : out.text(r.pointer.view());
    }};

// The socket-memory columns of both tables (`ss -m`: skmem:(r,rb,t,tb,f,w,o,bl,d)).
template <typename S>
constexpr std::array<Column<S>, 8> memory_columns() {
  return {
      skmem<S, SK_MEMINFO_RMEM_ALLOC>("rmem_alloc", "Receive memory in use, bytes (skmem 'r')."),
      skmem<S, SK_MEMINFO_RCVBUF>("rcvbuf", "Receive buffer limit, bytes (skmem 'rb')."),
      skmem<S, SK_MEMINFO_WMEM_ALLOC>("wmem_alloc", "Send memory in flight, bytes (skmem 't')."),
      skmem<S, SK_MEMINFO_SNDBUF>("sndbuf", "Send buffer limit, bytes (skmem 'tb')."),
      skmem<S, SK_MEMINFO_FWD_ALLOC>("fwd_alloc", "Memory reserved ahead, bytes (skmem 'f')."),
      skmem<S, SK_MEMINFO_WMEM_QUEUED>("wmem_queued", "Send memory queued, bytes (skmem 'w')."),
      skmem<S, SK_MEMINFO_OPTMEM>("optmem",
                                  "Option memory (ancillary data, filters), bytes (skmem 'o')."),
      skmem<S, SK_MEMINFO_BACKLOG>("backlog_bytes",
                                   "Bytes in the socket backlog queue (skmem 'bl': packets that "
                                   "arrived while the socket was locked)."),
  };
}

template <typename S>
inline constexpr Column<S> cgroup_id = {
    "cgroup_id", Affinity::kInteger, kNotPushed,
    "cgroup v2 id of the socket's cgroup (the inode of its directory in the cgroup2 mount: "
    "/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid layout; `ss "
    "--cgroup`). Full sockets; sent unasked (INET_DIAG_CGROUP_ID).",
    [](const S& s, const auto& r, ResultSink& out) {
      const DiagExtra* e = s.extra(r);
      e && e->has_cgroup_id ? out.integer(static_cast<int64_t>(e->cgroup_id)) : out.null();
    }};

template <typename S>
inline constexpr Column<S> cookie = {
    "cookie", Affinity::kInteger, kNotPushed,
    "The socket's cookie (idiag_cookie, ss -e's 'sk:' value in hex): a number unique among the "
    "sockets of this boot, never reused as inodes can be (TIME_WAIT and SYN_RECV rows, whose "
    "inode is 0, have one too). NULL from /proc text.",
    [](const S&, const auto& r, ResultSink& out) {
      r.netlink ? out.integer(static_cast<int64_t>(r.cookie)) : out.null();
    }};

template <typename S>
inline constexpr Column<S> source = {
    "source",
    Affinity::kText,
    kNotPushed,
    kSourceDoc,
    [](const S&, const auto& r, ResultSink& out) { out.text(r.netlink ? "netlink" : "proc"); },
    true};

}  // namespace diag_columns

template <typename Parsed, typename Protocol>
class DiagInetSource {
 public:
  using Row = DiagRow<Parsed>;
  using Text = InetSource<Parsed, Protocol, Row>;
  static constexpr std::array kSources = {"auto", "netlink", "proc"};

  struct Config {
    SocketConfig text;
    DiagMode mode = DiagMode::kAuto;
    SockDiagFactory factory;
    const char* table = Protocol::kTable;
  };

  static Config configure(const TableDef& def, const TableArgs& args) {
    return {Text::configure(def, args), diag_mode(def, args), args.seams.sock_diag,
            Protocol::kTable};
  }
  static constexpr Plan plan() { return Protocol::kPlan; }

  explicit DiagInetSource(const Config& config)
      : text_(config.text), mode_(config.mode), factory_(config.factory) {}

  std::optional<std::string> netns_name(uint64_t ns) const { return text_.netns_name(ns); }
  const DiagExtra* extra(const Row& r) const {
    return r.extra == Row::kNoExtra ? nullptr : &extras_[r.extra];
  }

  void load(const Request& request, Rows<Row>& rows) {
    if (mode_ == DiagMode::kProc) return text_.load(request, rows);
    // Every socket of every namespace is loaded already, with what this
    // request reads: nothing to decide (the inner side of a join filters
    // once per outer row; this was a tenth of a self-join's time).
    const uint8_t ext = Protocol::extensions(request);
    const bool keep = Protocol::wants_extras(request);
    if (all_loaded_ && (ext & ~all_ext_) == 0 && (!keep || all_extras_)) return;
    load_netlink(request, rows);
    note_everything_loaded();
  }

 private:
  // What is loaded of one namespace (per family: 0 inet, 1 inet6).
  struct Namespace {
    bool text = false;              // answered from /proc text
    bool any_rows = false;          // netlink rows were loaded (no fallback after that)
    uint32_t complete[2] = {0, 0};  // states dumped without a port filter
    uint32_t touched[2] = {0, 0};   // states dumped at all
    uint8_t ext[2] = {0, 0};        // extensions every loaded row has
    bool extras[2] = {false, false};
    // Port-filtered dumps made: the namespace's first dump may filter by
    // port (the kernel skips the other sockets); any later one dumps its
    // states whole, so that the inner side of a join, asking other ports
    // for each outer row, makes one more dump, not one per row (each dump
    // walks the kernel's whole hash: 50,000 of them took minutes).
    uint32_t filtered_dumps = 0;
    RowKeyIndex by_cookie;  // the netlink rows of this namespace, by cookie
    // LISTEN sockets' uids by (family, address, port): inet_diag sends uid 0
    // for a request sock, /proc text the uid of its listener.
    std::unordered_map<std::string, uint32_t> listener_uid;
    std::vector<uint32_t> pending_uid;  // request rows whose listener was not loaded yet
  };

  // Sets all_loaded_ when every namespace there is has every socket
  // loaded (whatever the requests that did it), with the extensions and
  // extras all of its rows have.
  void note_everything_loaded() {
    NetnsDirectory& dir = text_.files().directory();
    // Not discovered: no request asked the other namespaces (and asking
    // which there are would walk every process).
    if (!dir.discovered()) return;
    const std::optional<uint64_t> own = dir.own();
    if (!own) return;
    uint8_t ext = 0xff;
    bool extras = true;
    auto check = [&](uint64_t ns) {
      auto it = namespaces_.find(ns);
      if (it == namespaces_.end()) return false;
      const Namespace& s = it->second;
      // Its text: read for what each request asked (a family, say), not
      // tracked here; the text source decides what is loaded.
      if (s.text || !complete(s)) return false;
      for (int f = 0; f < 2; ++f) {
        ext &= s.ext[f];
        extras = extras && s.extras[f];
      }
      return true;
    };
    if (!check(*own)) return;
    for (uint64_t ns : dir.others()) {
      if (!check(ns)) return;
    }
    all_loaded_ = true;
    all_ext_ = ext;
    all_extras_ = extras;
  }

  // Every state of both families dumped whole, and no request row waiting
  // for its listener's uid.
  static bool complete(const Namespace& s) {
    return s.complete[0] == ~0u && s.complete[1] == ~0u && s.pending_uid.empty();
  }
  // Every socket of the namespace is loaded, of both families, with the
  // extensions `ext` and (if `keep`) the extras: a request needs no dump
  // there, nor a descriptor of the namespace to make one.
  static bool loaded_for(const Namespace& s, uint8_t ext, bool keep) {
    if (!complete(s)) return false;
    for (int f = 0; f < 2; ++f) {
      if ((ext & ~s.ext[f]) != 0 || (keep && !s.extras[f])) return false;
    }
    return true;
  }

  static std::string listener_key(uint8_t family, const uint8_t* addr, uint16_t port) {
    std::string key(19, '\0');
    key[0] = static_cast<char>(family);
    memcpy(&key[1], addr, 16);
    memcpy(&key[17], &port, 2);
    return key;
  }
  // A dual-stack listener's request socks are AF_INET6, with v4-mapped
  // addresses, like the listener (tested): one family to look in.
  static uint32_t request_uid(const Namespace& state, const InetSocketRow& row) {
    static constexpr uint8_t kAny[16] = {};
    for (const uint8_t* addr : {static_cast<const uint8_t*>(row.local_addr), kAny}) {
      auto it = state.listener_uid.find(listener_key(row.family, addr, row.local_port));
      if (it != state.listener_uid.end()) return it->second;
    }
    return kUnknownUid;
  }

  void load_netlink(const Request& request, Rows<Row>& rows);
  void load_namespace(uint64_t ns, int ns_fd, Namespace& state, const Request& request,
                      Rows<Row>& rows);
  // Answers namespace `ns` from its /proc text (a request limited to it).
  void load_text(uint64_t ns, const Request& request, Rows<Row>& rows);

  Text text_;
  DiagMode mode_;
  SockDiagFactory factory_;
  bool no_combined_ = false;  // the kernel refused a both-families dump
  bool all_loaded_ = false;   // every socket of every namespace is loaded
  uint8_t all_ext_ = 0;       // ... with the extensions every row has
  bool all_extras_ = false;   // ... and whether every row has its extras
  std::unordered_map<uint64_t, Namespace> namespaces_;
  Rows<DiagExtra> extras_;
};

template <typename Parsed, typename Protocol>
void DiagInetSource<Parsed, Protocol>::load_text(uint64_t ns, const Request& request,
                                                 Rows<Row>& rows) {
  Request only = request;
  for (auto it = only.constraints.begin(); it != only.constraints.end();) {
    it = it->column == Protocol::kNetns ? only.constraints.erase(it) : it + 1;
  }
  Constraint c;
  c.column = Protocol::kNetns;
  c.values.push_back(Value{static_cast<int64_t>(ns), {}});
  only.constraints.push_back(std::move(c));
  text_.load(only, rows);
}

template <typename Parsed, typename Protocol>
void DiagInetSource<Parsed, Protocol>::load_netlink(const Request& request, Rows<Row>& rows) {
  NetnsDirectory& dir = text_.files().directory();
  const std::optional<uint64_t> own = dir.own();
  const NetnsFilter wanted = netns_filter(request.find(Protocol::kNetns));
  if (!own) {
    // No self/ns/net: not the live /proc after all.
    if (mode_ == DiagMode::kNetlink) {
      throw Error(std::string(Protocol::kTable) +
                  ": source='netlink': the root has no self/ns/net to name its namespace");
    }
    return text_.load(request, rows);
  }
  if (wanted.allows(*own)) load_namespace(*own, -1, namespaces_[*own], request, rows);
  if (!wanted.wants_others(own)) return;
  const uint8_t ext = Protocol::extensions(request);
  const bool keep = Protocol::wants_extras(request);
  for (uint64_t ns : dir.others()) {
    if (!wanted.allows(ns)) continue;
    Namespace& state = namespaces_[ns];
    if (state.text) {
      load_text(ns, request, rows);
      continue;
    }
    if (loaded_for(state, ext, keep)) continue;  // no need to open it again
    const int err = dir.with_namespace(ns, [&](int ns_fd) {
      load_namespace(ns, ns_fd, state, request, rows);
      return 0;
    });
    if (err == 0) continue;
    // No way in: its processes vanished (skipped, as the text path does),
    // or we may not enter it (EPERM: its text, through a pid, if we can).
    if (mode_ == DiagMode::kNetlink && err != ENOENT && err != ESRCH) {
      throw Error(std::string(Protocol::kTable) + ": source='netlink': namespace " +
                  std::to_string(ns) + ": " + strerror(err));
    }
    if (mode_ == DiagMode::kAuto && err != ENOENT && err != ESRCH) {
      state.text = true;
      load_text(ns, request, rows);
    }
  }
}

template <typename Parsed, typename Protocol>
void DiagInetSource<Parsed, Protocol>::load_namespace(uint64_t ns, int ns_fd, Namespace& state,
                                                      const Request& request, Rows<Row>& rows) {
  if (state.text) return load_text(ns, request, rows);
#ifdef PROCTAB_HAVE_LIBMNL
  if (loaded_for(state, Protocol::extensions(request), Protocol::wants_extras(request))) return;
  const uint32_t states =
      wanted_states(request.find(Protocol::kState), request.find(Protocol::kSt));
  if (states == 0) return;  // no state of those can exist
  const auto local = wanted_ports(request.find(Protocol::kLocalPort));
  const auto remote = wanted_ports(request.find(Protocol::kRemotePort));
  if ((local && local->empty()) || (remote && remote->empty())) return;  // no port matches
  const uint8_t ext = Protocol::extensions(request);
  const bool keep = Protocol::wants_extras(request);
  bool family_wanted[2] = {true, true};
  if (const Constraint* c = request.find(Protocol::kFamily)) {
    family_wanted[0] = family_wanted[1] = false;
    for (const Value& v : c->values) {
      if (v.text == "inet") family_wanted[0] = true;
      if (v.text == "inet6") family_wanted[1] = true;
    }
  }
  std::unique_ptr<SockDiag> diag;
  // TCP: both families in one dump (TCPDIAG_GETSOCK: one walk of each hash
  // instead of two), when both are wanted and stand alike in what is loaded.
  const bool combined = Protocol::kBothFamiliesDump && !no_combined_ && family_wanted[0] &&
                        family_wanted[1] && state.complete[0] == state.complete[1] &&
                        state.touched[0] == state.touched[1] && state.ext[0] == state.ext[1] &&
                        state.extras[0] == state.extras[1];
  for (int f = 0; f < (combined ? 1 : 2); ++f) {
    if (!family_wanted[f]) continue;
    // Rows loaded before without what this statement reads: dump them again.
    const bool refresh =
        state.touched[f] != 0 && ((ext & ~state.ext[f]) != 0 || (keep && !state.extras[f]));
    // Each pass is one dump: its states and port bytecode.
    std::vector<std::pair<uint32_t, std::string>> passes;
    if (refresh) {
      // Everything loaded so far gets the new extensions: no port filter.
      passes.emplace_back(state.touched[f] | states, std::string());
    } else {
      const uint32_t need = states & ~state.complete[f];
      // A request sock's uid is its listener's: when the statement reads
      // uid, load the listeners first (one walk of the listening hash),
      // unless they are loaded already. On the wanted local ports only
      // (a remote-port filter would drop them), unless request rows of an
      // earlier cursor are still waiting for theirs.
      const bool may_filter =
          state.filtered_dumps == 0 && (state.touched[0] | state.touched[1]) == 0;
      const bool listeners = Protocol::kRequestSocks && request.uses(Protocol::kUid) &&
                             !(state.complete[f] & 1u << 10) &&
                             ((need & 1u << 3) || !state.pending_uid.empty());
      if (need == 0 && !listeners) continue;
      if (listeners) {
        passes.emplace_back(1u << 10, may_filter && local && state.pending_uid.empty()
                                          ? port_bytecode(*local, std::vector<uint16_t>{})
                                          : std::string());
      }
      if (need) {
        passes.emplace_back(need, may_filter
                                      ? port_bytecode(local ? *local : std::vector<uint16_t>{},
                                                      remote ? *remote : std::vector<uint16_t>{})
                                      : std::string());
      }
    }
    for (const auto& [dump_states, bytecode] : passes) {
      const uint8_t dump_ext = static_cast<uint8_t>(ext | state.ext[f]);
      const bool dump_keep = keep || state.extras[f];
      if (!diag) {
        diag = factory_ ? factory_(text_.files().fs(), ns_fd) : nullptr;
        if (!diag) {
          if (mode_ == DiagMode::kNetlink) {
            throw Error(std::string(Protocol::kTable) +
                        ": source='netlink': sock_diag is not available (the seam made no socket)");
          }
          state.text = true;
          return load_text(ns, request, rows);
        }
      }
      const int family = f == 0 ? AF_INET : AF_INET6;
      const std::string req =
          combined ? tcp_diag_both_request(kernel_states(dump_states), dump_ext, bytecode)
                   : inet_diag_request(static_cast<uint8_t>(family), Protocol::kIpProtocol,
                                       kernel_states(dump_states), dump_ext, bytecode);
      const size_t rows_before = rows.size();
      const size_t extras_before = extras_.size();
      auto cookie_of = [&rows](uint32_t r) { return rows[r].cookie; };
      InetDiagMessage m;
      // Rows loaded before this attempt that it gave extras to: a dropped
      // attempt takes those back too (their entries are popped below).
      std::vector<uint32_t> extras_given;
      auto drop_attempt = [&] {
        state.by_cookie.truncate(static_cast<uint32_t>(rows_before));
        while (rows.size() > rows_before) rows.pop_back();
        for (uint32_t i : extras_given) rows[i].extra = Row::kNoExtra;
        extras_given.clear();
        while (extras_.size() > extras_before) extras_.pop_back();
        while (!state.pending_uid.empty() && state.pending_uid.back() >= rows_before) {
          state.pending_uid.pop_back();
        }
      };
      const int err = diag->dump(
          combined ? kTcpDiagGetSock : SOCK_DIAG_BY_FAMILY, req,
          [&](std::string_view message) {
            m = InetDiagMessage{};
            if (!parse_inet_diag_message(message, m)) return;
            if (m.state >= 32 || !(dump_states >> m.state & 1)) return;  // kernel superset
            uint32_t index = state.by_cookie.find_or_insert(
                m.cookie, static_cast<uint32_t>(rows.size()), cookie_of);
            if (index == RowKeyIndex::kNone) {  // new: it is the next row
              index = static_cast<uint32_t>(rows.size());
              Row& row = rows.emplace_back();
              fill_inet(m, row);
              row.cookie = m.cookie;
              Protocol::from_diag(m, row);
              row.netns = static_cast<int64_t>(ns);
              row.netlink = true;
              if (m.state == 10) {
                state.listener_uid.emplace(listener_key(row.family, row.local_addr, row.local_port),
                                           row.uid);
              } else if (m.state == 3 && !m.has_shutdown) {
                row.uid = request_uid(state, row);
                if (row.uid == kUnknownUid) state.pending_uid.push_back(index);
              }
            }  // else loaded before: only its extras are new
            if (dump_keep) {
              Row& row = rows[index];
              if (row.extra == Row::kNoExtra) {
                row.extra = static_cast<uint32_t>(extras_.size());
                extras_.emplace_back();
                if (index < rows_before) extras_given.push_back(index);
              }
              DiagExtra& e = extras_[row.extra];
              if (m.info_len) {
                e.info_len = m.info_len;
                e.info = m.info;
              }
              if (m.skmem_count) {
                e.skmem_count = m.skmem_count;
                memcpy(e.skmem, m.skmem, sizeof e.skmem);
              }
              e.has_cgroup_id = m.has_cgroup_id;
              e.cgroup_id = m.cgroup_id;
              if (m.congestion[0]) memcpy(e.congestion, m.congestion, sizeof e.congestion);
            }
          },
          drop_attempt);
      if (err) {
        drop_attempt();
        if (combined && (err == EINVAL || err == EOPNOTSUPP) && !state.any_rows) {
          // A kernel without the old request type: one dump per family.
          no_combined_ = true;
          return load_namespace(ns, ns_fd, state, request, rows);
        }
        if (mode_ == DiagMode::kAuto && diag_falls_back(err) && !state.any_rows) {
          state.text = true;
          return load_text(ns, request, rows);
        }
        throw Error(std::string(Protocol::kTable) + ": sock_diag dump of namespace " +
                    std::to_string(ns) + " (" +
                    (combined ? "inet, inet6"
                     : f == 0 ? "inet"
                              : "inet6") +
                    "): " + strerror(err));
      }
      state.any_rows = true;  // from now on a fallback to text could list a socket twice
      if ((dump_states & 1u << 10) && !state.pending_uid.empty()) {
        // Listeners arrived: the request rows loaded before them get their uid.
        std::vector<uint32_t> still;
        for (uint32_t i : state.pending_uid) {
          rows[i].uid = request_uid(state, rows[i]);
          if (rows[i].uid == kUnknownUid) still.push_back(i);
        }
        state.pending_uid.swap(still);
      }
      state.touched[f] |= dump_states;
      if (bytecode.empty()) {
        state.complete[f] |= dump_states;
      } else {
        ++state.filtered_dumps;
      }
      state.ext[f] = dump_ext;
      state.extras[f] = dump_keep;
      if (combined) {  // the other family stands where this one does
        state.touched[1] = state.touched[0];
        state.complete[1] = state.complete[0];
        state.ext[1] = state.ext[0];
        state.extras[1] = state.extras[0];
      }
      if (state.complete[0] & state.complete[1] & 1u << 10) {
        // Every listener is loaded: a request row still without one has
        // lost it (NULL uid), and nothing later can tell it more.
        state.pending_uid.clear();
      }
    }
  }
#else
  (void)ns_fd;
  if (mode_ == DiagMode::kNetlink) {
    throw Error(std::string(Protocol::kTable) +
                ": source='netlink': this build has no sock_diag support (libmnl)");
  }
  state.text = true;
  load_text(ns, request, rows);
#endif
}

}  // namespace proctab
