#!/bin/bash
# The build without the optional kernel sources: a fresh tree configured with
# -DPROCTAB_BPF=OFF -DPROCTAB_LIBMNL=OFF says so in one line and builds the
# module (only the proctab target), which loads and answers proc_fd through
# the /proc walk and the socket tables through /proc text; source='bpf' and
# source='netlink' there are SQL errors saying what the build lacks. (One tree
# for both: each full build costs the suite minutes.) And with
# AUTO, a missing tool is named in one line at configure (pkg-config hidden:
# libbpf.pc cannot be found), without failing; with ON it fails.
# usage: build_without_bpf_test.sh SOURCE_DIR WORK_DIR SQLITE3
set -euo pipefail  # (greps read all their input: no grep -q after a pipe)
src=$1 work=$2 sqlite3=$3
dir=$work/no-bpf
rm -rf "$dir" "$dir-auto" "$dir-on"
mkdir -p "$work"

echo "== cmake -S . -B $dir -DPROCTAB_BPF=OFF -DPROCTAB_LIBMNL=OFF -DPROCTAB_TESTS=OFF"
cmake -S "$src" -B "$dir" -DPROCTAB_BPF=OFF -DPROCTAB_LIBMNL=OFF -DPROCTAB_TESTS=OFF \
  >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; echo "FAIL: configuring with PROCTAB_BPF=OFF failed"; exit 1; }
n=$(grep -c 'proctab: BPF iterator not built (PROCTAB_BPF=OFF)' "$dir.configure.log" || true)
[ "$n" = 1 ] || { cat "$dir.configure.log"; echo "FAIL: expected one line saying BPF is off, got $n"; exit 1; }
cmake --build "$dir" -j2 --target proctab >"$dir.build.log" 2>&1 ||
  { tail -30 "$dir.build.log"; echo "FAIL: building the module without BPF failed"; exit 1; }
[ ! -e "$dir/bpf/task_file.lskel.h" ] || { echo "FAIL: the skeleton was generated anyway"; exit 1; }
out=$("$sqlite3" :memory: -cmd ".load $dir/proctab" \
  "SELECT group_concat(DISTINCT source), count(*) > 0 FROM proc_fd")
[ "$out" = "proc|1" ] || { echo "FAIL: proc_fd without BPF: $out"; exit 1; }
err=$("$sqlite3" :memory: -cmd ".load $dir/proctab" \
  "CREATE VIRTUAL TABLE b USING proc_fd(source='bpf'); SELECT count(*) FROM b" 2>&1 || true)
echo "$err"
case "$err" in
  *"proc_fd: source='bpf': proctab was built without BPF"*) ;;
  *) echo "FAIL: source='bpf' without BPF: $err"; exit 1 ;;
esac
out=$("$sqlite3" :memory: -cmd ".load $dir/proctab" \
  "SELECT (SELECT group_concat(DISTINCT source) FROM proc_tcp), (SELECT count(*) > 0 FROM proc_unix),
          (SELECT group_concat(DISTINCT source) FROM proc_unix)")
case "$out" in
  "proc|1|proc" | "|1|proc") ;;  # no TCP socket at all on the machine: NULL
  *) echo "FAIL: the socket tables without libmnl: $out"; exit 1 ;;
esac
for t in proc_tcp proc_udp proc_unix; do
  err=$("$sqlite3" :memory: -cmd ".load $dir/proctab" \
    "CREATE VIRTUAL TABLE n USING $t(source='netlink'); SELECT count(*) FROM n" 2>&1 || true)
  echo "$err"
  case "$err" in
    *"$t"*"source='netlink'"*"no sock_diag support"*) ;;
    *) echo "FAIL: $t source='netlink' without libmnl: $err"; exit 1 ;;
  esac
done
rm -rf "$dir"

echo "== AUTO with libbpf not found: one line naming it, the configure succeeds"
cmake -S "$src" -B "$dir-auto" -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=TRUE -DPROCTAB_TESTS=OFF \
  >"$dir-auto.configure.log" 2>&1 ||
  { cat "$dir-auto.configure.log"; echo "FAIL: configuring without libbpf failed"; exit 1; }
grep 'BPF iterator' "$dir-auto.configure.log" || true
n=$(grep -c 'proctab: BPF iterator not built (missing: libbpf.pc)' "$dir-auto.configure.log" || true)
[ "$n" = 1 ] || { cat "$dir-auto.configure.log"; echo "FAIL: expected one line naming libbpf, got $n"; exit 1; }
rm -rf "$dir-auto"

echo "== ON with libbpf not found must fail, naming it"
if cmake -S "$src" -B "$dir-on" -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=TRUE -DPROCTAB_BPF=ON \
  -DPROCTAB_TESTS=OFF >"$dir-on.configure.log" 2>&1; then
  cat "$dir-on.configure.log"; echo "FAIL: PROCTAB_BPF=ON without libbpf configured"; exit 1
fi
grep 'PROCTAB_BPF=ON but missing: libbpf.pc' "$dir-on.configure.log" ||
  { cat "$dir-on.configure.log"; echo "FAIL: the error does not name libbpf"; exit 1; }
rm -rf "$dir-on"
echo OK
