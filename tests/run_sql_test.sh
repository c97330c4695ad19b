#!/bin/bash
# Runs one SQL file through the real sqlite3 shell with the module loaded.
# usage: run_sql_test.sh SQLITE3 MODULE FILE
# Fails on any SQL error. Files under tests/sql/ are assertion files in the
# sqlean style: every result row is "name|1"; a row ending in "|0" fails.
sqlite3=$1 module=$2 file=$3
# The views the `proctab` command loads at start-up (sql/osquery.sql,
# sql/lsof.sql) are loaded here too, as named queries may use them.
views=()
for v in "$(dirname "$0")/../sql/osquery.sql" "$(dirname "$0")/../sql/lsof.sql"; do
  [ -f "$v" ] && [ "$(readlink -f "$v")" != "$(readlink -f "$file")" ] && views+=(-cmd ".read $v")
done
out=$("$sqlite3" -bail -batch :memory: -cmd ".load $module" "${views[@]}" < "$file" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ]; then echo "FAIL: sqlite3 exited $rc"; exit 1; fi
if printf '%s\n' "$out" | grep -qE '^(Error|Parse error|Runtime error)'; then echo "FAIL: error"; exit 1; fi
case "$file" in
  */tests/sql/*)
    if printf '%s\n' "$out" | grep -qE '\|0$'; then echo "FAIL: an assertion is false"; exit 1; fi
    if ! printf '%s\n' "$out" | grep -qE '\|1$'; then echo "FAIL: no assertion ran"; exit 1; fi
    ;;
esac
exit 0
