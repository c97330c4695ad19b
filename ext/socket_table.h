// socket_table.h — the snapshot and pushdown machinery the socket tables
// (proc_tcp, proc_udp, proc_unix) share.
//
// SocketCursor<Row>: rows parsed from one or more /proc/net files, read once
// per network namespace (netns.h) on a cursor's first xFilter and kept as the
// statement's snapshot; later xFilters read only namespaces they lack. It
// owns the two columns every socket table has — `inode` (a hash lookup into
// the snapshot, so joins with proc_fd are O(N+M)) and `netns` (pushed down to
// the namespace reads) — and leaves row parsing, the other filters and the
// other columns to the table.
//
// InetTable<Row>: proc_tcp and proc_udp, whose rows share 12 fields and whose
// first 12 columns are the same (family .. netns, see InetCol). A protocol is
// its files, its parser, its extra columns.
#pragma once

#include <arpa/inet.h>
#include <errno.h>

#include <string>
#include <vector>

#include "chunked_vector.h"
#include "inode_index.h"
#include "netns.h"
#include "parse_tcp.h"
#include "table.h"
#include "value_set.h"

namespace proctab {

// Column definitions every socket table has (constant-initialized: safe to
// use in other files' static TableDefs).
inline constexpr ColumnDef kNetnsColumnDef = {
    "netns", Affinity::kInteger, true,
    "Network namespace: the N of /proc/PID/ns/net → 'net:[N]' (joins proc_fd.netns). Every "
    "namespace reachable through /proc is read, once each; `netns = proctab_netns()` reads only "
    "the reader's own. NULL for a root without self/ns/net (a fixture)."};
inline constexpr ColumnDef kRefcountColumnDef = {"refcount", Affinity::kInteger, false,
                                                 "Socket reference count."};
inline constexpr ColumnDef kPointerColumnDef = {
    "pointer", Affinity::kText, false,
    "Kernel address of the socket as printed (%pK: hashed, or zeros under kptr_restrict). "
    "Opaque text."};

template <typename Row>
class SocketCursor : public Cursor {
 public:
  SocketCursor(std::shared_ptr<ProcFs> fs, const char* table, int inode_column, int netns_column)
      : fs_(fs),
        netns_dir_(std::move(fs)),
        table_(table),
        inode_column_(inode_column),
        netns_column_(netns_column) {}

  bool eof() const override { return pos_ >= limit(); }

  void next() override {
    ++pos_;
    skip_non_matching();
  }

  int64_t rowid() const override { return current(); }

  void column(int column, ResultSink& out) const override {
    uint32_t i = current();
    if (column == netns_column_) return netns_[i] < 0 ? out.null() : out.integer(netns_[i]);
    row_column(column, rows_[i], out);
  }

 protected:
  // Appends the rows of one file (of `family`, table-defined) to rows_ while
  // `read` streams it; returns read's result. On failure the rows it added
  // are dropped again (discard_from), never a partial file.
  virtual int parse(const NetnsDirectory::Reader& read, int family) = 0;
  // The table's own pushed-down filters (netns and inode are handled here).
  virtual bool matches(const Row& r) const = 0;
  virtual void row_column(int column, const Row& r, ResultSink& out) const = 0;

  // Reads `file` for every namespace the `netns` constraint allows that the
  // snapshot lacks. `optional`: a file absent from the own namespace (IPv6
  // disabled) means no rows rather than an error.
  void load(const char* file, int family, bool optional, const FilterArgs& args, size_t slot) {
    if (loaded_.size() <= slot) loaded_.resize(slot + 1);
    IntSet wanted(args.find(netns_column_));
    int err = netns_dir_.load(file, wanted, loaded_[slot],
                              [&](std::optional<uint64_t> ns, const NetnsDirectory::Reader& read) {
                                const size_t before = rows_.size();
                                int read_err = parse(read, family);
                                if (read_err) {
                                  while (rows_.size() > before) rows_.pop_back();
                                  return read_err;
                                }
                                drop_repeated_inodes(before);
                                netns_.resize(rows_.size(), ns ? static_cast<int64_t>(*ns) : -1);
                                index_ = InodeIndex();  // rows changed: rebuild on next lookup
                                return 0;
                              });
    if (err == ENOENT && optional) return;
    if (err)
      throw Error(std::string(table_) + ": " + describe_errno(fs_->root() + "/" + file, err));
  }

