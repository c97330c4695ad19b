#!/bin/sh
# The cost of network-namespace discovery: each socket table readlinks
# PID/ns/net for every process unless `netns = proctab_netns()` names the
# reader's own namespace. Spawns N sleeping processes (bench/sleeper.c, reaped
# on exit), then times each query R times in the sqlite3 shell (median, ms).
# Usage: bench/netns_discovery.sh [N=2000] [R=7] [BUILD_DIR=build]
set -eu
n=${1:-2000}
runs=${2:-7}
build=${3:-build}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
sleeper_pid=
cleanup() {
  [ -n "$sleeper_pid" ] && kill "$sleeper_pid" 2>/dev/null && wait "$sleeper_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
cc -O2 -o "$tmp/sleeper" "$here/sleeper.c"
"$tmp/sleeper" "$n" >"$tmp/ready" &
sleeper_pid=$!
i=0
until grep -q READY "$tmp/ready" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 600 ] && { echo "sleepers not ready" >&2; exit 1; }
  sleep 0.1
done
echo "processes: $(ls /proc | grep -c '^[0-9]')"
for q in \
  "SELECT count(*) FROM proc_unix" \
  "SELECT count(*) FROM proc_unix WHERE netns = proctab_netns()" \
  "SELECT count(*) FROM proc_tcp" \
  "SELECT count(*) FROM proc_tcp WHERE netns = proctab_netns()" \
  "SELECT count(*) FROM proc_tcp t JOIN proc_fd f USING (inode)" \
  "SELECT count(*) FROM proc_tcp t JOIN proc_fd f USING (inode) WHERE t.netns = proctab_netns()"; do
  { echo ".load $build/proctab"; echo ".timer on"; r=0
    while [ $r -lt "$runs" ]; do echo "$q;"; r=$((r + 1)); done; } |
    sqlite3 :memory: | awk '/^Run Time/ { printf "%.1f\n", $4 * 1000 }' | sort -n |
    awk -v q="$q" '{ t[n++] = $1 } END { printf "%8.1f ms  %s\n", t[int(n / 2)], q }'
done
