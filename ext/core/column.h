// column.h — a table is a row source plus its columns.
//
// A table file defines three things:
//
//   class XSource {                      // the row source
//    public:
//     using Row = XRow;                  // one row (rows never move once loaded)
//     struct Config { ... };             // what the table keeps between statements
//     static Config configure(const TableDef&, const TableArgs&);  // CREATE-time checks; throws
//     Error static constexpr Plan plan();      // the cost of a full scan, the unique key explicit
//     XSource(const Config&);   // one per snapshot: nothing read yet
//     // Appends to `rows` every row `request` may need that it has not
//     // loaded yet (the snapshot is shared by every cursor of a statement,
//     // so the source keeps track of what it has read). Throws Error.
//     void load(const Request& request, Rows<Row>& rows);
//     ... lazy extra sources (fdinfo, cmdline, ...) for the accessors
//   };
//
//   constexpr std::array kColumns = {    // the columns, in schema order
//       Column<XSource>{"pid", Affinity::kInteger, pushed(1.0 / 100), "Process id ...",
//                       [](const XSource&, const XRow& r, ResultSink& out) { out.integer(r.pid);
//                       }},
//       ...};
//   constexpr int kPid = column_index(kColumns, "pid");   // fails to compile if absent
//
//   const TableDef& proc_x_def() { return define_table<XSource, kColumns>("proc_x", "doc"); }
//
// A column is one entry: its name, type, whether equalities on it are
// pushed down (and how many rows one keeps, for the planner), its
// documentation (README's column reference is generated from it), and the
// accessor that yields its value from a row. Adding a column is a row
// field, its parse line, one entry. Column numbers are derived from the
// names at compile time, so order and count cannot drift.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/chunked_vector.h"
#include "core/table.h"

namespace proctab {

template <typename Row>
using Rows = ChunkedVector<Row>;

// Whether `col = v` / `col IN (...)` is pushed down, and about which
// fraction of a full scan's rows one value keeps (the planner's estimate).
struct Pushdown {
  double keeps = 0;  // 0: not pushed down
  constexpr bool pushed() const { return keeps > 0; }
};
inline constexpr Pushdown kNotPushed{};
constexpr Pushdown pushed(double keeps) {
  return Pushdown{keeps};
}

template <typename Source>
struct Column {
  using Row = typename Source::Row;
  const char* name;
  Affinity affinity;
  Pushdown pushdown;
  const char* doc;
  void (*value)(const Source& source, const Row& row, ResultSink& out);
  bool hidden = false;
};

// The same column under another doc (shared columns whose meaning differs
// between tables: a UDP socket's state is not a TCP socket's).
template <typename Source>
constexpr Column<Source> with_doc(Column<Source> column, const char* doc) {
  column.doc = doc;
  return column;
}

// What a full scan costs, and which columns together identify a row.
struct Plan {
  double full_cost;       // relative work of a full scan, in "rows touched"
  double full_rows;       // rows it returns
  uint64_t unique_key{};  // bit i = column i; 0: no key
};

namespace detail {
constexpr bool names_equal(const char* a, const char* b) {
  return std::string_view(a) == std::string_view(b);
}
}  // namespace detail

// The number of the column named `name`; a compile error if there is none.
template <typename Source, size_t N>
consteval int column_index(const std::array<Column<Source>, N>& columns, const char* name) {
  for (size_t i = 0; i < N; ++i) {
    if (detail::names_equal(columns[i].name, name)) return static_cast<int>(i);
  }
  throw "no column of that name";  // not a constant expression: fails to compile
}

// Bit mask of the named columns (for Plan::unique_key).
template <typename Source, size_t N, typename... Names>
consteval uint64_t column_mask(const std::array<Column<Source>, N>& columns, Names... names) {
  return ((1ull << column_index(columns, names)) | ... | 0ull);
}

// Checked once per table at compile time: names unique, every column
// documented and readable, pushed-down columns within the 63 that SQLite's
// constraint masks can carry.
template <typename Source, size_t N>
consteval bool columns_are_valid(const std::array<Column<Source>, N>& columns) {
  for (size_t i = 0; i < N; ++i) {
    if (columns[i].pushdown.pushed() && i >= 63) return false;
    if (columns[i].value == nullptr || *columns[i].doc == '\0') return false;
    for (size_t j = 0; j < i; ++j) {
      if (detail::names_equal(columns[i].name, columns[j].name)) return false;
    }
  }
  return true;
}

}  // namespace proctab
