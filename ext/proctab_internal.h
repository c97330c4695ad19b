// proctab_internal.h — C++ entry for tests and embedders that need to swap
// the kernel access layer (fault injection, read counting).
#pragma once

#include "kernel/seams.h"
#include "sqlite/sqlite_api.h"

namespace proctab {

// Registers every table on `db`, each reaching the kernel through `seams`.
int register_all(sqlite3* db, const Seams& seams);

}  // namespace proctab
