/* proctab.h — C API of proctab, the SQLite extension that shows the sockets,
** open files and processes of a Linux machine as virtual tables (proc_tcp,
** proc_udp, proc_unix, proc_fd, proc_process).
**
** Loadable module:  sqlite3> .load /path/to/proctab
** Static embedding: link the static library (built with -DSQLITE_CORE) and
** call proctab_register(db) on each connection, or once:
**     sqlite3_auto_extension((void (*)(void))proctab_auto_init);
*/
#ifndef PROCTAB_H
#define PROCTAB_H

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registers every proctab table on `db`. Returns SQLITE_OK or an error code. */
int proctab_register(sqlite3* db);

/* Same signature as a loadable extension's entry point, for
** sqlite3_auto_extension(). */
int proctab_auto_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

#ifdef __cplusplus
}
#endif

#endif
