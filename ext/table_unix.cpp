// table_unix.cpp — proc_unix: one row per line of <root>/net/unix, in every
// network namespace: the UNIX domain sockets of the machine.
//
// Usage:
//   SELECT path, f.pid, f.fd FROM proc_unix u JOIN proc_fd f USING (inode)
//     WHERE u.listening;                        -- who serves which socket file
//   SELECT type, state, count(*) FROM proc_unix GROUP BY 1, 2;
//   SELECT * FROM proc_unix WHERE abstract;     -- '@name' sockets
//
// How it works: as proc_tcp (socket_table.h): net/unix is read once per
// network namespace on a cursor's first xFilter and kept as the statement's
// snapshot; `inode =` is a hash lookup, `netns =` limits the namespaces read.
// Each namespace's text is kept with the snapshot, so a row's path is a view
// into it, not a copy. Malformed lines (NUL-filled or torn reads) are skipped.
#include <deque>

#include "parse_unix.h"
#include "socket_table.h"

namespace proctab {

namespace {

enum Col {
  kPointer,
  kRefcount,
  kProtocol,
  kFlags,
  kType,
  kSt,
  kState,
  kListening,
  kInode,
  kPath,
  kAbstract,
  kNetns,
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args);

using A = Affinity;
const TableDef kDef = {
    "proc_unix",
    "One row per line of /proc/net/unix of every network namespace: every UNIX domain socket "
    "(named, abstract and unnamed — socketpair() ends and accepted connections included).",
    {
        {"pointer", A::kText, false,
         "Kernel address of the socket as printed ('Num', %pK: hashed, or zeros under "
         "kptr_restrict). Opaque text."},
        {"refcount", A::kInteger, false, "Socket reference count ('RefCount')."},
        {"protocol", A::kInteger, false, "Always 0 ('Protocol')."},
        {"flags", A::kInteger, false,
         "'Flags': 65536 (__SO_ACCEPTCON) for a listening socket, else 0."},
        {"type", A::kText, false,
         "'stream', 'dgram' or 'seqpacket' (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5); "
         "another number as its decimal text."},
        {"st", A::kInteger, false, "Raw socket state number ('St', socket_state)."},
        {"state", A::kText, false,
         "'UNCONNECTED' (1: unbound, bound, listening or an unconnected datagram socket), "
         "'CONNECTING' (2), 'CONNECTED' (3), 'DISCONNECTING' (4); another number as decimal "
         "text. As printed, the kernel's 2 and 4 mean a socket with no file whose peer is or is "
         "not connected (an embryo of a pending accept)."},
        {"listening", A::kInteger, false,
         "1 if the socket listens (flags has __SO_ACCEPTCON), else 0."},
        {"inode", A::kInteger, true, "Socket inode: joins proc_fd.inode."},
        {"path", A::kText, false,
         "The bound address as printed: a filesystem path verbatim (spaces included), or for an "
         "abstract name '@' then the name with every NUL shown as '@'. NULL for an unbound "
         "socket. A path containing a newline is cut at it (the kernel does not escape it)."},
        {"abstract", A::kInteger, false,
         "1 for an abstract-namespace name (path starts with '@'), 0 for a filesystem path, NULL "
         "when unbound."},
        kNetnsColumnDef,
    },
    make,
};

class UnixCursor final : public SocketCursor<UnixRow> {
 public:
  explicit UnixCursor(std::shared_ptr<ProcFs> fs)
      : SocketCursor<UnixRow>(std::move(fs), "proc_unix", kInode, kNetns) {}

  void filter(const FilterArgs& args) override {
    load("net/unix", 0, false, args, 0);
    start(args);
  }

 private:
  int parse(const NetnsDirectory::Reader& read, int) override {
    // Rows' paths point into the text, so this (small) file is kept whole:
    // a deque never moves its strings.
    std::string text;
    int err = read([&](std::string_view chunk) { text.append(chunk); });
    if (err) return err;
    texts_.push_back(std::move(text));
    parse_rows(texts_.back(), "Num", rows_, parse_unix_line);
    return 0;
  }

  bool matches(const UnixRow&) const override { return true; }

  void row_column(int column, const UnixRow& r, ResultSink& out) const override {
    switch (column) {
      case kPointer:
        return out.text(std::string_view(r.pointer, r.pointer_len));
      case kRefcount:
        return out.integer(r.refcount);
      case kProtocol:
        return out.integer(r.protocol);
      case kFlags:
        return out.integer(r.flags);
      case kType:
        if (const char* name = unix_type_name(r.type)) return out.text(name);
        return out.text(std::to_string(r.type));
      case kSt:
        return out.integer(r.st);
      case kState:
        if (const char* name = unix_state_name(r.st)) return out.text(name);
        return out.text(std::to_string(r.st));
      case kListening:
        return out.integer((r.flags & kUnixAcceptCon) ? 1 : 0);
      case kInode:
        return out.integer(static_cast<int64_t>(r.inode));
      case kPath:
        return r.has_path ? out.text(r.path) : out.null();
      case kAbstract:
        return r.has_path ? out.integer(r.abstract ? 1 : 0) : out.null();
    }
    out.null();
  }

  std::deque<std::string> texts_;
};

class UnixTable final : public Table {
 public:
  explicit UnixTable(std::shared_ptr<ProcFs> fs) : fs_(std::move(fs)) {}

  Estimate estimate(uint64_t constrained) const override {
    return socket_estimate(constrained, kInode, {{kNetns, 2}});
  }

  std::unique_ptr<Cursor> open() override { return std::make_unique<UnixCursor>(fs_); }

 private:
  std::shared_ptr<ProcFs> fs_;
};

std::unique_ptr<Table> make(const TableDef& def, const TableArgs& args) {
  return std::make_unique<UnixTable>(open_socket_root(def, args, "net/unix"));
}

}  // namespace

const TableDef& proc_unix_def() {
  return kDef;
}

}  // namespace proctab