  // A /proc/net file is not a snapshot: every read() resumes the kernel's
  // hash walk, so a socket that moved meanwhile can be printed twice, and a
  // join would then report its owner twice. A live socket has one inode:
  // a non-zero inode repeated within one read is such a duplicate. Keep the
  // first. (Inode 0 rows — timewait, request socks — cannot be told apart.)
  void drop_repeated_inodes(size_t from) {
    seen_.reset(rows_.size() - from);
    size_t kept = from;
    for (size_t i = from; i < rows_.size(); ++i) {
      if (rows_[i].inode != 0 && !seen_.insert(rows_[i].inode)) continue;
      if (kept != i) rows_[kept] = rows_[i];
      ++kept;
    }
    while (rows_.size() > kept) rows_.pop_back();
  }

  // After load(): positions the scan on the first matching row.
  void start(const FilterArgs& args) {
    netns_wanted_ = IntSet(args.find(netns_column_));
    hits_.clear();
    use_hits_ = false;
    if (const Constraint* c = args.find(inode_column_)) {
      use_hits_ = true;
      auto key = [&](uint32_t i) { return rows_[i].inode; };
      if (!index_.built()) {
        index_.build(static_cast<uint32_t>(rows_.size()), key, [](uint32_t) { return true; });
      }
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

  ChunkedVector<Row> rows_;  // the snapshot

 private:
  size_t limit() const { return use_hits_ ? hits_.size() : rows_.size(); }
  uint32_t current() const { return use_hits_ ? hits_[pos_] : static_cast<uint32_t>(pos_); }

  void skip_non_matching() {
    while (pos_ < limit()) {
      uint32_t i = current();
      if ((!netns_wanted_.active() || (netns_[i] >= 0 && netns_wanted_.allows(netns_[i]))) &&
          matches(rows_[i])) {
        break;
      }
      ++pos_;
    }
  }

  std::shared_ptr<ProcFs> fs_;
  NetnsDirectory netns_dir_;
  const char* table_;
  int inode_column_, netns_column_;
  std::vector<int64_t> netns_;                  // per row; -1 = unnamed (NULL)
  std::vector<NetnsDirectory::Loaded> loaded_;  // per file
  InodeIndex index_;
  InodeSet seen_;
  // The current scan.
  IntSet netns_wanted_;
  bool use_hits_ = false;
  std::vector<uint32_t> hits_;
  size_t pos_ = 0;
};

// ---- proc_tcp and proc_udp ------------------------------------------------

enum InetCol {
  kInetFamily,
  kInetLocalAddress,
  kInetLocalPort,
  kInetRemoteAddress,
  kInetRemotePort,
  kInetSt,
  kInetState,
  kInetTxQueue,
  kInetRxQueue,
  kInetUid,
  kInetInode,
  kInetNetns,
  kInetColumns,  // a protocol's own columns start here
};

// The docs of the shared columns whose meaning differs between protocols.
struct InetDocs {
  const char* family;
  const char* state;
  const char* tx_queue;
  const char* rx_queue;
  const char* uid;
  const char* inode;
};

// The column definitions of an inet table: the shared ones by InetCol index,
// then the protocol's own.
std::vector<ColumnDef> inet_columns(const InetDocs& docs, std::vector<ColumnDef> extra);

// "CLOSE" → 7 etc.; with unknown-number text ("42") → 42. Inactive if no constraint.
IntSet states_by_name(const Constraint* c);

void inet_address(int family, const uint8_t* bytes, ResultSink& out);

template <typename Row>
struct InetProtocol {
  const char* table;                                                // "proc_tcp"
  const char* files[2];                                             // "net/tcp", "net/tcp6"
  bool (*parse_line)(std::string_view line, int family, Row& row);  // one line of a file
  // Columns the protocol answers itself (its own, and any shared one whose
  // value differs for some rows); false falls back to the shared ones.
  bool (*column)(int column, const Row& r, ResultSink& out);
  int refcount_column;  // where the protocol's own columns put the shared
  int pointer_column;   // fields refcount and pointer
};

template <typename Row>
class InetCursor final : public SocketCursor<Row> {
 public:
  InetCursor(std::shared_ptr<ProcFs> fs, const InetProtocol<Row>& protocol)
      : SocketCursor<Row>(std::move(fs), protocol.table, kInetInode, kInetNetns),
        protocol_(protocol) {}

  void filter(const FilterArgs& args) override {
    families_ = IntSet();
    if (const Constraint* c = args.find(kInetFamily)) {
      families_.activate();
      for (const auto& v : c->values) {
        if (v.text == "inet") families_.add(4);
        if (v.text == "inet6") families_.add(6);
      }
      families_.normalize();
    }
    if (families_.allows(4)) this->load(protocol_.files[0], 4, false, args, 0);
    if (families_.allows(6)) this->load(protocol_.files[1], 6, true, args, 1);
    local_ports_ = IntSet(args.find(kInetLocalPort));
    remote_ports_ = IntSet(args.find(kInetRemotePort));
    states_ = IntSet(args.find(kInetSt));
    states_by_name_ = states_by_name(args.find(kInetState));
    this->start(args);
  }

 private:
  int parse(const NetnsDirectory::Reader& read, int family) override {
    auto parse_line = [&](std::string_view line, Row& row) {
      return protocol_.parse_line(line, family, row);
    };
    RowParser<decltype(parse_line)> parser("sl", parse_line);
    int err = read([&](std::string_view chunk) { parser.feed(chunk, this->rows_); });
    if (!err) parser.finish(this->rows_);
    return err;
  }

  bool matches(const Row& r) const override {
    return families_.allows(r.family) && local_ports_.allows(r.local_port) &&
           remote_ports_.allows(r.remote_port) && states_.allows(r.st) &&
           states_by_name_.allows(r.st);
  }

  void row_column(int column, const Row& r, ResultSink& out) const override {
    if (protocol_.column(column, r, out)) return;
    if (column == protocol_.refcount_column) return out.integer(r.refcount);
    if (column == protocol_.pointer_column) {
      return out.text(std::string_view(r.pointer, r.pointer_len));
    }
    switch (column) {
      case kInetFamily:
        return out.text(r.family == 4 ? "inet" : "inet6");
      case kInetLocalAddress:
        return inet_address(r.family, r.local_addr, out);
      case kInetLocalPort:
        return out.integer(r.local_port);
      case kInetRemoteAddress:
        return inet_address(r.family, r.remote_addr, out);
      case kInetRemotePort:
        return out.integer(r.remote_port);
      case kInetSt:
        return out.integer(r.st);
      case kInetState:
        if (const char* name = tcp_state_name(r.st)) return out.text(name);
        return out.text(std::to_string(r.st));
      case kInetTxQueue:
        return out.integer(static_cast<int64_t>(r.tx_queue));
      case kInetRxQueue:
        return out.integer(static_cast<int64_t>(r.rx_queue));
      case kInetUid:
        return out.integer(r.uid);
      case kInetInode:
        return out.integer(static_cast<int64_t>(r.inode));
    }
    out.null();
  }

  const InetProtocol<Row>& protocol_;
  IntSet families_, local_ports_, remote_ports_, states_, states_by_name_;
};

// Planner costs of a socket table scan: a full read is ~1000 rows of work;
// after a cursor's first xFilter an inode lookup is O(1), and that marginal
// cost is what SQLite multiplies by the outer loop's rows.
Estimate socket_estimate(uint64_t constrained, int inode_column,
                         std::initializer_list<std::pair<int, double>> selectivity);

template <typename Row>
class InetTable final : public Table {
 public:
  InetTable(std::shared_ptr<ProcFs> fs, const InetProtocol<Row>& protocol)
      : fs_(std::move(fs)), protocol_(protocol) {}

  Estimate estimate(uint64_t constrained) const override {
    return socket_estimate(constrained, kInetInode,
                           {{kInetLocalPort, 50},
                            {kInetRemotePort, 50},
                            {kInetState, 5},
                            {kInetSt, 5},
                            {kInetFamily, 2},
                            {kInetNetns, 2}});
  }

  std::unique_ptr<Cursor> open() override {
    return std::make_unique<InetCursor<Row>>(fs_, protocol_);
  }

 private:
  std::shared_ptr<ProcFs> fs_;
  const InetProtocol<Row>& protocol_;
};

// Opens the root and checks that its own namespace has `file` readable (the
// CREATE-time error for a root that is no procfs).
std::shared_ptr<ProcFs> open_socket_root(const TableDef& def, const TableArgs& args,
                                         const char* file);

}  // namespace proctab
