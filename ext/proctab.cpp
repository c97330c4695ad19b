// proctab.cpp — the entry points. The loadable module exports only
// sqlite3_proctab_init (the name SQLite derives from "proctab.so"), so
// `.load build/proctab` needs no entry-point argument.
#include "sqlite/sqlite_api.h"

#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT1
#endif

#include <new>

#include "kernel/netns.h"
#include "proctab.h"
#include "proctab_internal.h"
#include "sqlite/vtab.h"

namespace proctab {

namespace {

// proctab_netns(): the reader's own network namespace inode (the N of
// /proc/self/ns/net), for `WHERE netns = proctab_netns()`, which the socket
// tables push down to read only that namespace. NULL if unreadable. Read
// through the connection's ProcFs factory, like every table.
void netns_function(sqlite3_context* ctx, int, sqlite3_value**) {
  const auto& factory = *static_cast<const ProcFsFactory*>(sqlite3_user_data(ctx));
  try {
    std::shared_ptr<ProcFs> fs = factory("/proc");
    if (fs && fs->ok()) {
      if (auto ns = own_netns(*fs))
        return sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(*ns));
    }
    sqlite3_result_null(ctx);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  } catch (...) {
    sqlite3_result_error(ctx, "proctab_netns: unexpected internal error", -1);
  }
}

void free_factory(void* p) {
  delete static_cast<ProcFsFactory*>(p);
}

// proctab_doc(table [, column]): the documentation of a table or of one of
// its columns (the TableDef text README's reference is generated from); NULL
// for a name that is not ours. The `proctab` command's --help uses it.
void doc_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto arg = [&](int i) { return reinterpret_cast<const char*>(sqlite3_value_text(argv[i])); };
  const char* table = arg(0);
  for (const TableDef* def : all_tables()) {
    if (!table || sqlite3_stricmp(def->name, table) != 0) continue;
    if (argc == 1) return sqlite3_result_text(ctx, def->doc, -1, SQLITE_STATIC);
    for (const ColumnInfo& col : def->columns) {
      if (arg(1) && sqlite3_stricmp(col.name, arg(1)) == 0) {
        return sqlite3_result_text(ctx, col.doc, -1, SQLITE_STATIC);
      }
    }
  }
  sqlite3_result_null(ctx);
}

}  // namespace

int register_all(sqlite3* db, const Seams& seams) {
  for (const TableDef* def : all_tables()) {
    int rc = register_table(db, *def, seams);
    if (rc != SQLITE_OK) return rc;
  }
  const int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  for (int argc : {1, 2}) {
    int rc = sqlite3_create_function_v2(db, "proctab_doc", argc, flags, nullptr, doc_function,
                                        nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return rc;
  }
  auto* factory = new (std::nothrow) ProcFsFactory(seams.procfs);
  if (!factory) return SQLITE_NOMEM;
  // create_function_v2 calls free_factory even when it fails.
  return sqlite3_create_function_v2(db, "proctab_netns", 0, flags, factory, netns_function, nullptr,
                                    nullptr, free_factory);
}

}  // namespace proctab

extern "C" {

int proctab_register(sqlite3* db) {
  try {
    return proctab::register_all(db, proctab::Seams{});
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
