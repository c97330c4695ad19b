// proc_unix.cpp — proc_unix: the UNIX domain sockets of the machine, in
// every network namespace, from the kernel's UNIX_DIAG (what `ss -x` reads)
// or from <root>/net/unix text.
//
// Usage:
//   SELECT path, f.pid, f.fd FROM proc_unix u JOIN proc_fd f USING (inode)
//     WHERE u.listening;                        -- who serves which socket file
//   SELECT type, state, count(*) FROM proc_unix GROUP BY 1, 2;
//   SELECT * FROM proc_unix WHERE abstract;     -- '@name' sockets
//   SELECT a.inode, b.inode FROM proc_unix a JOIN proc_unix b
//     ON b.inode = a.peer_inode;                -- both ends of a connection
//
// Sources (module argument source='auto' | 'netlink' | 'proc'):
//   netlink  one NETLINK_SOCK_DIAG dump (sdiag_family AF_UNIX) per network
//            namespace through the sock_diag seam; namespaces other than the
//            reader's are dumped by a socket made inside them. A pushed-down
//            `state`, `st` or `listening` becomes udiag_states (the kernel
//            skips the other sockets); the attributes behind peer_inode,
//            the queues, the bound file, memory and uid are asked for only
//            when the statement reads those columns (the name always: path
//            is the key users filter on).
//   proc     net/unix read once per namespace (tables/socket.h); rows' paths
//            point into the kept text. Malformed lines are skipped.
//   auto     netlink on the live /proc root, where it works: if the own
//            namespace's dump fails (EPERM, EPROTONOSUPPORT, a build without
//            libmnl) the statement reads /proc text; another namespace whose
//            dump fails is read from its /proc text. Any other root: proc.
// Within one statement every cursor shares the snapshot: a later cursor
// that needs states or attributes the first did not ask for makes one more
// dump, whose new sockets are added and whose attributes fill the rows
// already there (matched by inode; pushed-down columns never change).
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include <cstring>
#include <deque>
#include <unordered_map>

#include "kernel/sock_diag.h"
#include "parse/unix_diag.h"
#include "tables/inet_diag_source.h"  // diag_mode, diag_falls_back: one policy for all
#include "tables/socket.h"

namespace proctab {

namespace {

class UnixSource {
 public:
  using Row = SocketRow<UnixDiagRow>;
  struct Config : SocketConfig {
    bool netlink = false;   // try UNIX_DIAG first
    bool required = false;  // source='netlink': no fallback
    SockDiagFactory sock_diag;
  };
  static constexpr std::array kSources = {"auto", "netlink", "proc"};
  static Config configure(const TableDef& def, const TableArgs& args);
  static constexpr Plan plan() { return {1000, 1000}; }

  explicit UnixSource(const Config& config)
      : files_(config.fs, config.named, "proc_unix"),
        netlink_(config.netlink),
        required_(config.required),
        sock_diag_(config.sock_diag) {}
  void load(const Request& request, Rows<Row>& rows);
  std::optional<std::string> netns_name(uint64_t ns) const { return files_.names().name(ns); }

 private:
  // What the snapshot holds of one namespace's dump.
  struct Dumped {
    uint32_t states = 0;                        // udiag_states asked so far
    uint32_t show = 0;                          // UDIAG_SHOW_* asked so far
    bool ok = false;                            // a dump of it succeeded
    bool proc = false;                          // read from its /proc text instead (auto)
    std::unordered_map<uint32_t, size_t> rows;  // inode -> row (inode 0: not kept)
  };
  bool load_netlink(const Request& request, Rows<Row>& rows);
  int dump(uint64_t ns, int ns_fd, uint32_t states, uint32_t show, Rows<Row>& rows);
  void take(uint64_t ns, Dumped& dumped, std::string_view message, Rows<Row>& rows,
            std::vector<uint32_t>& added);
  void load_proc(const Constraint* netns, Rows<Row>& rows);
  [[noreturn]] void fail(uint64_t ns, bool own, int err) const;

