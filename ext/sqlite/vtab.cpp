// vtab.cpp — see vtab.h. Modelled on SQLite's ext/misc/series.c: one loop
// over the constraints in xBestIndex, the plan carried to xFilter in idxStr.
#include "sqlite/vtab.h"

#include <cmath>
#include <cstring>
#include <new>
#include <utility>

#include "sqlite/args.h"

namespace proctab {

namespace {

struct ModuleAux {
  const TableDef* def;
  Seams seams;
};

// Which statement executions are under way on a connection: every busy
// statement with its run counter (SQLITE_STMTSTATUS_RUN counts OP_Init, so a
// reset-and-step is a new run), plus how many plans the table has made. A
// snapshot is reused only while this is unchanged: a cursor opened again by
// the same execution (a correlated subquery, the second name of a self-join)
// finds the first one's rows; the next execution, or another statement
// stepping in between, reads afresh. The plan counter covers a statement
// finalized and a new one prepared at the same address (its run counter
// starts again at 1): preparing it called xBestIndex.
struct ExecutionKey {
  uint64_t plans = 0;
  std::vector<std::pair<sqlite3_stmt*, int>> busy;
  bool operator==(const ExecutionKey&) const = default;
};

ExecutionKey current_execution(sqlite3* db, uint64_t plans) {
  ExecutionKey key;
  key.plans = plans;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) {
    if (sqlite3_stmt_busy(s)) {
      key.busy.emplace_back(s, sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0));
    }
  }
  return key;
}

struct VTab {
  sqlite3_vtab base;  // first: SQLite casts between the two
  sqlite3* db;
  const TableDef* def;
  std::unique_ptr<Table> table;
  uint64_t plans = 0;  // xBestIndex calls
  // The last execution's snapshot. Kept until another execution opens a
  // cursor (or the table is disconnected): nothing tells a virtual table
  // that a statement has finished.
  std::shared_ptr<Snapshot> snapshot;
  ExecutionKey snapshot_key;
};

struct VCursor {
  sqlite3_vtab_cursor base;
  std::unique_ptr<Cursor> cursor;
  // Reused by every xFilter: a correlated subquery filters once per outer
  // row, and its strings keep their capacity.
  Request request;
};

void set_vtab_error(sqlite3_vtab* vtab, const char* message) {
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", message);
}

// Runs `body`, turning any exception into an SQLite error on `vtab`.
template <typename Body>
int guarded(sqlite3_vtab* vtab, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    set_vtab_error(vtab, e.what());
  } catch (...) {
    set_vtab_error(vtab, "proctab: unexpected internal error");
  }
  return SQLITE_ERROR;
}

// ---- xConnect / xDisconnect ---------------------------------------------

int x_connect(sqlite3* db, void* aux_ptr, int argc, const char* const* argv, sqlite3_vtab** out,
              char** err) noexcept {
  auto* aux = static_cast<ModuleAux*>(aux_ptr);
  *out = nullptr;
  try {
    TableArgs args = parse_table_args(*aux->def, argc, argv, aux->seams);
    std::unique_ptr<Table> table = aux->def->make(*aux->def, args);
    int rc = sqlite3_declare_vtab(db, schema_sql(*aux->def).c_str());
    if (rc != SQLITE_OK) return rc;
    // A crafted database's views and triggers must not read /proc through
    // us (same reasoning as SQLite's fsdir): only direct SQL, or TEMP
    // objects the user made, may use these tables.
    sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
    auto* vtab = new VTab{};
    vtab->db = db;
    vtab->def = aux->def;
    vtab->table = std::move(table);
    *out = &vtab->base;
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    *err = sqlite3_mprintf("%s", e.what());
  } catch (...) {
    *err = sqlite3_mprintf("%s: unexpected internal error", aux->def->name);
  }
  return SQLITE_ERROR;
}

int x_disconnect(sqlite3_vtab* base) noexcept {
  delete reinterpret_cast<VTab*>(base);
  return SQLITE_OK;
}

// ---- xBestIndex ----------------------------------------------------------
//
// Every usable `col = value` (IN arrives as EQ) on a pushdown column is
// handed to xFilter; IN lists all at once (sqlite3_vtab_in). omit stays 0:
// SQLite re-checks each row, so our filtering only has to return a superset,
// which keeps type-affinity corner cases (pid = '5', state = 10) exact.
// Text constraints are pushed only under BINARY collation, the one our
// byte comparison implements. The plan travels in idxStr:
//   "<colUsed hex>;<col>[i],<col>[i],..."   ('i' = all-at-once IN list)

