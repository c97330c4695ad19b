// table.h — what a proctab table is, independent of SQLite.
//
// A table is described declaratively (TableDef: name, columns with their
// documentation and which of them take pushed-down equality constraints) and
// implemented as a Table (cost estimates, cursor factory) and a Cursor (one
// scan, re-filterable). The generic adapter in vtab.cpp turns any TableDef
// into an SQLite virtual table; tables never see an SQLite type, so they can
// be driven directly by tests.
//
// Adding a table means one new file defining a TableDef, plus one line in
// tables.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "procfs.h"

namespace proctab {

// A failure to report as an SQL error; the message names what and why.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Affinity : uint8_t { kInteger, kText };

struct ColumnDef {
  const char* name;
  Affinity affinity;
  // `col = v` and `col IN (...)` are handed to Cursor::filter. Only for
  // columns whose filtering saves real work (I/O, or a hash lookup).
  bool pushdown;
  // One-paragraph reference: meaning, units, source field. README's column
  // reference is generated from this text.
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

struct FilterArgs {
  std::vector<Constraint> constraints;
  uint64_t columns_used = ~0ull;  // SQLite's colUsed: bit i = column i read
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
  // Starts a scan with these constraints. The first call reads /proc; later
  // calls on the same cursor (the inner side of a nested-loop join) answer
  // from that snapshot, reading only what it lacks. Throws Error.
  virtual void filter(const FilterArgs& args) = 0;
  virtual bool eof() const = 0;
  virtual void next() = 0;
  virtual void column(int column, ResultSink& out) const = 0;
  virtual int64_t rowid() const = 0;
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
  virtual std::unique_ptr<Cursor> open() = 0;
};

// Module arguments, already parsed: root='...'.
struct TableArgs {
  std::string root = "/proc";
  ProcFsFactory procfs = default_procfs;
};

struct TableDef {
  const char* name;
  const char* doc;  // one paragraph for README
  std::vector<ColumnDef> columns;
  // Builds the table; throws Error naming the argument or path at fault.
  std::unique_ptr<Table> (*make)(const TableDef& def, const TableArgs& args);
};

// Opens args.root through args.procfs; throws Error("<table>: root '...': why").
std::shared_ptr<ProcFs> open_root(const TableDef& def, const TableArgs& args);

// Every table of the extension (tables.cpp).
const std::vector<const TableDef*>& all_tables();

}  // namespace proctab
