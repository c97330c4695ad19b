// table.h — what a proctab table is, as the SQLite adapter sees it. No
// SQLite type appears here: the adapter (sqlite/vtab.cpp) converts.
//
//   TableDef   name, doc, columns (ColumnInfo), and how to make the Table for
//              a set of module arguments (root='...').
//   Table      one per virtual table per connection: cost estimates, and a
//              fresh Snapshot for each statement execution.
//   Snapshot   one statement execution's view of the kernel: every cursor
//              that statement opens on the table (a join's inner side, a
//              correlated subquery re-opened per outer row, a self-join, a
//              view naming it twice) shares it, so each /proc file is read
//              once per statement, whatever the query's shape.
//   Cursor     one scan over a snapshot, re-filterable.
//
// Tables are not written against these interfaces directly: a table file
// supplies a row source and its column list (column.h), and the generic
// snapshot (snapshot.h) implements all four.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/seams.h"

namespace proctab {

// A failure to report as an SQL error; the message names what and why.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Affinity : uint8_t { kInteger, kText };

// One column as the adapter and the generated docs see it.
struct ColumnInfo {
  const char* name;
  Affinity affinity;
  bool pushdown;  // `col = v` / `col IN (...)` are handed to the cursor
  bool hidden;    // declared HIDDEN: not in SELECT *
  const char* doc;
};

// A value of a pushed-down constraint, already converted the way SQLite
// compares it with the column (numeric text becomes an integer for integer
// columns, and so on); values that can never compare equal are dropped.
struct Value {
  int64_t integer = 0;
  std::string text;
};

// `column` equals one of `values`. An empty list matches no row.
struct Constraint {
  int column = 0;
  std::vector<Value> values;
};

// What one scan asks for: its pushed-down equalities and the columns the
// statement reads (SQLite's colUsed: bit i = column i, bit 63 = 63 and up).
struct Request {
  std::vector<Constraint> constraints;
  uint64_t columns_used = ~0ull;
  const Constraint* find(int column) const {
    for (const auto& c : constraints) {
      if (c.column == column) return &c;
    }
    return nullptr;
  }
  bool uses(int column) const {
    return (columns_used & (1ull << (column < 63 ? column : 63))) != 0;
  }
};

// Where a cursor writes a column value.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void null() = 0;
  virtual void integer(int64_t value) = 0;
  virtual void text(std::string_view value) = 0;
};

class Cursor {
 public:
  virtual ~Cursor() = default;
  // Starts a scan. Reads the kernel only for what the snapshot lacks.
  // Throws Error.
  virtual void filter(const Request& request) = 0;
  virtual bool eof() const = 0;
  virtual void next() = 0;
  virtual void column(int column, ResultSink& out) const = 0;
  virtual int64_t rowid() const = 0;
};

class Snapshot {
 public:
  virtual ~Snapshot() = default;
  virtual std::unique_ptr<Cursor> open() = 0;
};

struct Estimate {
  double cost;  // relative work, in "rows touched"
  double rows;  // rows the scan returns
  bool unique;  // at most one row
};

class Table {
 public:
  virtual ~Table() = default;
  // Cost of a scan whose pushed-down constraints are the columns in
  // `constrained` (bit i = column i). Pure and cheap: SQLite calls it
  // several times per prepare, before any cursor exists.
  virtual Estimate estimate(uint64_t constrained) const = 0;
  // A snapshot that has read nothing yet.
  virtual std::shared_ptr<Snapshot> snapshot() = 0;
};

// Which module arguments a table takes (TableDef::arguments).
enum TableArgument : unsigned {
  kArgRoot = 1,      // root='...': the procfs mount to read (default /proc)
  kArgNetnsDir = 2,  // netns_dir='...': where named network namespaces are (default /run/netns)
  kArgEtc = 4,       // etc='...': the directory holding passwd and group (default /etc)
  kArgSource = 8,    // source='...': which kernel interface serves the rows (TableDef::sources)
};

// Module arguments, already parsed: root='...', netns_dir='...', etc='...'.
struct TableArgs {
  std::string root = "/proc";
  // Where named network namespaces are (`ip netns`): /run/netns for the
  // /proc root, none for another root unless given. Empty: none.
  std::string netns_dir;
  bool netns_dir_given = false;
  std::string etc = "/etc";
  bool etc_given = false;  // etc='...' was named (so a failure to open it is an error)
  // source='...': one of TableDef::sources; "auto" (the first) by default.
  std::string source = "auto";
  ProcFsFactory procfs = default_procfs;  // == seams.procfs
  Seams seams;
};

struct TableDef {
  const char* name;
  const char* doc;  // one paragraph for README (its first sentence for --help)
  std::vector<ColumnInfo> columns;
  unsigned arguments = kArgRoot | kArgNetnsDir;  // TableArgument bits
  // Builds the table; throws Error naming the argument or path at fault.
  std::unique_ptr<Table> (*make)(const TableDef& def, const TableArgs& args);
  // With kArgSource: the values source='...' takes, "auto" first (the
  // default); README and the error message list them in this order.
  std::vector<const char*> sources;
};

// Every table of the extension (tables/registry.cpp).
const std::vector<const TableDef*>& all_tables();

}  // namespace proctab
