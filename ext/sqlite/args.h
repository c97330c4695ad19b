// args.h — the module arguments of `CREATE VIRTUAL TABLE t USING proc_x(...)`,
// parsed: key='value' pairs, SQL-quoted. Pure (no SQLite calls), so the
// error messages are tested directly.
#pragma once

#include "core/table.h"

namespace proctab {

// argv[3..argc) as SQLite hands them to xCreate. Throws Error naming the
// table and the argument at fault (unknown key, repeated, empty, unquoted,
// unbalanced quote, longer than PATH_MAX, a NUL byte, a source the table
// does not have). The table reaches the kernel through `seams`.
TableArgs parse_table_args(const TableDef& def, int argc, const char* const* argv,
                           const Seams& seams);

}  // namespace proctab