  SocketFiles files_;
  bool netlink_;
  bool required_;
  SockDiagFactory sock_diag_;
  std::unordered_map<uint64_t, Dumped> dumped_;
  std::deque<std::string> texts_;  // /proc rows' paths point into these
  TextArena names_;                // netlink rows' paths
  std::string name_scratch_;
};

using C = Column<UnixSource>;
using A = Affinity;
using Row = UnixSource::Row;

constexpr const char* kNetlinkNull = " NULL from /proc text (source 'proc').";

// An attribute's value, or NULL when the source did not give it.
template <typename T>
void maybe(bool has, T value, ResultSink& out) {
  has ? out.integer(static_cast<int64_t>(value)) : out.null();
}
bool is_listener(const Row& r) {
  return (r.flags & kUnixAcceptCon) != 0;
}
// A column of one UNIX_DIAG attribute: NULL when it did not come.
template <bool UnixDiagExtra::*kHas, uint32_t UnixDiagExtra::*kValue>
constexpr C attribute_column(const char* name, const char* doc) {
  return C{name, A::kInteger, kNotPushed, doc,
           [](const UnixSource&, const Row& r, ResultSink& out) {
             maybe(r.diag.*kHas, r.diag.*kValue, out);
           }};
}

// A column of UNIX_DIAG_RQLEN, whose two numbers mean one thing for a
// listener and another for every other socket.
template <bool kListener, uint32_t UnixDiagExtra::*kValue>
constexpr C queue_column(const char* name, const char* doc) {
  return C{name, A::kInteger, kNotPushed, doc,
           [](const UnixSource&, const Row& r, ResultSink& out) {
             maybe(r.diag.has_rqlen && is_listener(r) == kListener, r.diag.*kValue, out);
           }};
}

// A column of UNIX_DIAG_MEMINFO's array (NULL where the kernel sent fewer).
template <uint8_t kIndex>
constexpr C meminfo_column(const char* name, const char* doc) {
  return C{
      name, A::kInteger, kNotPushed, doc, [](const UnixSource&, const Row& r, ResultSink& out) {
        maybe(r.diag.has_meminfo && r.diag.meminfo_count > kIndex, r.diag.meminfo[kIndex], out);
      }};
}

constexpr std::array kColumns = {
    C{"pointer", A::kText, kNotPushed,
      "Kernel address of the socket as printed ('Num', %pK: hashed, or zeros under "
      "kptr_restrict). Opaque text. NULL from netlink (UNIX_DIAG does not send it; `cookie` "
      "identifies a socket there).",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        r.from_netlink ? out.null() : out.text(r.pointer.view());
      }},
    C{"refcount", A::kInteger, kNotPushed,
      "Socket reference count ('RefCount'). NULL from netlink (UNIX_DIAG does not send it).",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        maybe(!r.from_netlink, r.refcount, out);
      }},
    C{"protocol", A::kInteger, kNotPushed, "Always 0 ('Protocol').",
      [](const UnixSource&, const Row& r, ResultSink& out) { out.integer(r.protocol); }},
    C{"flags", A::kInteger, kNotPushed,
      "'Flags': 65536 (__SO_ACCEPTCON) for a listening socket, else 0.",
      [](const UnixSource&, const Row& r, ResultSink& out) { out.integer(r.flags); }},
    C{"type", A::kText, pushed(1.0 / 3),
      "'stream', 'dgram' or 'seqpacket' (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5); another "
      "number as its decimal text.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        if (const char* name = unix_type_name(r.type)) return out.text(name);
        out.text(std::to_string(r.type));
      }},
    C{"st", A::kInteger, pushed(1.0 / 3),
      "Raw socket state number ('St', socket_state). From netlink it is derived as "
      "/proc/net/unix prints it: from the kernel's sk_state and whether the socket has a file.",
      [](const UnixSource&, const Row& r, ResultSink& out) { out.integer(r.st); }},
    C{"state", A::kText, pushed(1.0 / 3),
      "'UNCONNECTED' (1: unbound, bound, listening or an unconnected datagram socket), "
      "'CONNECTING' (2), 'CONNECTED' (3), 'DISCONNECTING' (4); another number as decimal text. "
      "As printed, the kernel's 2 and 4 mean a socket with no file whose peer is or is not "
      "connected (an embryo of a pending accept: /proc text only, UNIX_DIAG skips sockets without "
      "a file). `state =`, `st =` and `listening =` are "
      "handed to the kernel (udiag_states) by the netlink source.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        if (const char* name = unix_state_name(r.st)) return out.text(name);
        out.text(std::to_string(r.st));
      }},
    C{"listening", A::kInteger, pushed(1.0 / 10),
      "1 if the socket listens (flags has __SO_ACCEPTCON), else 0.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        out.integer(is_listener(r) ? 1 : 0);
      }},
    socket_columns::inode<UnixSource>,
    C{"path", A::kText, pushed(1.0 / 100),
      "The bound address as /proc/net/unix prints it: a filesystem path verbatim (spaces "
      "included), or for an abstract name '@' then the name with every NUL shown as '@'. NULL for "
      "an unbound socket. A path containing a newline is whole from netlink, cut at the newline "
      "from /proc text (the kernel does not escape it there).",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        r.has_path ? out.text(r.path) : out.null();
      }},
    C{"abstract", A::kInteger, kNotPushed,
      "1 for an abstract-namespace name (path starts with '@'), 0 for a filesystem path, NULL "
      "when unbound.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        r.has_path ? out.integer(r.abstract ? 1 : 0) : out.null();
      }},
    socket_columns::netns<UnixSource>,
    socket_columns::netns_name<UnixSource>,
    attribute_column<&UnixDiagExtra::has_peer, &UnixDiagExtra::peer_inode>(
        "peer_inode",
        "Inode of the socket at the other end (UNIX_DIAG_PEER; `ss -x`'s Peer): the other end of "
        "a socketpair or connection, the socket a datagram socket connect()ed to. Join it with "
        "proc_unix.inode or proc_fd.inode to name the process on the other end. NULL when there "
        "is none (unconnected, listening); 0 when the peer has no file (a connection not accepted "
        "yet). NULL from /proc text (source 'proc')."),
    queue_column<false, &UnixDiagExtra::rqueue>(
        "rx_queue",
        "Bytes waiting to be read (UNIX_DIAG_RQLEN; `ss -x` Recv-Q): for a stream or seqpacket "
        "socket all queued data, for a datagram socket the size of the next datagram. NULL for a "
        "listener (see backlog) and from /proc text."),
    queue_column<false, &UnixDiagExtra::wqueue>(
        "tx_queue",
        "Bytes of send memory in use (UNIX_DIAG_RQLEN, sk_wmem_alloc; `ss -x` Send-Q): data sent "
        "that the peer has not read yet, skb overhead included. NULL for a listener (see "
        "backlog_max) and from /proc text."),
    queue_column<true, &UnixDiagExtra::rqueue>(
        "backlog",
        "For a listener: connections waiting to be accept()ed (UNIX_DIAG_RQLEN; `ss -xl` "
        "Recv-Q). NULL for any other socket and from /proc text."),
    queue_column<true, &UnixDiagExtra::wqueue>(
        "backlog_max",
        "For a listener: how many connections may wait (listen()'s backlog, capped at "
        "net.core.somaxconn; `ss -xl` Send-Q). NULL for any other socket and from /proc text."),
    attribute_column<&UnixDiagExtra::has_icons, &UnixDiagExtra::icons>(
        "pending_connections",
        "For a listener: how many client sockets wait in its queue (UNIX_DIAG_ICONS, the list of "
        "their inodes, counted). NULL for any other socket and from /proc text."),
    C{"file_dev", A::kText, kNotPushed,
      "Device of the socket file a pathname socket is bound to, decimal 'MAJOR:MINOR' "
      "(UNIX_DIAG_VFS; as proc_fd.file_dev and stat(2) give it; with file_inode it tells "
      "whether the file at `path` is still this socket's). NULL for abstract and unbound "
      "sockets, and from /proc text.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        if (!r.diag.has_vfs) return out.null();
        // The kernel's dev_t: major in the top 12 bits, minor in the low 20.
        device_text(r.diag.vfs_dev >> 20, r.diag.vfs_dev & 0xFFFFF, out);
      }},
    attribute_column<&UnixDiagExtra::has_vfs, &UnixDiagExtra::vfs_inode>(
        "file_inode",
        "Inode of the socket file a pathname socket is bound to (UNIX_DIAG_VFS: stat(path).st_ino "
        "while the file is there). NULL for abstract and unbound sockets, and from /proc text."),
    meminfo_column<kMemRmemAlloc>(
        "recv_memory_bytes",
        "Receive memory in use (UNIX_DIAG_MEMINFO SK_MEMINFO_RMEM_ALLOC; `ss -xm` r). Usually 0: "
        "AF_UNIX charges data waiting to be read to the sender's send_memory_bytes. NULL from "
        "/proc text."),
    meminfo_column<kMemRcvbuf>(
        "recv_buffer_bytes",
        "Receive buffer limit in bytes (SO_RCVBUF; `ss -xm` rb). NULL from /proc text."),
    meminfo_column<kMemWmemAlloc>(
        "send_memory_bytes",
        "Memory held by sent data the peer has not read yet, skb overhead included "
        "(SK_MEMINFO_WMEM_ALLOC; `ss -xm` t). NULL from /proc text."),
    meminfo_column<kMemSndbuf>(
        "send_buffer_bytes",
        "Send buffer limit in bytes (SO_SNDBUF; `ss -xm` tb). NULL from /proc text."),
    meminfo_column<kMemDrops>(
        "drops",
        "Packets the socket dropped (SK_MEMINFO_DROPS; `ss -xm` d). NULL from /proc text and on "
        "kernels that do not send it."),
    attribute_column<&UnixDiagExtra::has_uid, &UnixDiagExtra::uid>(
        "uid",
        "User id owning the socket's file (UNIX_DIAG_UID, mapped into the reader's user "
        "namespace; `ss -xe` uid). NULL from /proc text."),
    C{"shutdown", A::kText, kNotPushed,
      "Which directions are shut down (UNIX_DIAG_SHUTDOWN): 'none', 'read' (nothing more will "
      "arrive: this end called shutdown(SHUT_RD) or the peer SHUT_WR), 'write' (this end may "
      "not send), 'both'. NULL from /proc text.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        static const char* const kNames[] = {"none", "read", "write", "both"};
        r.diag.has_shutdown ? out.text(kNames[r.diag.shutdown & 3]) : out.null();
      }},
    C{"cookie", A::kInteger, kNotPushed,
      "The socket's cookie (udiag_cookie): a number unique among the sockets of this boot, "
      "never reused as inodes can be. NULL from /proc text.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        maybe(r.from_netlink, r.diag.cookie, out);
      }},
    C{"source", A::kText, kNotPushed,
      "Which kernel interface gave the row: 'netlink' (UNIX_DIAG) or 'proc' (net/unix text). "
      "HIDDEN: name it to see it.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        out.text(r.from_netlink ? "netlink" : "proc");
      },
      true},
};

