// socket.h — what the socket tables (proc_tcp, proc_udp, proc_unix) share:
// rows tagged with their network namespace, reading each /proc/net file once
// per namespace into the statement's snapshot, the columns every inet table
// has, and the row source of proc_tcp and proc_udp.
//
// A /proc/net file is not a snapshot: every read() resumes the kernel's hash
// walk, so a socket that moved meanwhile can be printed twice, and a join
// would then report its owner twice. A live socket has one inode, so a
// non-zero inode repeated within one read is such a duplicate: the first is
// kept. (Inode 0 rows — timewait, request socks — cannot be told apart.)
#pragma once

#include <arpa/inet.h>

#include <memory>
#include <string>

#include "core/hash_index.h"
#include "core/snapshot.h"
#include "core/value_set.h"
#include "kernel/netns.h"
#include "kernel/system.h"
#include "parse/inet.h"
#include "tables/common.h"
#include "text/row_parser.h"

namespace proctab {

// A parsed line plus the namespace it was read in (-1: the unnamed own
// namespace of a fixture root, shown as NULL).
template <typename Parsed>
struct SocketRow : Parsed {
  int64_t netns = -1;
};

// The namespaces a `netns` constraint names (every one without it).
NetnsFilter netns_filter(const Constraint* netns);

// What every table with a netns column needs to open at CREATE time: its
// root, and the named-namespace directory (null: none).
struct SocketConfig {
  std::shared_ptr<ProcFs> fs;
  std::shared_ptr<ProcFs> named;
};

// Reads /proc/net files into a snapshot, once per network namespace each.
class SocketFiles {
 public:
  SocketFiles(std::shared_ptr<ProcFs> fs, std::shared_ptr<ProcFs> named, const char* table)
      : dir_(fs, std::move(named)), fs_(fs), table_(table) {}

  ProcFs& fs() const { return *fs_; }
  // The namespaces of the root: for a source that reads them itself
  // (sock_diag enters them through with_namespace).
  NetnsDirectory& directory() const { return dir_; }
  // The names of the named namespaces (read on first use).
  const NetnsNames& names() const { return dir_.names(); }

  // Reads `file` (slot: its number among the table's files) in every
  // namespace `netns` allows that has not been read yet: parse(path, rows)
  // streams <root>/<path> into rows and returns 0 or an errno value. On
  // failure the rows it added are dropped again, never a partial file.
  // `optional`: a file absent from the own namespace (IPv6 disabled) means
  // no rows rather than an SQL error.
  template <typename Row, typename Parse>
  void load(const char* file, size_t slot, bool optional, const Constraint* netns, Rows<Row>& rows,
            Parse&& parse) {
    if (loaded_.size() <= slot) loaded_.resize(slot + 1);
    int err = dir_.load(file, netns_filter(netns), loaded_[slot],
                        [&](std::optional<uint64_t> ns, const char* path) {
                          const size_t before = rows.size();
                          int read_err = parse(path, rows);
                          if (read_err) {
                            while (rows.size() > before) rows.pop_back();
                            return read_err;
                          }
                          drop_repeated_inodes(rows, before);
                          const int64_t tag = ns ? static_cast<int64_t>(*ns) : -1;
                          for (size_t i = before; i < rows.size(); ++i) rows[i].netns = tag;
                          return 0;
                        });
    if (err == ENOENT && optional) return;
    if (err) {
      throw Error(std::string(table_) + ": " + describe_errno(fs_->root() + "/" + file, err));
    }
  }

 private:
  template <typename Row>
  void drop_repeated_inodes(Rows<Row>& rows, size_t from) {
    seen_.reset(rows.size() - from);
    size_t kept = from;
    for (size_t i = from; i < rows.size(); ++i) {
      if (rows[i].inode != 0 && !seen_.insert(rows[i].inode)) continue;
      if (kept != i) rows[kept] = rows[i];
      ++kept;
    }
    while (rows.size() > kept) rows.pop_back();
  }

