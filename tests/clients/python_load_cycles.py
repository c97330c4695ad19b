#!/usr/bin/python3
"""Loads and unloads the module over and over in one real host, as a service
that opens a connection per request does: Python's sqlite3 module (Debian's
/usr/bin/python3), connect + load_extension + one query + close, CYCLES times.
The process's RSS after a warm-up must equal its RSS at the end, within a
tolerance far below what a leak per load adds (a module that re-ran its C++
runtime's allocating initializers at every load grew ~14 KiB a cycle: 14 MiB
over 1,000 cycles).
usage: python_load_cycles.py MODULE [CYCLES]"""
import os
import sqlite3
import sys

module = sys.argv[1]
cycles = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
warmup = 200
tolerance_kib = 2048


def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def cycle():
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(module)
    # A join, as a request would run: our own descriptors against the UNIX sockets
    # (of our own network namespace: no discovery walk over every process).
    (n,) = db.execute("""SELECT count(*) FROM proc_fd f LEFT JOIN proc_unix u
                             ON u.inode = f.inode AND u.netns = proctab_netns()
                          WHERE f.pid = ?""", (os.getpid(),)).fetchone()
    db.close()  # the last connection holding the module: SQLite dlcloses it
    return n


for _ in range(warmup):
    cycle()
before = rss_kib()
for _ in range(cycles):
    n = cycle()
after = rss_kib()
growth = after - before
print(f"python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}: {cycles} cycles of "
      f"connect + load_extension + query + close after {warmup} warm-up cycles: RSS {before} KiB -> "
      f"{after} KiB ({growth:+d} KiB, {growth * 1024 / cycles:+.0f} bytes a cycle); last query saw {n} fds")
if n <= 0:
    print("FAIL: the query saw none of this process's descriptors")
    sys.exit(1)
if growth > tolerance_kib:
    print(f"FAIL: RSS grew {growth} KiB over {cycles} load/unload cycles (tolerance {tolerance_kib} KiB): "
          "each load of the module leaks")
    sys.exit(1)
print("OK")