constexpr int kNetns = column_index(kColumns, "netns");
constexpr int kSt = column_index(kColumns, "st");
constexpr int kState = column_index(kColumns, "state");
constexpr int kListening = column_index(kColumns, "listening");

#ifdef PROCTAB_HAVE_LIBMNL
// Which columns need which UDIAG_SHOW_* attribute.
struct ShowFor {
  const char* column;
  uint32_t show;
};
constexpr ShowFor kShow[] = {
    {"peer_inode", UDIAG_SHOW_PEER},
    {"rx_queue", UDIAG_SHOW_RQLEN},
    {"tx_queue", UDIAG_SHOW_RQLEN},
    {"backlog", UDIAG_SHOW_RQLEN},
    {"backlog_max", UDIAG_SHOW_RQLEN},
    {"pending_connections", UDIAG_SHOW_ICONS},
    {"file_dev", UDIAG_SHOW_VFS},
    {"file_inode", UDIAG_SHOW_VFS},
    {"recv_memory_bytes", UDIAG_SHOW_MEMINFO},
    {"recv_buffer_bytes", UDIAG_SHOW_MEMINFO},
    {"send_memory_bytes", UDIAG_SHOW_MEMINFO},
    {"send_buffer_bytes", UDIAG_SHOW_MEMINFO},
    {"drops", UDIAG_SHOW_MEMINFO},
    {"uid", UDIAG_SHOW_UID},
};

