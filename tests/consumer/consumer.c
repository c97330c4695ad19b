/* A C host that links SQLite and proctab statically, as an embedder would:
** built by tests/consumer/CMakeLists.txt (find_package) and by
** tests/install_test.sh (pkg-config). It registers proctab both ways the
** header offers, listens on a loopback port and asks proctab who owns it:
** the answer must be this process and this descriptor. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <proctab.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static int owner_of_port(sqlite3* db, int port, long long* pid, long long* fd) {
  sqlite3_stmt* stmt = NULL;
  const char* sql =
      "SELECT f.pid, f.fd FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode"
      " WHERE t.state = 'LISTEN' AND t.local_port = ?1";
  int rows = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_int(stmt, 1, port);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    *pid = sqlite3_column_int64(stmt, 0);
    *fd = sqlite3_column_int64(stmt, 1);
    ++rows;
  }
  sqlite3_finalize(stmt);
  return rows;
}

int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  socklen_t len = sizeof addr;
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || bind(s, (struct sockaddr*)&addr, sizeof addr) || listen(s, 1) ||
      getsockname(s, (struct sockaddr*)&addr, &len)) {
    perror("socket");
    return 1;
  }
  int port = ntohs(addr.sin_port);
  int failures = 0;

  /* 1. explicit registration on one connection */
  sqlite3* db = NULL;
  sqlite3_open(":memory:", &db);
  if (proctab_register(db) != SQLITE_OK) {
    fprintf(stderr, "proctab_register failed\n");
    return 1;
  }
  long long pid = -1, fd = -1;
  int rows = owner_of_port(db, port, &pid, &fd);
  printf("proctab_register: port %d -> %d row(s), pid %lld fd %lld\n", port, rows, pid, fd);
  failures += !(rows == 1 && pid == getpid() && fd == s);
  sqlite3_close(db);

  /* 2. sqlite3_auto_extension: every later connection has the tables */
  if (sqlite3_auto_extension((void (*)(void))proctab_auto_init) != SQLITE_OK) return 1;
  sqlite3_open(":memory:", &db);
  pid = fd = -1;
  rows = owner_of_port(db, port, &pid, &fd);
  printf("sqlite3_auto_extension: port %d -> %d row(s), pid %lld fd %lld\n", port, rows, pid, fd);
  failures += !(rows == 1 && pid == getpid() && fd == s);
  sqlite3_close(db);
  sqlite3_reset_auto_extension();

  close(s);
  printf("%s (SQLite %s)\n", failures ? "FAIL" : "OK", sqlite3_libversion());
  return failures ? 1 : 0;
}
