// proctab.cpp — the entry points. The loadable module exports only
// sqlite3_proctab_init (the name SQLite derives from "proctab.so"), so
// `.load build/proctab` needs no entry-point argument.
#include "sqlite_api.h"

#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT1
#endif

#include "proctab.h"
#include "proctab_internal.h"
#include "vtab.h"

namespace proctab {

int register_all(sqlite3* db, const ProcFsFactory& procfs) {
  for (const TableDef* def : all_tables()) {
    int rc = register_table(db, *def, procfs);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace proctab

extern "C" {

int proctab_register(sqlite3* db) {
  try {
    return proctab::register_all(db, proctab::default_procfs);
  } catch (...) {
    return SQLITE_NOMEM;
  }
}

int proctab_auto_init(sqlite3* db, char**, const sqlite3_api_routines*) {
  return proctab_register(db);
}

#ifndef SQLITE_CORE
__attribute__((visibility("default"))) int sqlite3_proctab_init(sqlite3* db, char** err,
                                                                const sqlite3_api_routines* api) {
  SQLITE_EXTENSION_INIT2(api);
  int rc = proctab_register(db);
  if (rc != SQLITE_OK && err) *err = sqlite3_mprintf("proctab: cannot register tables (%d)", rc);
  return rc;
}
#endif
}