consteval bool show_columns_exist() {
  for (const ShowFor& s : kShow) (void)column_index(kColumns, s.column);
  return true;
}
static_assert(show_columns_exist());

uint32_t requested_show(const Request& request) {
  // The name always: path is the column filtered on, and cheap.
  uint32_t show = UDIAG_SHOW_NAME;
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (!request.uses(static_cast<int>(i))) continue;
    for (const ShowFor& s : kShow) {
      if (std::strcmp(s.column, kColumns[i].name) == 0) show |= s.show;
    }
  }
  return show;
}

// The udiag_states a request's `state`, `st` and `listening` equalities
// allow (a superset: the cursor checks every row again).
uint32_t requested_states(const Request& request) {
  uint32_t mask = kUnixDiagAllStates;
  if (const Constraint* c = request.find(kState)) {
    uint32_t m = 0;
    for (const Value& v : c->values) {
      for (uint32_t st = 1; st <= 4; ++st) {
        if (v.text == unix_state_name(st)) m |= unix_diag_states_for_st(st);
      }
    }
    mask &= m;
  }
  if (const Constraint* c = request.find(kSt)) {
    uint32_t m = 0;
    for (const Value& v : c->values) {
      if (v.integer >= 0) m |= unix_diag_states_for_st(static_cast<uint64_t>(v.integer));
    }
    mask &= m;
  }
  if (const Constraint* c = request.find(kListening)) {
    uint32_t m = 0;
    for (const Value& v : c->values) {
      if (v.integer == 1) m |= kUnixDiagListen;
      if (v.integer == 0) m |= ~kUnixDiagListen;
    }
    mask &= m;
  }
  return mask;
}

