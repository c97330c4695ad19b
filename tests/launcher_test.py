#!/usr/bin/python3
"""Runs the `proctab` command (build/bin/proctab) non-interactively as a user
would and checks what it prints.
usage: launcher_test.py PROCTAB"""
import json
import os
import pty
import re
import socket
import subprocess
import sys

proctab = sys.argv[1]
env = {k: v for k, v in os.environ.items() if not k.startswith("PROCTAB_")}
failures = []


def run(*args, stdin=None, extra_env=None):
    result = subprocess.run([proctab, *args], input=stdin, capture_output=True, text=True,
                            timeout=60, env=dict(env, **(extra_env or {})))
    print(f"$ proctab {' '.join(args)}  -> exit {result.returncode}")
    print("\n".join(result.stdout.splitlines()[:6]), result.stderr.strip(), sep="\n" if result.stderr else "")
    return result


def check(cond, what):
    if not cond:
        failures.append(what)
        print("  FAIL:", what)


def run_at_terminal(*args):
    """Runs proctab with its stdout on a pseudo-terminal, as at a user's prompt."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([proctab, *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    proc.wait(timeout=60)
    text = out.decode().replace("\r\n", "\n")
    print(f"$ proctab {' '.join(args)}   (stdout a terminal)  -> exit {proc.returncode}")
    print("\n".join(text.splitlines()[:6]))
    return proc.returncode, text


with socket.socket() as listener, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port, fd, pid = listener.getsockname()[1], listener.fileno(), os.getpid()
    udp.bind(("127.0.0.1", 0))
    uport = udp.getsockname()[1]

    r = run("--help")
    check(r.returncode == 0, "--help exits 0")
    for name in ("listening", "by-state", "close-wait", "files PID", "columns TABLE", "deleted-files",
                 "deleted-libraries", "locks", "sniffers"):
        check(name in r.stdout, f"--help lists {name}")
    # Every table the module registers, each on one line with the first
    # sentence of its documentation, asked of the module itself.
    module = re.search(r"^module: +(.*)$", r.stdout, re.M).group(1)
    sqldir = re.search(r"^queries: +(.*)$", r.stdout, re.M).group(1)
    docs = subprocess.run(["sqlite3", "-batch", "-json", ":memory:", "-cmd", f".load '{module}'",
                           "SELECT name, proctab_doc(name) AS doc FROM pragma_module_list "
                           "WHERE proctab_doc(name) IS NOT NULL"], capture_output=True, text=True)
    tables = json.loads(docs.stdout or "[]")
    check({t["name"] for t in tables} >= {"proc_tcp", "proc_udp", "proc_unix", "proc_fd", "proc_process"},
          f"the module documents its five tables (got {[t['name'] for t in tables]})")
    for t in tables:
        first = t["doc"].split(". ")[0].rstrip(".")
        check(re.search(rf"^  {t['name']} +{re.escape(first)}\.?$", r.stdout, re.M) is not None,
              f"--help lists {t['name']} with the first sentence of its doc on one line")
    with open(os.path.join(sqldir, "osquery.sql")) as f:
        views = re.findall(r"^CREATE TEMP VIEW (\w+)", f.read(), re.M)
    check(len(views) >= 4, f"sql/osquery.sql has its views ({views})")
    for v in views:
        check(re.search(rf"^  {v} +\S", r.stdout, re.M) is not None, f"--help lists the view {v} with a line")
    check("proctab columns proc_tcp" in r.stdout and "PRAGMA table_xinfo" in r.stdout,
          "--help says how to see a table's columns")
    check("state = 'LISTEN'" in r.stdout, "--help shows states in upper case")

    r = run("-json", "columns", "proc_tcp")
    rows = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else []
    check(len(rows) > 10 and {"column": "state", "type": "TEXT"}.items() <= next(
        (x for x in rows if x["column"] == "state"), {}).items() and all(x["meaning"] for x in rows),
          "columns proc_tcp lists every column with its type and meaning")
    check({"column": "source", "type": "TEXT HIDDEN"}.items() <= next(
        (x for x in rows if x["column"] == "source"), {}).items(),
          "columns proc_tcp lists the HIDDEN source column too")
    r = run("columns", "no_such_table")
    check(r.returncode == 2 and "no table or view named 'no_such_table'" in r.stderr, "columns of an unknown table")

    # A word that is neither SQL nor a named query: the list and the nearest one.
    r = run("listen")
    check(r.returncode == 2 and "did you mean 'listening'?" in r.stderr and "by-state" in r.stderr
          and "syntax error" not in r.stderr, "a mistyped query name names the nearest query")
    r = run("by-stat")
    check(r.returncode == 2 and "did you mean 'by-state'?" in r.stderr, "by-stat suggests by-state")
    r = run("-q", "listenin")
    check(r.returncode == 2 and "did you mean 'listening'?" in r.stderr, "-q with a typo suggests the nearest")

    # At a terminal, ad-hoc SQL prints a table with column names; piped, as sqlite3 does.
    rc, out = run_at_terminal(f"SELECT local_port AS my_port FROM proc_tcp WHERE local_port = {port}")
    check(rc == 0 and "my_port" in out and "┌" in out and f" {port} " in out,
          "ad-hoc SQL at a terminal prints its column names")
    rc, out = run_at_terminal("-json", "SELECT 1 AS a")
    check(rc == 0 and json.loads(out) == [{"a": 1}], "-json at a terminal is JSON")
    rc, out = run_at_terminal("-csv", "SELECT 1 AS a, 2 AS b")
    check(rc == 0 and out.strip() == "1,2", "-csv at a terminal is sqlite3's csv")
    r = run("SELECT 1 AS a, 2 AS b")
    check(r.returncode == 0 and r.stdout == "1|2\n", "piped ad-hoc SQL stays machine-readable (list, no header)")

    r = run("-json", f"SELECT pid, fd FROM proc_fd WHERE pid = {pid} AND fd = {fd}")
    check(r.returncode == 0 and json.loads(r.stdout) == [{"pid": pid, "fd": fd}], "-json SQL answers at once")

    r = run("-json", "listening")
    rows = json.loads(r.stdout) if r.returncode == 0 else []
    mine = [x for x in rows if x.get("local_port") == port and x.get("protocol") == "tcp"]
    with open("/proc/self/comm") as comm:
        name = comm.read().strip()
    check(len(mine) == 1 and {"family": "inet", "local_address": "127.0.0.1", "pid": pid, "fd": fd,
                              "process": name, "user": "root" if os.getuid() == 0 else mine[0]["user"],
                              "own": 1}.items() <= mine[0].items(),
          "-json listening shows this script's socket with its owner, process name, user, namespace")
    check(any(x.get("local_port") == uport and x.get("protocol") == "udp" and x.get("pid") == pid
              for x in rows), "-json listening shows this script's UDP socket")

    r = run("listening")
    check(r.returncode == 0 and "┌" in r.stdout and f" {port} " in r.stdout, "listening prints a box with the port")

    r = run("by-state", "-json")  # options may follow the name, as sqlite3's may follow the file
    check(r.returncode == 0 and any(x["state"] == "LISTEN" for x in json.loads(r.stdout or "[]")),
          "by-state -json")

    r = run("-csv", "-header", "-q", "by-state")
    check(r.returncode == 0 and r.stdout.startswith("netns,netns_name,own,state,family,sockets") and "LISTEN," in r.stdout,
          "-csv -header -q by-state")

    r = run("close-wait")
    check(r.returncode == 0 and not r.stderr, "close-wait runs")

    r = run("-json", "files", str(pid))
    rows = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else []
    check({"fd": f"{fd}u", "type": "IPv4", "name": f"127.0.0.1:{port} (LISTEN)"}.items()
          <= next((x for x in rows if x.get("fd") == f"{fd}u"), {}).items(),
          "files PID shows the socket with its endpoint and state, as lsof does")
    check({"fd": f"{udp.fileno()}u", "type": "IPv4", "name": f"127.0.0.1:{uport}"}.items()
          <= next((x for x in rows if x.get("fd") == f"{udp.fileno()}u"), {}).items(),
          "files PID shows the UDP socket's endpoint")

    check(any(x.get("fd") == "cwd" and x.get("name") == os.getcwd() for x in rows),
          "files PID shows the cwd row, as lsof -p does")
    check(any(x.get("fd") == "txt" for x in rows) and any(x.get("fd") == "mem" for x in rows),
          "files PID shows txt and mem rows")

    r = run("files", "12ab")
    check(r.returncode == 2 and "not a process id" in r.stderr, "files with a bad pid is refused")

    gone = 4194304  # above pid_max's limit: never a process
    r = run("files", str(gone))
    check(r.returncode == 1 and f"no process with pid {gone}" in r.stderr and not r.stdout,
          "files of a missing process says so and exits 1")
    try:
        os.readlink("/proc/1/cwd")
    except PermissionError:  # pid 1 of a sandbox: not even root may read its links
        r = run("files", "1")
        check(r.returncode == 1 and "may not be read" in r.stderr and not r.stdout,
              "files of an unreadable process says so and exits 1")

    for name in ("deleted-files", "deleted-libraries", "needs-restart", "locks", "sniffers"):
        r = run("-json", name)
        check(r.returncode == 0 and not r.stderr, f"{name} runs")

    r = run(stdin=f"SELECT count(*) FROM proc_fd WHERE pid = {pid};\n")
    check(r.returncode == 0 and int(r.stdout.strip()) > 0, "SQL on stdin (no arguments)")

    r = run("-cmd", ".mode csv", f"SELECT 'x', local_port FROM proc_tcp WHERE local_port = {port}")
    check(r.returncode == 0 and r.stdout.strip() == f"x,{port}", "-cmd and SQL pass through")

    r = run("SELEC nonsense")
    check(r.returncode != 0 and "syntax error" in r.stderr, "an SQL error is reported")

    r = run("-json", "SELECT 1", extra_env={"PROCTAB_MODULE": "/nonexistent/proctab.so"})
    check(r.returncode == 2 and "module not found" in r.stderr, "a missing module is a clear error")

if failures:
    print(f"{len(failures)} check(s) failed: {failures}")
    sys.exit(1)
print("OK")
