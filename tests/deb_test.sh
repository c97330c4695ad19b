#!/bin/bash
# Builds the .deb the way the README says (a tree configured for /usr, then
# cpack -G DEB), installs it with dpkg, uses the installed module and command
# (the module by its bare name, as Debian's SQLite extensions load: `.load
# proctab` in sqlite3, Python's sqlite3 and Node's better-sqlite3), and
# removes it again. Needs root and dpkg: otherwise exit 77 = skipped,
# which ctest reports (with the reason printed here).
# usage: deb_test.sh SOURCE_DIR WORK_DIR
set -euo pipefail  # (greps read all their input: no grep -q after a pipe)
src=$1 work=$2
if [ "$(id -u)" -ne 0 ]; then echo "SKIPPED: installing a .deb needs root"; exit 77; fi
for tool in dpkg dpkg-deb cpack sqlite3; do
  command -v $tool >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 77; }
done
# One package test at a time on this machine (dpkg holds a global lock anyway).
exec 9>/tmp/proctab-deb-test.lock
flock -w 600 9
if dpkg-query -W -f='${Status}' proctab 2>/dev/null | grep "install ok installed" >/dev/null; then
  echo "SKIPPED: a proctab package is already installed here; not replacing someone's install"
  exit 77
fi

# The Release tree for /usr that build:module_without_catch2 configured and
# built the module in (a ctest fixture: no second compile of the same
# sources); run alone, this configures it afresh.
build=$work/release-usr
echo "== cmake -DCMAKE_INSTALL_PREFIX=/usr && cpack -G DEB   (in $build)"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DPROCTAB_TESTS=OFF -DPROCTAB_EXAMPLES=OFF >"$work/deb-configure.log"
# Only what the package installs (the module, the static library).
cmake --build "$build" -j2 --target proctab proctab_static >"$work/deb-build.log" || { tail -30 "$work/deb-build.log"; exit 1; }
rm -f "$build"/proctab_*.deb
(cd "$build" && cpack -G DEB >"$work/deb-cpack.log") || { cat "$work/deb-cpack.log"; exit 1; }
deb=$(ls "$build"/proctab_*.deb)
echo "built $(basename "$deb")"
dpkg-deb --field "$deb" Package Version Architecture Maintainer Depends
depends=$(dpkg-deb --field "$deb" Depends)
for dep in libc6 libsqlite3-0 sqlite3; do  # libstdc++ is linked into the module
  echo "$depends" | tr ',' '\n' | awk '{print $1}' | grep -xF "$dep" >/dev/null || { echo "FAIL: Depends lacks $dep"; exit 1; }
done
dpkg-deb --field "$deb" Maintainer | grep . >/dev/null || { echo "FAIL: no Maintainer"; exit 1; }
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
# In the multiarch directory itself, which the dynamic loader searches.
module=/usr/lib/$multiarch/proctab.so
dpkg-deb --contents "$deb" | grep " \.$module\$" >/dev/null || { dpkg-deb --contents "$deb"; echo "FAIL: $module not in the package"; exit 1; }

echo "== dpkg -i"
trap 'dpkg -r proctab >/dev/null 2>&1 || true' EXIT
# apt may hold dpkg's lock (another job installing packages): wait for it, bounded.
for attempt in $(seq 1 24); do
  if dpkg -i "$deb" >"$work/deb-dpkg.log" 2>&1; then break; fi
  if ! grep -i "lock" "$work/deb-dpkg.log" >/dev/null || [ "$attempt" -eq 24 ]; then
    cat "$work/deb-dpkg.log"; echo "FAIL: dpkg -i"; exit 1
  fi
  sleep 5
done
cat "$work/deb-dpkg.log"
# By bare name, from a directory holding no proctab.so: the loader's search finds it.
cd /
echo "== sqlite3: .load proctab"
n=$(sqlite3 :memory: -cmd ".load proctab" "SELECT count(*) FROM proc_fd WHERE pid = $$")
echo "descriptors of this script: $n"
[ "$n" -gt 0 ] || { echo "FAIL: installed module sees nothing"; exit 1; }
echo "== sqlite3: .load $module (by path, too)"
sqlite3 :memory: -cmd ".load $module" "SELECT count(*) > 0 FROM proc_process" | grep -x 1 >/dev/null ||
  { echo "FAIL: .load $module"; exit 1; }
echo "== /usr/bin/python3: db.load_extension(\"proctab\")"
/usr/bin/python3 "$src/tests/clients/python_client.py" proctab || { echo "FAIL: Python load_extension('proctab')"; exit 1; }
echo "== node: better-sqlite3 loadExtension('proctab')"
rc=0
"$src/tests/clients/run_node_client.sh" "$src" proctab "$work/node-client" || rc=$?
case $rc in
  0) ;;
  77) echo "(the Node.js check is skipped: no node/npm here)" ;;
  *) echo "FAIL: better-sqlite3 loadExtension('proctab')"; exit 1 ;;
esac
echo "== /usr/bin/proctab -json by-state"
out=$(env -u PROCTAB_MODULE -u PROCTAB_SQL_DIR /usr/bin/proctab -json by-state)
echo "$out" | head -3
echo "$out" | grep '"state"' >/dev/null || { echo "FAIL: proctab by-state"; exit 1; }
echo "== /usr/bin/proctab --help lists the module's tables"
help=$(env -u PROCTAB_MODULE -u PROCTAB_SQL_DIR /usr/bin/proctab --help)
for t in proc_tcp proc_udp proc_unix proc_fd proc_process; do
  echo "$help" | grep "^  $t  *One row per" >/dev/null || { echo "$help"; echo "FAIL: --help lacks $t"; exit 1; }
done
echo "== pkg-config --libs proctab (from /usr)"
pkg-config --cflags --libs proctab
pkg-config --libs proctab | grep -- -lproctab >/dev/null || { echo "FAIL: proctab.pc"; exit 1; }

echo "== dpkg -r proctab"
dpkg -r proctab
trap - EXIT
for f in "$module" /usr/bin/proctab /usr/include/proctab.h; do
  [ ! -e "$f" ] || { echo "FAIL: $f left behind by dpkg -r"; exit 1; }
done
echo OK
