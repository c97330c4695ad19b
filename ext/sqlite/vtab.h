// vtab.h — the one generic SQLite virtual-table adapter.
//
// register_table() turns a TableDef into an eponymous virtual table module:
// `SELECT * FROM proc_tcp` works with no setup, and
// `CREATE VIRTUAL TABLE temp.t USING proc_tcp(root='/host/proc')` makes one
// over another procfs mount. The adapter owns everything SQLite-specific:
// schema declaration, module arguments, xBestIndex (equality and IN
// pushdown, costs, colUsed), value conversion, and the rule that no C++
// exception ever crosses into SQLite. It also decides which cursors share a
// snapshot: all those of one statement execution (see ExecutionKey).
#pragma once

#include "core/table.h"
#include "sqlite/sqlite_api.h"

namespace proctab {

// Registers `def` on `db` as a module named def.name. Returns an SQLite code.
int register_table(sqlite3* db, const TableDef& def, const Seams& seams);

// The CREATE TABLE statement declared for `def` (also used by docs/tests).
std::string schema_sql(const TableDef& def);

}  // namespace proctab
