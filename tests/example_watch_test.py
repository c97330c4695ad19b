#!/usr/bin/python3
"""Exercises the example host (examples/proctab_watch.cpp): its first run
reports existing listeners as "added"; a socket this script starts listening
on afterwards must appear as {"action":"added", "pid": <this pid>, "port": P}
and, once closed, as "removed". Also: --iterations N stops by itself.
usage: example_watch_test.py PROCTAB_WATCH"""
import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time

watch = sys.argv[1]
DEADLINE = time.monotonic() + 60


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


# 1. --iterations 2 exits 0 by itself; every stdout line is a JSON object; the
# first run adds every row it finds (there is no previous result), and the
# lines printed agree with the per-run counts logged to stderr. (Other
# processes may open or close listeners meanwhile: run 2 may add or remove.)
done = subprocess.run([watch, "--iterations", "2", "--interval", "0.2"],
                      capture_output=True, text=True, timeout=60)
print(done.stderr.strip())
if done.returncode != 0:
    fail(f"--iterations 2 exited {done.returncode}")
runs = [tuple(map(int, m)) for m in re.findall(r"^run \d+: (\d+) rows, (\d+) added, (\d+) removed$",
                                                done.stderr, re.M)]
if len(runs) != 2:
    fail("expected two 'run N' log lines")
rows = [json.loads(line) for line in done.stdout.splitlines()]
if runs[0][0] != runs[0][1] or runs[0][2] != 0:
    fail("the first run must report every row as added")
if len(rows) != sum(added + removed for _, added, removed in runs):
    fail("stdout lines do not match the logged counts")
if any(r["name"] != "listening" or r["action"] != "added" for r in rows[:runs[0][1]]):
    fail("the first run's lines must all be added rows of 'listening'")

# 2. differences: a listener that appears, then goes away.
proc = subprocess.Popen([watch, "--interval", "0.2", "--iterations", "300"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    queues = {}
    for stream in (proc.stdout, proc.stderr):
        q = queues[stream] = queue.Queue()
        threading.Thread(target=lambda st=stream, q=q: [q.put(l) for l in st] + [q.put(None)],
                         daemon=True).start()

    def lines(stream):
        """Yields lines of one pipe until it closes or the deadline passes."""
        while True:
            try:
                line = queues[stream].get(timeout=max(0.1, DEADLINE - time.monotonic()))
            except queue.Empty:
                fail("timed out")
            if line is None:
                return
            yield line.rstrip("\n")

    for log in lines(proc.stderr):
        if log.startswith("run 1:"):
            break
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    mine = {"action": "added", "name": "listening", "family": "inet", "address": "127.0.0.1",
            "port": port, "pid": os.getpid(), "fd": listener.fileno()}

    def wait_for(action):
        """Waits for this socket's line with this action and its owner. Other
        lines for the port may come between: a run whose proc_tcp snapshot still
        had the closing socket but whose proc_fd snapshot no longer had its
        descriptor reports it once without an owner (pid null)."""
        want = dict(mine, action=action)
        for line in lines(proc.stdout):
            row = json.loads(line)
            if row.get("port") != port:
                continue
            print(line)
            if {k: row.get(k) for k in want} == want:
                if not isinstance(row.get("unixTime"), int):
                    fail("no unixTime")
                return
        fail(f"stream ended before the line {want}")

    wait_for("added")
    listener.close()
    wait_for("removed")
finally:
    proc.kill()
    proc.wait()
print("OK")
