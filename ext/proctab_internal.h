// proctab_internal.h — C++ entry for tests and embedders that need to swap
// the /proc access layer (fault injection, read counting).
#pragma once

#include "kernel/procfs.h"
#include "sqlite/sqlite_api.h"

namespace proctab {

// Registers every table on `db`, each opening its root through `procfs`.
int register_all(sqlite3* db, const ProcFsFactory& procfs);

}  // namespace proctab