#endif  // PROCTAB_HAVE_LIBMNL

UnixSource::Config UnixSource::configure(const TableDef& def, const TableArgs& args) {
  Config config;
  config.fs = open_root_with(def, args, "net/unix");
  config.named = open_netns_dir(def, args);
  config.sock_diag = args.seams.sock_diag;
  // The same rules as proc_tcp's: netlink only on the live /proc root (a
  // netlink socket answers for this kernel, not for a mount), and only in a
  // build with sock_diag; 'netlink' where it cannot be is a CREATE error.
  const DiagMode mode = diag_mode(def, args);
  config.netlink = mode != DiagMode::kProc && config.sock_diag;
  config.required = mode == DiagMode::kNetlink;
  return config;
}

void UnixSource::load(const Request& request, Rows<Row>& rows) {
#ifdef PROCTAB_HAVE_LIBMNL
  if (netlink_ && load_netlink(request, rows)) return;
#endif
  load_proc(request.find(kNetns), rows);
}

#ifdef PROCTAB_HAVE_LIBMNL
void UnixSource::fail(uint64_t ns, bool own, int err) const {
  throw Error(std::string("proc_unix: ") + (required_ ? "source='netlink': " : "") +
              "the UNIX_DIAG dump of " +
              std::string(own ? "the reader's network namespace" : "network namespace ") +
              (own ? "" : std::to_string(ns)) + " failed: " + std::strerror(err));
}

// False: the own namespace cannot be dumped and nothing came through netlink
// yet, so (auto) this statement reads /proc text instead.
bool UnixSource::load_netlink(const Request& request, Rows<Row>& rows) {
  const uint32_t states = requested_states(request);
  const uint32_t show = requested_show(request);
  const Constraint* netns = request.find(kNetns);
  const NetnsFilter wanted = netns_filter(netns);
  NetnsDirectory& dir = files_.directory();
  const std::optional<uint64_t> own = dir.own();
  if (!own) {
    if (required_) fail(0, true, ENOENT);
    netlink_ = false;
    return false;
  }
  if (wanted.allows(*own)) {
    if (int err = dump(*own, -1, states, show, rows)) {
      // auto answers from /proc text where netlink cannot be used here
      // (diag_falls_back: EPERM, EPROTONOSUPPORT, ...), never for an error
      // that is no property of the machine (EMFILE).
      if (required_ || !diag_falls_back(err)) fail(*own, true, err);
      bool any = false;
      for (const auto& [ns, d] : dumped_) any |= d.ok;
      if (any) fail(*own, true, err);  // rows of both sources would mix within a namespace
      netlink_ = false;
      return false;
    }
  }
  if (!wanted.wants_others(own)) return true;
  for (uint64_t ns : dir.others()) {
    if (!wanted.allows(ns)) continue;
    if (auto it = dumped_.find(ns); it != dumped_.end()) {
      const Dumped& d = it->second;
      if (d.proc) continue;
      // Dumped with all this request asks: no need to open it again (the
      // inner side of a join filters once per outer row).
      if (d.ok && (states & ~d.states) == 0 && (show & ~d.show) == 0) continue;
    }
    int err =
        dir.with_namespace(ns, [&](int ns_fd) { return dump(ns, ns_fd, states, show, rows); });
    if (!err) continue;
    // ENOENT: its processes are gone and it has no name: nothing to read.
    if (err != ENOENT && (required_ || !diag_falls_back(err))) fail(ns, false, err);
    if (dumped_[ns].ok) continue;  // dumped before: keep those rows
    // Cannot enter it (or no UNIX_DIAG there): its /proc text, once.
    dumped_[ns].proc = true;
    Constraint only{kNetns, {Value{static_cast<int64_t>(ns), {}}}};
    load_proc(&only, rows);
  }
  return true;
}

