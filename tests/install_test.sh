#!/bin/bash
# Installs the build tree into a temporary prefix and uses it the three ways a
# user would: the installed `proctab` command and module, a CMake host
# (find_package(proctab) -> proctab::static) and a pkg-config build; also the
# example host built on its own against the installed package.
# usage: install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail  # (greps read all their input: no grep -q after a pipe)
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"
echo "== installed files"
(cd "$prefix" && find . -type f -o -type l | sort)

# The module sits in <libdir> itself (lib, or lib/<multiarch> under /usr), beside libproctab.a.
module=$(cd "$prefix" && find . -name proctab.so | head -1)
[ -n "$module" ] || { echo "FAIL: no proctab.so installed"; exit 1; }
libdir=$(dirname "${module#./}")
[ -e "$prefix/$libdir/libproctab.a" ] || { echo "FAIL: proctab.so is not in <libdir> ($libdir)"; exit 1; }
for f in bin/proctab include/proctab.h "$libdir/libproctab.a" "$libdir/pkgconfig/proctab.pc" \
  "$libdir/cmake/proctab/proctabConfig.cmake" "$libdir/cmake/proctab/proctabTargets.cmake" \
  share/proctab/sql/listening.sql share/proctab/sql/open_files.sql share/doc/proctab/README.md; do
  [ -e "$prefix/$f" ] || { echo "FAIL: missing $f"; exit 1; }
done
grep "^prefix=$prefix\$" "$prefix/$libdir/pkgconfig/proctab.pc" >/dev/null || { echo "FAIL: proctab.pc prefix is not $prefix"; cat "$prefix/$libdir/pkgconfig/proctab.pc"; exit 1; }

echo "== the installed module, by path, in the sqlite3 shell"
n=$(sqlite3 :memory: -cmd ".load $prefix/${module#./}" "SELECT count(*) FROM proc_fd WHERE pid = $$")
echo "descriptors of this script: $n"
[ "$n" -gt 0 ] || { echo "FAIL: the installed module sees no descriptor of pid $$"; exit 1; }

echo "== the installed launcher finds its module and queries (no PROCTAB_MODULE set)"
out=$(env -u PROCTAB_MODULE -u PROCTAB_SQL_DIR "$prefix/bin/proctab" -json "SELECT count(*) AS n FROM proc_fd WHERE pid = $$")
echo "$out"
echo "$out" | grep -E '"n":[1-9]' >/dev/null || { echo "FAIL: launcher output"; exit 1; }
env -u PROCTAB_MODULE -u PROCTAB_SQL_DIR "$prefix/bin/proctab" --help | grep "$prefix/bin/../share/proctab/sql\|$prefix/share/proctab/sql" >/dev/null ||
  { echo "FAIL: installed launcher does not use the installed sql dir"; exit 1; }
env -u PROCTAB_MODULE -u PROCTAB_SQL_DIR "$prefix/bin/proctab" -json by-state | grep '"state"' >/dev/null ||
  { echo "FAIL: installed launcher named query"; exit 1; }

echo "== a CMake host: find_package(proctab) -> proctab::static"
cmake -S "$src/tests/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$tmp/consumer.log" 2>&1 ||
  { cat "$tmp/consumer.log"; echo "FAIL: configure"; exit 1; }
cmake --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; echo "FAIL: build"; exit 1; }
"$tmp/consumer/consumer"

echo "== a pkg-config build: cc consumer.c \$(pkg-config --cflags --libs proctab)"
flags=$(PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" pkg-config --cflags --libs proctab)
echo "pkg-config: $flags"
cc -O1 -o "$tmp/pc_consumer" "$src/tests/consumer/consumer.c" $flags
"$tmp/pc_consumer"

echo "== the example host, built on its own against the installed package"
cmake -S "$src/examples" -B "$tmp/example" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$tmp/example.log" 2>&1 &&
  cmake --build "$tmp/example" >>"$tmp/example.log" 2>&1 || { cat "$tmp/example.log"; echo "FAIL: example build"; exit 1; }
"$tmp/example/proctab_watch" --iterations 1 --interval 0 >"$tmp/watch.out"
head -3 "$tmp/watch.out"
echo OK