int x_best_index(sqlite3_vtab* base, sqlite3_index_info* info) noexcept {
  auto* vtab = reinterpret_cast<VTab*>(base);
  return guarded(base, [&] {
    const TableDef& def = *vtab->def;
    ++vtab->plans;
    uint64_t constrained = 0;
    std::string plan;
    char buf[32];
    snprintf(buf, sizeof buf, "%llx;", static_cast<unsigned long long>(info->colUsed));
    plan += buf;
    int argc = 0;
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (c.iColumn < 0 || c.iColumn >= static_cast<int>(def.columns.size())) continue;
      const ColumnInfo& col = def.columns[c.iColumn];
      if (!col.pushdown || c.iColumn >= 64 || (constrained >> c.iColumn & 1)) continue;
      if (col.affinity == Affinity::kText) {
        const char* coll = sqlite3_vtab_collation(info, i);
        if (coll && sqlite3_stricmp(coll, "BINARY") != 0) continue;
      }
      constrained |= 1ull << c.iColumn;
      info->aConstraintUsage[i].argvIndex = ++argc;
      info->aConstraintUsage[i].omit = 0;
      bool whole_in = sqlite3_vtab_in(info, i, 1) != 0;
      snprintf(buf, sizeof buf, "%d%s,", c.iColumn, whole_in ? "i" : "");
      plan += buf;
    }
    Estimate e = vtab->table->estimate(constrained);
    info->estimatedCost = e.cost;
    info->estimatedRows = static_cast<sqlite3_int64>(e.rows < 1 ? 1 : e.rows);
    if (e.unique) info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
    info->idxNum = static_cast<int>(constrained & 0x7fffffff);
    info->idxStr = sqlite3_mprintf("%s", plan.c_str());
    if (!info->idxStr) return SQLITE_NOMEM;
    info->needToFreeIdxStr = 1;
    return SQLITE_OK;
  });
}

// ---- values --------------------------------------------------------------

// Converts `v` the way SQLite compares it with a column of `affinity`;
// false if it can never compare equal to a value of that column.
bool convert_value(sqlite3_value* v, Affinity affinity, Value& out) {
  int type = sqlite3_value_type(v);
  if (type == SQLITE_NULL || type == SQLITE_BLOB) return false;  // = NULL, blob ≠ int/text
  if (affinity == Affinity::kInteger) {
    if (type == SQLITE_INTEGER) {
      out.integer = sqlite3_value_int64(v);
      return true;
    }
    double d;
    if (type == SQLITE_TEXT) {
      // Numeric affinity applies to text compared with an integer column.
      // Convert a copy: the argument itself must not change type.
      sqlite3_value* copy = sqlite3_value_dup(v);
      if (!copy) throw std::bad_alloc();
      int numeric = sqlite3_value_numeric_type(copy);
      bool ok = numeric == SQLITE_INTEGER || numeric == SQLITE_FLOAT;
      sqlite3_int64 i = sqlite3_value_int64(copy);
      d = sqlite3_value_double(copy);
      sqlite3_value_free(copy);
      if (!ok) return false;
      if (numeric == SQLITE_INTEGER) {
        out.integer = i;
        return true;
      }
    } else {
      d = sqlite3_value_double(v);
    }
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::floor(d) != d) {
      return false;
    }
    out.integer = static_cast<int64_t>(d);
    return true;
  }
  // Text affinity: numbers are compared as their text. A text value is read
  // as it is; another is converted in a copy, so the argument keeps its type.
  if (type == SQLITE_TEXT) {
    const unsigned char* text = sqlite3_value_text(v);
    if (!text) throw std::bad_alloc();
    out.text.assign(reinterpret_cast<const char*>(text),
                    static_cast<size_t>(sqlite3_value_bytes(v)));
    return true;
  }
  sqlite3_value* copy = sqlite3_value_dup(v);
  if (!copy) throw std::bad_alloc();
  const unsigned char* text = sqlite3_value_text(copy);
  int len = sqlite3_value_bytes(copy);
  if (text) out.text.assign(reinterpret_cast<const char*>(text), static_cast<size_t>(len));
  sqlite3_value_free(copy);
  return text != nullptr;
}

// ---- cursors -------------------------------------------------------------

int x_open(sqlite3_vtab* base, sqlite3_vtab_cursor** out) noexcept {
  auto* vtab = reinterpret_cast<VTab*>(base);
  return guarded(base, [&] {
    auto cursor = std::make_unique<VCursor>();
    ExecutionKey key = current_execution(vtab->db, vtab->plans);
    if (!vtab->snapshot || !(key == vtab->snapshot_key)) {
      vtab->snapshot.reset();  // before reading anew: never two at once
      vtab->snapshot = vtab->table->snapshot();
      vtab->snapshot_key = std::move(key);
    }
    cursor->cursor = vtab->snapshot->open();
    *out = &cursor.release()->base;
    return SQLITE_OK;
  });
}

int x_close(sqlite3_vtab_cursor* base) noexcept {
  delete reinterpret_cast<VCursor*>(base);
  return SQLITE_OK;
}

