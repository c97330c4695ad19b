// sqlite_api.h — include this, not sqlite3ext.h, in every file that calls
// SQLite. In the loadable module (no SQLITE_CORE) calls go through the
// host's sqlite3_api table set by the entry point; in the static library
// (-DSQLITE_CORE) they are plain calls into the host's linked SQLite.
#pragma once

#include <sqlite3ext.h>

#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT3
#endif