  mutable NetnsDirectory dir_;  // its caches fill on first use
  std::shared_ptr<ProcFs> fs_;
  const char* table_;
  std::vector<NetnsDirectory::Loaded> loaded_;  // per file
  InodeSet seen_;
};

// Streams <root>/<path> through parse_line(line, row) into rows, skipping a
// first line that starts with `header`: what a socket table with a format of
// its own passes to SocketFiles::load. Returns 0 or an errno value.
template <typename Row, typename ParseLine>
int stream_socket_file(ProcFs& fs, const char* path, std::string_view header, ParseLine parse_line,
                       Rows<Row>& rows) {
  text::RowParser<ParseLine> parser(header, std::move(parse_line));
  int err =
      fs.read_chunks(fs.root_fd(), path, [&](std::string_view chunk) { parser.feed(chunk, rows); });
  if (!err) parser.finish(rows);
  return err;
}

// ---- columns every socket table has ---------------------------------------

inline constexpr const char* kNetnsDoc =
    "Network namespace: the N of /proc/PID/ns/net → 'net:[N]' (joins proc_fd.netns). Every "
    "namespace reachable through /proc is read, once each; `netns = proctab_netns()` reads only "
    "the reader's own. NULL for a root without self/ns/net (a fixture).";
inline constexpr const char* kPointerDoc =
    "Kernel address of the socket as printed (%pK: hashed, or zeros under kptr_restrict). "
    "Opaque text.";

inline constexpr const char* kNetnsNameDoc =
    "The namespace's name (`ip netns list`: an entry of /run/netns, or of the netns_dir module "
    "argument), several joined by ','; NULL for a namespace without one (the host's, a "
    "container's).";

void inet_address(int family, const uint8_t* bytes, ResultSink& out);
// An inet state number as its name, or an unknown one as decimal text.
void tcp_state_text(uint32_t st, ResultSink& out);

namespace socket_columns {

template <typename S>
inline constexpr Column<S> netns = {"netns", Affinity::kInteger, pushed(0.5), kNetnsDoc,
                                    [](const S&, const auto& r, ResultSink& out) {
                                      r.netns < 0 ? out.null() : out.integer(r.netns);
                                    }};
// Sources with a netns column give netns_name(ns) too.
template <typename S>
inline constexpr Column<S> netns_name = {"netns_name", Affinity::kText, pushed(0.5), kNetnsNameDoc,
                                         [](const S& s, const auto& r, ResultSink& out) {
                                           if (r.netns < 0) return out.null();
                                           auto name = s.netns_name(static_cast<uint64_t>(r.netns));
                                           name ? out.text(*name) : out.null();
                                         }};
template <typename S>
inline constexpr Column<S> inode = {
    "inode", Affinity::kInteger, pushed(1.0 / 1000), "Socket inode: joins proc_fd.inode.",
    [](const S&, const auto& r, ResultSink& out) { out.integer(static_cast<int64_t>(r.inode)); }};
template <typename S>
inline constexpr Column<S> refcount = {
    "refcount", Affinity::kInteger, kNotPushed, "Socket reference count.",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.refcount); }};
template <typename S>
inline constexpr Column<S> pointer = {
    "pointer", Affinity::kText, kNotPushed, kPointerDoc,
    [](const S&, const auto& r, ResultSink& out) { out.text(r.pointer.view()); }};

}  // namespace socket_columns