int x_filter(sqlite3_vtab_cursor* base, int, const char* idx_str, int argc,
             sqlite3_value** argv) noexcept {
  auto* cur = reinterpret_cast<VCursor*>(base);
  auto* vtab = reinterpret_cast<VTab*>(base->pVtab);
  return guarded(base->pVtab, [&] {
    Request& args = cur->request;
    const char* p = idx_str ? idx_str : "";
    args.columns_used = strtoull(p, const_cast<char**>(&p), 16);
    if (*p == ';') ++p;
    size_t used = 0;
    for (int i = 0; i < argc && *p; ++i) {
      if (args.constraints.size() <= used) args.constraints.emplace_back();
      Constraint& c = args.constraints[used++];
      c.column = static_cast<int>(strtol(p, const_cast<char**>(&p), 10));
      bool whole_in = *p == 'i';
      if (whole_in) ++p;
      if (*p == ',') ++p;
      Affinity affinity = vtab->def->columns.at(c.column).affinity;
      size_t values = 0;
      auto add = [&](sqlite3_value* v) {
        if (c.values.size() <= values) c.values.emplace_back();
        if (convert_value(v, affinity, c.values[values])) ++values;
      };
      if (whole_in) {
        sqlite3_value* item = nullptr;
        int rc = sqlite3_vtab_in_first(argv[i], &item);
        while (rc == SQLITE_OK && item) {
          add(item);
          rc = sqlite3_vtab_in_next(argv[i], &item);
        }
        if (rc != SQLITE_OK && rc != SQLITE_DONE) return rc;
      } else {
        add(argv[i]);
      }
      c.values.resize(values);
    }
    args.constraints.resize(used);
    cur->cursor->filter(args);
    return SQLITE_OK;
  });
}

int x_next(sqlite3_vtab_cursor* base) noexcept {
  auto* cur = reinterpret_cast<VCursor*>(base);
  return guarded(base->pVtab, [&] {
    cur->cursor->next();
    return SQLITE_OK;
  });
}

int x_eof(sqlite3_vtab_cursor* base) noexcept {
  return reinterpret_cast<VCursor*>(base)->cursor->eof() ? 1 : 0;
}

class ContextSink final : public ResultSink {
 public:
  explicit ContextSink(sqlite3_context* ctx) : ctx_(ctx) {}
  void null() override { sqlite3_result_null(ctx_); }
  void integer(int64_t value) override { sqlite3_result_int64(ctx_, value); }
  void text(std::string_view value) override {
    sqlite3_result_text(ctx_, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }

 private:
  sqlite3_context* ctx_;
};

int x_column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int column) noexcept {
  auto* cur = reinterpret_cast<VCursor*>(base);
  try {
    ContextSink sink(ctx);
    cur->cursor->column(column, sink);
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
    return SQLITE_NOMEM;
  } catch (const std::exception& e) {
    sqlite3_result_error(ctx, e.what(), -1);
  } catch (...) {
    sqlite3_result_error(ctx, "proctab: unexpected internal error", -1);
  }
  return SQLITE_ERROR;
}

int x_rowid(sqlite3_vtab_cursor* base, sqlite3_int64* rowid) noexcept {
  *rowid = reinterpret_cast<VCursor*>(base)->cursor->rowid();
  return SQLITE_OK;
}

// Read-only: no xUpdate, so SQLite itself answers writes with
// "table proc_tcp may not be modified".
const sqlite3_module kModule = {
    /* iVersion    */ 0,
    /* xCreate     */ x_connect,
    /* xConnect    */ x_connect,
    /* xBestIndex  */ x_best_index,
    /* xDisconnect */ x_disconnect,
    /* xDestroy    */ x_disconnect,
    /* xOpen       */ x_open,
    /* xClose      */ x_close,
    /* xFilter     */ x_filter,
    /* xNext       */ x_next,
    /* xEof        */ x_eof,
    /* xColumn     */ x_column,
    /* xRowid      */ x_rowid,
    /* xUpdate     */ nullptr,
    /* xBegin      */ nullptr,
    /* xSync       */ nullptr,
    /* xCommit     */ nullptr,
    /* xRollback   */ nullptr,
    /* xFindMethod */ nullptr,
    /* xRename     */ nullptr,
    /* xSavepoint  */ nullptr,
    /* xRelease    */ nullptr,
    /* xRollbackTo */ nullptr,
    /* xShadowName */ nullptr,
};

void free_aux(void* aux) {
  delete static_cast<ModuleAux*>(aux);
}

}  // namespace

std::string schema_sql(const TableDef& def) {
  std::string sql = "CREATE TABLE x(";
  for (size_t i = 0; i < def.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += def.columns[i].name;
    sql += def.columns[i].affinity == Affinity::kInteger ? " INTEGER" : " TEXT";
    if (def.columns[i].hidden) sql += " HIDDEN";
  }
  sql += ")";
  return sql;
}

int register_table(sqlite3* db, const TableDef& def, const Seams& seams) {
  auto* aux = new (std::nothrow) ModuleAux{&def, seams};
  if (!aux) return SQLITE_NOMEM;
  // create_module_v2 calls free_aux even when it fails.
  return sqlite3_create_module_v2(db, def.name, &kModule, aux, free_aux);
}

}  // namespace proctab