int UnixSource::dump(uint64_t ns, int ns_fd, uint32_t states, uint32_t show, Rows<Row>& rows) {
  Dumped& d = dumped_[ns];
  const uint32_t new_states = states & ~d.states;
  const uint32_t new_show = show & ~d.show;
  if (d.ok && new_states == 0 && new_show == 0) return 0;
  // More attributes: every state the snapshot has, again, to fill its rows;
  // only more states: just those.
  const uint32_t ask_states = (new_show || !d.ok) ? (d.states | states) : new_states;
  const uint32_t ask_show = d.show | show;
  if (ask_states == 0) return 0;  // the request can match no socket
  std::unique_ptr<SockDiag> diag = sock_diag_ ? sock_diag_(files_.fs(), ns_fd) : nullptr;
  if (!diag) return EPROTONOSUPPORT;  // a build without netlink support
  const size_t before = rows.size();
  std::vector<uint32_t> added;
  const std::string request = unix_diag_request(ask_states, ask_show);
  int err = diag->dump(
      SOCK_DIAG_BY_FAMILY, request,
      [&](std::string_view message) { take(ns, d, message, rows, added); },
      [&] {
        // An interrupted attempt: forget its new rows (attributes it wrote
        // into older rows are written again by the next attempt).
        for (uint32_t inode : added) d.rows.erase(inode);
        added.clear();
        while (rows.size() > before) rows.pop_back();
      });
  if (err) {
    for (uint32_t inode : added) d.rows.erase(inode);
    while (rows.size() > before) rows.pop_back();
    return err;
  }
  d.ok = true;
  d.states |= ask_states;
  d.show = ask_show;
  return 0;
}

void UnixSource::take(uint64_t ns, Dumped& dumped, std::string_view message, Rows<Row>& rows,
                      std::vector<uint32_t>& added) {
  if (message.size() < NLMSG_HDRLEN) return;
  nlmsghdr header;
  std::memcpy(&header, message.data(), sizeof header);
  if (header.nlmsg_type != SOCK_DIAG_BY_FAMILY) return;
  UnixDiagRow parsed;
  if (!parse_unix_diag_message(message.substr(NLMSG_HDRLEN), parsed)) return;
  const std::string_view raw = parsed.diag.raw_name;
  parsed.diag.raw_name = {};  // points into the message: the path is stored instead
  if (parsed.inode != 0) {
    auto it = dumped.rows.find(static_cast<uint32_t>(parsed.inode));
    if (it != dumped.rows.end()) {
      // Seen before (an earlier dump, or twice in this one): only the
      // attributes change, never what the indexes were built on.
      rows[it->second].diag = parsed.diag;
      return;
    }
  }
  Row& row = rows.emplace_back();
  static_cast<UnixDiagRow&>(row) = parsed;
  row.netns = static_cast<int64_t>(ns);
  if (parsed.has_path) {
    name_scratch_.resize(raw.size() + 1);
    row.path = names_.store(
        std::string_view(name_scratch_.data(), unix_diag_path_text(raw, name_scratch_.data())));
  }
  if (row.inode != 0) {
    dumped.rows.emplace(static_cast<uint32_t>(row.inode), rows.size() - 1);
    added.push_back(static_cast<uint32_t>(row.inode));
  }
}

#endif  // PROCTAB_HAVE_LIBMNL

void UnixSource::load_proc(const Constraint* netns, Rows<Row>& rows) {
  files_.load("net/unix", 0, false, netns, rows, [&](const char* path, Rows<Row>& out) {
    // Rows' paths point into the text, so this (small) file is kept
    // whole: a deque never moves its strings.
    std::string text;
    ProcFs& fs = files_.fs();
    int err =
        fs.read_chunks(fs.root_fd(), path, [&](std::string_view chunk) { text.append(chunk); });
    if (err) return err;
    texts_.push_back(std::move(text));
    text::parse_rows(texts_.back(), "Num", out, [](std::string_view line, Row& row) {
      row = Row{};
      return parse_unix_line(line, row);
    });
    return 0;
  });
}

}  // namespace

const TableDef& proc_unix_def() {
  static const TableDef def = define_table<UnixSource, kColumns>(
      "proc_unix",
      "One row per UNIX domain socket of every network namespace (named, abstract and unnamed — "
      "socketpair() ends and accepted connections included): from the kernel's UNIX_DIAG on the "
      "live machine (what `ss -x` reads, with the peer, queues, bound file, memory and owner), "
      "from /proc/net/unix text for another root or source='proc'.");
  return def;
}

}  // namespace proctab
