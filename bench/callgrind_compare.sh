#!/bin/bash
# Instructions each query costs (callgrind Ir of the whole sqlite3 command)
# over one fixture root, for one or more builds of the module: a comparison
# that the machine's load does not move. The fixture (made once, in a
# temporary directory): 40,000 TCP, 2,000 UDP and 5,000 UNIX sockets, 20
# processes with 2,000 socket descriptors each.
# udp and unix name the columns every build since issue 11 has (SELECT * of a
# newer build prints the NULLs of the sock_diag columns too: udp-all, unix-all).
# usage: bench/callgrind_compare.sh MODULE.so [MODULE.so...]   (needs valgrind)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 MODULE.so [MODULE.so...]" >&2; exit 2; }
root=$(mktemp -d /tmp/proctab-callgrind-XXXXXX)
trap 'rm -rf "$root"' EXIT
/usr/bin/python3 - "$root" <<'PY'
import os, sys
root = sys.argv[1]
os.makedirs(root + "/net")
hdr = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
       " inode\n")
open(root + "/net/tcp", "w").write(hdr + "".join(
    "%4d: 0100007F:%04X 0100007F:%04X 01 00000000:00000000 00:00000000 00000000  1000        0 "
    "%d 1 ffff000000000001 20 4 30 10 -1\n" % (i, 10000 + i % 50000, 20000 + (i * 7) % 40000,
                                              100001 + i) for i in range(40000)))
open(root + "/net/tcp6", "w").write(hdr)
uh = hdr.rstrip("\n") + " ref pointer drops\n"
open(root + "/net/udp", "w").write(uh + "".join(
    "%5d: 0100007F:%04X 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 "
    "%d 2 0000000000000000 0\n" % (i, 3000 + i, 300000 + i) for i in range(2000)))
open(root + "/net/udp6", "w").write(uh)
open(root + "/net/unix", "w").write("Num       RefCount Protocol Flags    Type St Inode Path\n" + "".join(
    "0000000000000000: 00000002 00000000 00000000 0001 03 %d /run/s%d.sock\n" % (400000 + i, i)
    for i in range(5000)))
open(root + "/stat", "w").write("cpu 1 2 3\nbtime 1700000000\n")
inode = 100000
for p in range(100, 120):
    d = "%s/%d" % (root, p)
    os.makedirs(d + "/fd")
    open(d + "/stat", "w").write("%d (holder) S 1 %d %d 0 -1 4194560 1 0 0 0 100 200 0 0 20 0 1 0 "
                                 "5000 1000000 25\n" % (p, p, p))
    open(d + "/status", "w").write("Name:\tholder\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n")
    for fd in range(2000):
        inode += 1
        os.symlink("socket:[%d]" % inode, "%s/fd/%d" % (d, fd))
PY
queries=(
  "baseline|SELECT 1"
  "scan|SELECT count(*) FROM t"
  "scan-cols|SELECT sum(local_port), max(state), max(local_address) FROM t"
  "fdwalk|SELECT count(target), sum(length(target)) FROM f"
  "join|SELECT f.pid, f.fd, t.state, t.local_port, t.remote_port FROM t JOIN f ON f.inode = t.inode"
  "process|SELECT pid, ppid, name, state, uid, gid, cmdline, exe, cwd, root, netns, start_time FROM p"
  "udp|SELECT family, local_address, local_port, remote_address, remote_port, st, state, tx_queue, rx_queue, uid, inode, netns, netns_name, bucket, refcount, pointer, drops FROM u"
  "unix|SELECT pointer, refcount, protocol, flags, type, st, state, listening, inode, path, abstract, netns, netns_name FROM x"
  "udp-all|SELECT * FROM u"
  "unix-all|SELECT * FROM x"
)
printf '%-10s' query; for m in "$@"; do printf ' %14s' "$(basename "$(dirname "$m")")"; done; echo
for q in "${queries[@]}"; do
  printf '%-10s' "${q%%|*}"
  for m in "$@"; do
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null sqlite3 :memory: -cmd ".load $m" \
      -cmd "CREATE VIRTUAL TABLE temp.t USING proc_tcp(root='$root')" \
      -cmd "CREATE VIRTUAL TABLE temp.f USING proc_fd(root='$root')" \
      -cmd "CREATE VIRTUAL TABLE temp.p USING proc_process(root='$root')" \
      -cmd "CREATE VIRTUAL TABLE temp.u USING proc_udp(root='$root')" \
      -cmd "CREATE VIRTUAL TABLE temp.x USING proc_unix(root='$root')" "${q#*|}" 2>&1 >/dev/null |
      sed -n 's/.*Collected : //p')
    printf ' %14s' "$ir"
  done
  echo
done
