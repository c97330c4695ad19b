#!/bin/bash
# The README's build command on a machine without Catch2: a fresh build tree
# configured with default options and Catch2 hidden
# (-DCMAKE_DISABLE_FIND_PACKAGE_Catch2=TRUE) configures, says in one line that
# the tests are not built, and builds the module (only the proctab target:
# cheap); asking for the tests explicitly (-DPROCTAB_TESTS=ON) then fails at
# configure, naming Catch2. The one option given, -DCMAKE_INSTALL_PREFIX=/usr,
# lets the .deb test package this same tree (WORK/release-usr) afterwards.
# usage: build_without_catch2_test.sh SOURCE_DIR WORK_DIR SQLITE3
set -euo pipefail  # (greps read all their input: no grep -q after a pipe)
src=$1 work=$2 sqlite3=$3
dir=$work/release-usr
rm -rf "$dir" "$dir-on"
mkdir -p "$work"

echo "== cmake -S . -B $dir -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=TRUE -DCMAKE_INSTALL_PREFIX=/usr"
cmake -S "$src" -B "$dir" -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=TRUE -DCMAKE_INSTALL_PREFIX=/usr \
  >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; echo "FAIL: configuring without Catch2 failed"; exit 1; }
grep -i catch2 "$dir.configure.log" || true
n=$(grep -c 'Catch2 not found, tests not built' "$dir.configure.log" || true)
[ "$n" = 1 ] || { cat "$dir.configure.log"; echo "FAIL: expected one line saying the tests are not built, got $n"; exit 1; }
[ ! -e "$dir/tests" ] || { echo "FAIL: tests/ was configured without Catch2"; exit 1; }

echo "== cmake --build $dir --target proctab"
cmake --build "$dir" -j2 --target proctab >"$dir.build.log" 2>&1 ||
  { tail -30 "$dir.build.log"; echo "FAIL: building the module without Catch2 failed"; exit 1; }
[ -f "$dir/proctab.so" ] || { echo "FAIL: no $dir/proctab.so"; exit 1; }
out=$("$sqlite3" :memory: -cmd ".load $dir/proctab" "SELECT count(*) > 0 FROM proc_process")
[ "$out" = 1 ] || { echo "FAIL: the module built without Catch2 does not work: $out"; exit 1; }
echo "the module loads and answers"

echo "== -DPROCTAB_TESTS=ON with Catch2 hidden must fail loudly"
if cmake -S "$src" -B "$dir-on" -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=TRUE -DPROCTAB_TESTS=ON \
  >"$dir-on.configure.log" 2>&1; then
  cat "$dir-on.configure.log"; echo "FAIL: configuring with -DPROCTAB_TESTS=ON and no Catch2 succeeded"; exit 1
fi
grep -i -A2 'catch2' "$dir-on.configure.log" | head -6
grep -i 'catch2' "$dir-on.configure.log" >/dev/null || { cat "$dir-on.configure.log"; echo "FAIL: the error does not name Catch2"; exit 1; }
rm -rf "$dir-on"
echo OK