// The columns proc_tcp and proc_udp share (rows derived from InetSocketRow).
// Those whose meaning differs between protocols take their doc from the
// table (with_doc).
namespace inet_columns {

template <typename S>
inline constexpr Column<S> family = {
    "family", Affinity::kText, pushed(0.5), "",
    [](const S&, const auto& r, ResultSink& out) { out.text(r.family == 4 ? "inet" : "inet6"); }};
template <typename S>
inline constexpr Column<S> local_address = {
    "local_address", Affinity::kText, pushed(1.0 / 20),
    "Local IP address, inet_ntop text: '127.0.0.1', '::1', '::ffff:127.0.0.1' for a v4-mapped "
    "IPv6 socket. Source: local_address (hex, decoded endian-correctly).",
    [](const S&, const auto& r, ResultSink& out) { inet_address(r.family, r.local_addr, out); }};
template <typename S>
inline constexpr Column<S> local_port = {
    "local_port", Affinity::kInteger, pushed(1.0 / 50),
    "Local port number. Source: local_address after ':'.",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.local_port); }};
template <typename S>
inline constexpr Column<S> remote_address = {
    "remote_address", Affinity::kText, pushed(1.0 / 20),
    "Remote IP address ('0.0.0.0' / '::' when unconnected). Source: rem_address.",
    [](const S&, const auto& r, ResultSink& out) { inet_address(r.family, r.remote_addr, out); }};
template <typename S>
inline constexpr Column<S> remote_port = {
    "remote_port", Affinity::kInteger, pushed(1.0 / 50), "Remote port number (0 when unconnected).",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.remote_port); }};
template <typename S>
inline constexpr Column<S> st = {
    "st", Affinity::kInteger, pushed(1.0 / 5),
    "Raw kernel state number (include/net/tcp_states.h).",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.st); }};
template <typename S>
inline constexpr Column<S> state = {
    "state", Affinity::kText, pushed(1.0 / 5), "",
    [](const S&, const auto& r, ResultSink& out) { tcp_state_text(r.st, out); }};
template <typename S>
inline constexpr Column<S> tx_queue = {"tx_queue", Affinity::kInteger, kNotPushed, "",
                                       [](const S&, const auto& r, ResultSink& out) {
                                         out.integer(static_cast<int64_t>(r.tx_queue));
                                       }};
template <typename S>
inline constexpr Column<S> rx_queue = {"rx_queue", Affinity::kInteger, kNotPushed, "",
                                       [](const S&, const auto& r, ResultSink& out) {
                                         out.integer(static_cast<int64_t>(r.rx_queue));
                                       }};
template <typename S>
inline constexpr Column<S> uid = {
    "uid", Affinity::kInteger, pushed(1.0 / 10), "",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.uid); }};

}  // namespace inet_columns

// The columns of the tables whose files use UDP's line format (proc_raw,
// proc_icmp: parse/udp.h): the hash bucket, the drop counter, and the
// send / receive memory, which mean the same for every datagram socket.
namespace dgram_columns {

inline constexpr const char* kTxQueueDoc =
    "Bytes of send-buffer memory in use (sk_wmem_alloc, skb overhead included). Source: "
    "tx_queue.";
inline constexpr const char* kRxQueueDoc =
    "Bytes of receive-buffer memory in use (queued datagrams, skb overhead included). Source: "
    "rx_queue.";
inline constexpr const char* kStateDoc =
    "'CLOSE' (st 7) for an unconnected socket, 'ESTABLISHED' (st 1) for one connect()ed to a "
    "peer. Another number prints as its decimal text.";
inline constexpr const char* kUidDoc = "Owner's user id, mapped into the reader's user namespace.";

template <typename S>
inline constexpr Column<S> bucket = {
    "bucket", Affinity::kInteger, kNotPushed,
    "The 'sl' column: the socket's hash bucket (several sockets may share one). Not a key.",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.slot); }};
template <typename S>
inline constexpr Column<S> drops = {
    "drops", Affinity::kInteger, kNotPushed,
    "Datagrams dropped on receive (sk_drops: receive buffer full, checksum or filter failures).",
    [](const S&, const auto& r, ResultSink& out) { out.integer(r.drops); }};

}  // namespace dgram_columns

