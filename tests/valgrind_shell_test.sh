#!/bin/bash
# The sqlite3 shell, under valgrind memcheck, loads the module and runs joins
# over every table: no invalid access and no "definitely lost" block (a
# module linking its C++ runtime statically once left 72,704 bytes, the
# runtime's exception emergency pool, definitely lost from _dl_init at every
# load). Exit 77 = skipped (no valgrind), which ctest reports.
# usage: valgrind_shell_test.sh SQLITE3 MODULE
set -euo pipefail
sqlite3=$1 module=$2
command -v valgrind >/dev/null || { echo "SKIPPED: valgrind is not installed"; exit 77; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --log-file="$log" "$sqlite3" -bail :memory: -cmd ".load $module" \
  "SELECT count(*) AS owned_tcp FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode" \
  "SELECT count(*) AS processes_with_unix_sockets FROM (SELECT DISTINCT p.pid FROM proc_unix u
     JOIN proc_fd f USING (inode) JOIN proc_process p USING (pid))" \
  "SELECT count(*) > 0 AS some_fds FROM proc_fd f JOIN proc_process p USING (pid)" \
  "SELECT count(*) AS udp FROM proc_udp" || rc=$?
# Valgrind 3.19 does not know openat2 (syscall 437): ProcFs falls back to openat; its warning is noise.
grep -E 'HEAP SUMMARY|in use at exit|LEAK SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|ERROR SUMMARY' "$log" || true
if [ "$rc" -ne 0 ]; then
  grep -v -e 'syscall: 437' -e 'own handler' -e 'README_MISSING_SYSCALL' -e 'consider this a bug' \
    -e 'bug_reports.html' "$log" | tail -60
  [ "$rc" -eq 99 ] && echo "FAIL: valgrind found errors or definite leaks (above)" || echo "FAIL: sqlite3 exited $rc"
  exit 1
fi
if grep -E 'definitely lost: [1-9]' "$log" >/dev/null; then echo "FAIL: definitely lost blocks"; exit 1; fi
echo OK
