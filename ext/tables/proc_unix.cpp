// proc_unix.cpp — proc_unix: one row per line of <root>/net/unix, in every
// network namespace: the UNIX domain sockets of the machine.
//
// Usage:
//   SELECT path, f.pid, f.fd FROM proc_unix u JOIN proc_fd f USING (inode)
//     WHERE u.listening;                        -- who serves which socket file
//   SELECT type, state, count(*) FROM proc_unix GROUP BY 1, 2;
//   SELECT * FROM proc_unix WHERE abstract;     -- '@name' sockets
//
// How it works: as proc_tcp (tables/socket.h): net/unix is read once per
// network namespace into the statement's snapshot; `inode =` and the other
// pushed-down equalities are hash lookups, `netns =` limits the namespaces
// read. Each namespace's text is kept with the snapshot, so a row's path is a
// view into it, not a copy. Malformed lines (NUL-filled or torn reads) are
// skipped.
#include <deque>

#include "parse/unix.h"
#include "tables/socket.h"

namespace proctab {

namespace {

class UnixSource {
 public:
  using Row = SocketRow<UnixRow>;
  using Config = SocketConfig;
  static Config configure(const TableDef& def, const TableArgs& args) {
    return {open_root_with(def, args, "net/unix"), open_netns_dir(def, args)};
  }
  static constexpr Plan plan() { return {1000, 1000}; }

  explicit UnixSource(const Config& config) : files_(config.fs, config.named, "proc_unix") {}
  void load(const Request& request, Rows<Row>& rows);
  std::optional<std::string> netns_name(uint64_t ns) const { return files_.names().name(ns); }

 private:
  SocketFiles files_;
  std::deque<std::string> texts_;  // rows' paths point into these
};

using C = Column<UnixSource>;
using A = Affinity;
using Row = UnixSource::Row;

constexpr std::array kColumns = {
    with_doc(socket_columns::pointer<UnixSource>,
             "Kernel address of the socket as printed ('Num', %pK: hashed, or zeros under "
             "kptr_restrict). Opaque text."),
    with_doc(socket_columns::refcount<UnixSource>, "Socket reference count ('RefCount')."),
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
    C{"st", A::kInteger, pushed(1.0 / 3), "Raw socket state number ('St', socket_state).",
      [](const UnixSource&, const Row& r, ResultSink& out) { out.integer(r.st); }},
    C{"state", A::kText, pushed(1.0 / 3),
      "'UNCONNECTED' (1: unbound, bound, listening or an unconnected datagram socket), "
      "'CONNECTING' (2), 'CONNECTED' (3), 'DISCONNECTING' (4); another number as decimal text. "
      "As printed, the kernel's 2 and 4 mean a socket with no file whose peer is or is not "
      "connected (an embryo of a pending accept).",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        if (const char* name = unix_state_name(r.st)) return out.text(name);
        out.text(std::to_string(r.st));
      }},
    C{"listening", A::kInteger, pushed(1.0 / 10),
      "1 if the socket listens (flags has __SO_ACCEPTCON), else 0.",
      [](const UnixSource&, const Row& r, ResultSink& out) {
        out.integer((r.flags & kUnixAcceptCon) ? 1 : 0);
      }},
    socket_columns::inode<UnixSource>,
    C{"path", A::kText, pushed(1.0 / 100),
      "The bound address as printed: a filesystem path verbatim (spaces included), or for an "
      "abstract name '@' then the name with every NUL shown as '@'. NULL for an unbound socket. A "
      "path containing a newline is cut at it (the kernel does not escape it).",
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
};

constexpr int kNetns = column_index(kColumns, "netns");

void UnixSource::load(const Request& request, Rows<Row>& rows) {
  files_.load(
      "net/unix", 0, false, request.find(kNetns), rows, [&](const char* path, Rows<Row>& out) {
        // Rows' paths point into the text, so this (small) file is
        // kept whole: a deque never moves its strings.
        std::string text;
        ProcFs& fs = files_.fs();
        int err =
            fs.read_chunks(fs.root_fd(), path, [&](std::string_view chunk) { text.append(chunk); });
        if (err) return err;
        texts_.push_back(std::move(text));
        text::parse_rows(texts_.back(), "Num", out, parse_unix_line);
        return 0;
      });
}

}  // namespace

const TableDef& proc_unix_def() {
  static const TableDef def = define_table<UnixSource, kColumns>(
      "proc_unix",
      "One row per line of /proc/net/unix of every network namespace: every UNIX domain socket "
      "(named, abstract and unnamed — socketpair() ends and accepted connections included).");
  return def;
}

}  // namespace proctab