// ---- the row source of proc_tcp and proc_udp --------------------------------
//
// Protocol (defined after the table's columns, so it can name them):
//   static constexpr const char* kTable;      "proc_tcp"
//   static constexpr const char* kFiles[2];   {"net/tcp", "net/tcp6"}
//   static bool parse_line(std::string_view line, int family, Parsed& row);
//   static constexpr int kFamily, kNetns;     the columns the source reads less for
//   static constexpr Plan kPlan;
// `RowType`: a row derived from SocketRow<Parsed> (the sock_diag source adds
// fields of its own: tables/inet_diag_source.h).
template <typename Parsed, typename Protocol, typename RowType = SocketRow<Parsed>>
class InetSource {
 public:
  using Row = RowType;
  using Config = SocketConfig;

  static Config configure(const TableDef& def, const TableArgs& args) {
    return {open_root_with(def, args, Protocol::kFiles[0]), open_netns_dir(def, args)};
  }
  static constexpr Plan plan() { return Protocol::kPlan; }

  explicit InetSource(const Config& config) : files_(config.fs, config.named, Protocol::kTable) {}

  std::optional<std::string> netns_name(uint64_t ns) const { return files_.names().name(ns); }
  SocketFiles& files() { return files_; }

  // `family = 'inet'` reads no tcp6; `netns = N` only namespace N.
  void load(const Request& request, Rows<Row>& rows) {
    bool want[2] = {true, true};
    if (const Constraint* c = request.find(Protocol::kFamily)) {
      want[0] = want[1] = false;
      for (const Value& v : c->values) {
        if (v.text == "inet") want[0] = true;
        if (v.text == "inet6") want[1] = true;
      }
    }
    const Constraint* netns = request.find(Protocol::kNetns);
    for (size_t f = 0; f < 2; ++f) {
      if (!want[f]) continue;
      const int family = f == 0 ? 4 : 6;
      files_.load(Protocol::kFiles[f], f, f == 1, netns, rows,
                  [&](const char* path, Rows<Row>& out) { return parse(path, family, out); });
    }
  }

 private:
  int parse(const char* path, int family, Rows<Row>& rows) {
    auto parse_line = [family](std::string_view line, Row& row) {
      return Protocol::parse_line(line, family, row);
    };
    text::RowParser<decltype(parse_line)> parser("sl", parse_line);
    ProcFs& fs = files_.fs();
    int err = fs.read_chunks(fs.root_fd(), path,
                             [&](std::string_view chunk) { parser.feed(chunk, rows); });
    if (!err) parser.finish(rows);
    return err;
  }

  SocketFiles files_;
};

// ---- the row source of a socket table with one file of its own format -----
//
// Format (defined after the table's columns, so it can name them):
//   static constexpr const char* kTable;    "proc_packet"
//   static constexpr const char* kFile;     "net/packet"
//   static constexpr const char* kHeader;   "sk": the header line starts so
//   static bool parse_line(std::string_view line, Parsed& row);
//   static constexpr int kNetns;            the column `netns =` limits reads by
//   static constexpr Plan kPlan;
template <typename Parsed, typename Format>
class LineSocketSource {
 public:
  using Row = SocketRow<Parsed>;
  using Config = SocketConfig;

  static Config configure(const TableDef& def, const TableArgs& args) {
    return {open_root_with(def, args, Format::kFile), open_netns_dir(def, args)};
  }
  static constexpr Plan plan() { return Format::kPlan; }

  explicit LineSocketSource(const Config& config)
      : files_(config.fs, config.named, Format::kTable) {}

  std::optional<std::string> netns_name(uint64_t ns) const { return files_.names().name(ns); }

  // One read of the file per network namespace `netns =` allows.
  void load(const Request& request, Rows<Row>& rows) {
    files_.load(Format::kFile, 0, false, request.find(Format::kNetns), rows,
                [&](const char* path, Rows<Row>& out) {
                  return stream_socket_file(
                      files_.fs(), path, Format::kHeader,
                      [](std::string_view line, Row& row) { return Format::parse_line(line, row); },
                      out);
                });
  }

 private:
  SocketFiles files_;
};

}  // namespace proctab
