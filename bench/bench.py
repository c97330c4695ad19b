#!/usr/bin/python3
"""proctab benchmark runner.  Use bench/run.sh; see bench/README.md.

Builds the extension (Release), compiles the helper programs in bench/,
spawns socket holders with N real loopback TCP sockets, measures proctab
through the sqlite3 shell against floors and peers with hyperfine, prints a
markdown table and writes it plus a plot to the results directory.
Everything it starts is killed (by pid) on the way out, whatever happens.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# ---------------------------------------------------------------- processes

STARTED = []  # Popen objects of every helper this run started


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def stop(procs, timeout=10.0):
    """SIGTERM then SIGKILL each process we started; reap them."""
    for p in procs:
        if p.poll() is None:
            try:
                p.terminate()
            except ProcessLookupError:
                pass
    deadline = time.time() + timeout
    for p in procs:
        try:
            p.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                p.kill()
            except ProcessLookupError:
                pass
            p.wait()
        if p in STARTED:
            STARTED.remove(p)


def cleanup_all():
    stop(list(STARTED))


def spawn_ready(argv, timeout=180.0):
    """Start a helper that prints 'READY ...' on stdout; return (proc, words)."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    STARTED.append(p)
    deadline = time.time() + timeout
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.time()
        if left <= 0:
            raise RuntimeError("%s: no READY after %.0fs" % (argv[0], timeout))
        r, _, _ = select.select([p.stdout], [], [], left)
        if r:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("%s exited (rc=%s) before READY" % (argv, p.wait()))
            buf += chunk
    line = buf.split(b"\n", 1)[0].decode()
    if not line.startswith("READY"):
        raise RuntimeError("%s: unexpected output %r" % (argv, line))
    return p, line.split()[1:]


def tcp_rows():
    n = 0
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(f) as fh:
                n += sum(1 for _ in fh) - 1
        except FileNotFoundError:
            pass
    return n


def nproc_alive():
    return sum(1 for d in os.listdir("/proc") if d.isdigit())


class Holders:
    """N sockets spread over several holder processes."""

    def __init__(self, binary, n, v6pct=20):
        self.n = n
        self.procs = []
        self.sockets = 0
        hard = 20000
        try:
            import resource
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            if hard == resource.RLIM_INFINITY:
                hard = 1 << 20
        except Exception:
            pass
        per_max = max(1000, min(16000, hard - 200))
        k = max(1, math.ceil(n / per_max))
        if n >= 1000:
            k = max(k, 2)
        self.k = k
        before = tcp_rows()
        t0 = time.time()
        for i in range(k):
            share = n // k + (1 if i < n % k else 0)
            p, words = spawn_ready([binary, str(i), str(share), str(v6pct)])
            self.procs.append(p)
            self.sockets += int(words[0])
        self.setup_s = time.time() - t0
        seen = tcp_rows() - before
        log("holders: %d processes, %d sockets (%d new rows in /proc/net/tcp*), %.1fs"
            % (k, self.sockets, seen, self.setup_s))
        if seen < self.sockets * 0.99:
            raise RuntimeError("only %d of %d sockets visible" % (seen, self.sockets))

    def pids(self):
        return [p.pid for p in self.procs]

    def close(self):
        base = tcp_rows() - self.sockets
        stop(self.procs)
        self.procs = []
        # sockets are reset (SO_LINGER 0); wait until the tables drain
        deadline = time.time() + 60
        while tcp_rows() > max(base, 0) + 50 and time.time() < deadline:
            time.sleep(0.2)


# ---------------------------------------------------------------- building


def run(cmd, **kw):
    log("+ " + " ".join(shlex.quote(c) for c in cmd))
    return subprocess.run(cmd, check=True, **kw)


def build(args):
    if not args.no_build:
        run(["cmake", "-S", REPO, "-B", args.build_dir, "-DCMAKE_BUILD_TYPE=Release"],
            stdout=subprocess.DEVNULL)
        run(["cmake", "--build", args.build_dir, "-j", str(os.cpu_count() or 2)],
            stdout=subprocess.DEVNULL)
    so = os.path.join(args.build_dir, "proctab.so")
    if not os.path.exists(so):
        raise SystemExit("no %s: build failed or --build-dir is wrong" % so)
    bindir = os.path.join(args.build_dir, "bench-bin")
    os.makedirs(bindir, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    bins = {}
    for name in ("holder", "sleeper", "fdwalk"):
        out = os.path.join(bindir, name)
        run([cc, "-O2", "-Wall", "-o", out, os.path.join(HERE, name + ".c")])
        bins[name] = out
    return os.path.join(args.build_dir, "proctab"), bins


# ---------------------------------------------------------------- measuring


class Bench:
    def __init__(self, args, ext, bins, workdir):
        self.args = args
        self.ext = ext
        self.bins = bins
        self.workdir = workdir
        self.hlog = open(os.path.join(workdir, "hyperfine.log"), "a")
        self.seq = 0

    def sql(self, query, views=""):
        """views: a file of sql/ whose TEMP views the query uses (lsof.sql)."""
        read = " -cmd %s" % shlex.quote(".read " + os.path.join(REPO, "sql", views)) if views else ""
        return "sqlite3 :memory: -cmd %s%s %s" % (
            shlex.quote(".load " + self.ext), read, shlex.quote(query))

    def check(self, name, cmd):
        """Run once, timed; return (rc, stdout lines, seconds, timed_out).
        Fails loudly for proctab's own commands."""
        t0 = time.time()
        try:
            r = subprocess.run(shlex.split(cmd), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=self.args.timeout)
        except subprocess.TimeoutExpired:
            log("warning: %s did not finish in %ds" % (name, self.args.timeout))
            return None, [], float(self.args.timeout), True
        dt = time.time() - t0
        lines = r.stdout.splitlines()
        mine = name.startswith("proctab")
        if r.returncode != 0 or (mine and r.stderr.strip()):
            msg = "%s: rc=%d stderr=%s" % (name, r.returncode, r.stderr.strip()[:500])
            if mine:
                raise RuntimeError(msg)
            log("warning: " + msg)
        return r.returncode, lines, dt, False

    def hyperfine(self, cmds, label):
        """cmds: list of (name, command).  Each command is first run once
        (validation, row count, first line of output); commands slower than
        --slow seconds are not repeated (their single time is reported, marked).
        The rest go to one hyperfine call.  Returns {name: result dict}."""
        self.seq += 1
        pre = {}
        for name, cmd in cmds:
            rc, lines, dt, to = self.check(name, cmd)
            pre[name] = {"rows": len(lines), "output": lines[:1], "check_s": dt,
                         "timed_out": to}
        fast = [(n, c) for n, c in cmds if pre[n]["check_s"] <= self.args.slow]
        out = {}
        if fast and not self.args.sequential:
            out.update(self._interleaved(fast, label))
        elif fast:
            out.update(self._sequential(fast, label))
        for name, cmd in cmds:
            if name not in out:
                p = pre[name]
                out[name] = {"command": cmd, "median": p["check_s"], "mean": p["check_s"], "cpu": None,
                             "stddev": None, "min": p["check_s"], "max": p["check_s"],
                             "runs": 1, "failed_runs": 0,
                             "note": ("timed out at %ds" % self.args.timeout if p["timed_out"]
                                      else "slower than %gs: 1 run only" % self.args.slow)}
            out[name].update(pre[name])
            r = out[name]
            log("  %-22s median %9.2f ms  (%d runs%s) rows=%d %s" % (
                name, 1e3 * r["median"], r["runs"],
                ", %d FAILED" % r["failed_runs"] if r["failed_runs"] else "",
                r["rows"], r["note"]))
        return out

    def _hf(self, argv, label, js):
        self.hlog.write("\n### %s\n" % label)
        self.hlog.flush()
        subprocess.run(argv, check=True, stdout=self.hlog, stderr=self.hlog)
        with open(js) as fh:
            return json.load(fh)["results"]

    def _result(self, name, cmd, times, cpus, codes):
        bad = [c for c in codes if c]
        if bad and name.startswith("proctab"):
            raise RuntimeError("%s failed during timing" % name)
        return {
            "command": cmd, "median": statistics.median(times),
            "mean": statistics.mean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else None,
            "cpu": statistics.mean(cpus), "min": min(times), "max": max(times),
            "times": times, "runs": len(times), "failed_runs": len(bad), "note": "",
        }

    def _sequential(self, fast, label):
        """One hyperfine call: all runs of the first command, then the next..."""
        js = os.path.join(self.workdir, "hf-%02d-%s.json" % (self.seq, label))
        argv = ["hyperfine", "-N", "--style", "basic", "-i", "--export-json", js]
        if self.args.quick:
            argv += ["--warmup", "0", "--runs", str(self.args.runs)]
        else:
            argv += ["--warmup", str(self.args.warmup), "--min-runs", str(self.args.runs),
                     "--max-runs", str(max(self.args.runs, 50))]
        for name, cmd in fast:
            argv += ["-n", name, cmd]
        log("hyperfine [%s]: %s" % (label, ", ".join(n for n, _ in fast)))
        out = {}
        for (name, cmd), res in zip(fast, self._hf(argv, label, js)):
            n = len(res["times"])
            out[name] = self._result(name, cmd, res["times"],
                                     [(res.get("user") or 0) + (res.get("system") or 0)] * n,
                                     res.get("exit_codes") or [])
        return out

    def _interleaved(self, fast, label):
        """Round-robin: each round runs every command once (one hyperfine
        call with --runs 1), starting at a different command each round, so
        that drifting background load hits all commands alike.  The first
        --warmup rounds are discarded."""
        warm = 0 if self.args.quick else self.args.warmup
        rounds = warm + self.args.runs
        acc = {name: ([], [], []) for name, _ in fast}
        log("hyperfine [%s] x %d rounds (%d warm-up): %s" % (
            label, rounds, warm, ", ".join(n for n, _ in fast)))
        for r in range(rounds):
            k = r % len(fast)
            order = fast[k:] + fast[:k]
            js = os.path.join(self.workdir, "hf-%02d-%s-r%d.json" % (self.seq, label, r))
            argv = ["hyperfine", "-N", "--style", "basic", "-i", "--runs", "1",
                    "--export-json", js]
            for name, cmd in order:
                argv += ["-n", name, cmd]
            results = self._hf(argv, "%s round %d%s" % (label, r, " (warm-up)" if r < warm else ""), js)
            if r < warm:
                continue
            for (name, cmd), res in zip(order, results):
                t, c, e = acc[name]
                t.extend(res["times"])
                c.append((res.get("user") or 0) + (res.get("system") or 0))
                e.extend(res.get("exit_codes") or [])
        return {name: self._result(name, cmd, *acc[name]) for name, cmd in fast}

    def peak_rss(self, cmd, runs):
        """Median and max of GNU time's %M (KiB) over runs."""
        vals = []
        for _ in range(runs):
            with tempfile.NamedTemporaryFile("r") as tf:
                subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%M"] + shlex.split(cmd),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                txt = tf.read().strip().splitlines()
                vals.append(int(txt[-1]))
        return {"median_kib": statistics.median(vals), "max_kib": max(vals)}


def join_commands(b):
    return [
        ("proctab join", b.sql("SELECT f.pid, f.fd, t.state, t.local_port, t.remote_port "
                               "FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode")),
        ("psutil", "/usr/bin/python3 " + os.path.join(HERE, "peer_psutil.py")),
        ("ss -tanp", "ss -tanp"),
        ("netstat -tanp", "netstat -tanp"),
        ("lsof -nP -iTCP", "lsof -nP -iTCP"),
    ]


# The 4-tuple self-join: each loopback connection with the owner of its
# other end.
SELF_JOIN = ("SELECT a.local_port, a.remote_port, f.pid FROM proc_tcp a JOIN proc_tcp b "
             "ON b.local_port = a.remote_port AND b.remote_port = a.local_port AND "
             "b.local_address = a.remote_address AND b.remote_address = a.local_address "
             "LEFT JOIN proc_fd f ON f.inode = b.inode")
# The same with the outer side narrowed: the inner side then asks the
# kernel other ports for each outer row (one dump per row, minutes at 50k,
# until the source switched to whole dumps after the first filtered one).
SELF_JOIN_NARROWED = SELF_JOIN + " WHERE a.state = 'ESTABLISHED'"


# proc_fd's two sources side by side (README "Sources"): the scan and the
# owner join read only columns the BPF iterator fills, so 'auto' would take
# it; each command names its source. The floor is the C readlink walk.
FD_SCAN = "SELECT count(*), sum(inode) FROM %s"
FD_JOIN = ("SELECT f.pid, f.fd, t.state, t.local_port, t.remote_port "
           "FROM proc_tcp t JOIN %s f ON f.inode = t.inode")


def fd_source_commands(b):
    def on(source, query):
        return b.sql("CREATE VIRTUAL TABLE temp.fdx USING proc_fd(source='%s'); %s"
                     % (source, query % "fdx"))
    return [
        ("floor fdwalk", b.bins["fdwalk"]),
        ("floor cat", "cat /proc/net/tcp /proc/net/tcp6"),
        ("fd scan bpf", on("bpf", FD_SCAN)),
        ("fd scan proc", on("proc", FD_SCAN)),
        ("owner join bpf", on("bpf", FD_JOIN)),
        ("owner join proc", on("proc", FD_JOIN)),
    ]


def shape_commands(b, pid):
    return [
        ("proctab scan", b.sql("SELECT count(*) FROM proc_tcp")),
        ("proctab correlated", b.sql(
            "SELECT f.fd, (SELECT t.state FROM proc_tcp t WHERE t.inode = f.inode) "
            "FROM proc_fd f WHERE f.pid = %d" % pid)),
        ("proctab left join", b.sql(
            "SELECT f.fd, t.state FROM proc_fd f LEFT JOIN proc_tcp t ON t.inode = f.inode "
            "WHERE f.pid = %d" % pid)),
        ("proctab exists", b.sql(
            "SELECT count(*) FROM proc_fd f WHERE EXISTS (SELECT 1 FROM proc_tcp t "
            "WHERE t.inode = f.inode AND t.state = 'ESTABLISHED')")),
        ("proctab in", b.sql(
            "SELECT count(*) FROM proc_fd f WHERE f.inode IN (SELECT inode FROM proc_tcp "
            "WHERE state = 'ESTABLISHED')")),
        ("proctab self-join", b.sql(SELF_JOIN)),
        ("proctab self-join narrowed", b.sql(SELF_JOIN_NARROWED)),
    ]


def files_commands(b, pid):
    return [
        ("proctab maps", b.sql("SELECT count(*), sum(size) FROM proc_maps")),
        ("floor cat maps", "sh -c 'cat /proc/[0-9]*/maps 2>/dev/null; true'"),
        ("proctab files PID", b.sql("SELECT * FROM lsof WHERE pid = %d" % pid, "lsof.sql")),
        ("lsof -p PID", "lsof -nP -p %d" % pid),
        ("proctab deleted files", b.sql("SELECT pid, fd, path, size FROM proc_fd "
                                        "WHERE deleted = 1 AND links = 0")),
        ("lsof +L1", "lsof -nP +L1"),
        ("proctab locks", b.sql("SELECT * FROM proc_locks")),
        ("lslocks", "lslocks"),
    ]


# Issue 10: the sources of proc_tcp (sock_diag by default, /proc text with
# source='proc') against the floors and the peers asked the same question.
SOURCES_JOIN = ("SELECT f.pid, f.fd, t.state, t.local_port, t.remote_port "
                "FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode")


def sources_commands(b):
    return [
        ("floor cat", "cat /proc/net/tcp /proc/net/tcp6"),
        ("floor fdwalk", b.bins["fdwalk"]),
        ("proctab listening", b.sql("SELECT local_address, local_port FROM proc_tcp "
                                    "WHERE state = 'LISTEN'")),
        ("proctab count", b.sql("SELECT count(*) FROM proc_tcp")),
        ("proctab owner join", b.sql(SOURCES_JOIN)),
        ("proctab listeners owners", b.sql(
            "SELECT f.pid, f.fd, t.local_address, t.local_port FROM proc_tcp t "
            "JOIN proc_fd f ON f.inode = t.inode WHERE t.state = 'LISTEN'")),
        ("proctab tcp_info", b.sql("SELECT local_port, remote_port, rtt_us, snd_cwnd, "
                                   "total_retrans, bytes_acked, delivery_rate FROM proc_tcp")),
        ("ss -tin", "ss -tin"),
        ("psutil", "/usr/bin/python3 " + os.path.join(HERE, "peer_psutil.py")),
        ("ss -tanp", "ss -tanp"),
        ("proctab scan source=proc", b.sql(
            "CREATE VIRTUAL TABLE temp.t USING proc_tcp(source='proc'); "
            "SELECT count(*) FROM t")),
    ]


def sources_report(r):
    """The issue-10 figures: (label, measured ratio, target op, target)."""
    med = {k: v["median"] for k, v in r.items()}
    floors = med["floor cat"] + med["floor fdwalk"]
    return [
        ("`state = 'LISTEN'` / cat", med["proctab listening"] / med["floor cat"], "<=", 0.1),
        ("`count(*)` / cat", med["proctab count"] / med["floor cat"], "<=", 0.85),
        ("owner join / (cat + readlink walk)", med["proctab owner join"] / floors, "<=", 0.6),
        ("listeners with owners / (cat + readlink walk)",
         med["proctab listeners owners"] / floors, "<=", 0.3),
        ("rtt, cwnd, retrans, bytes_acked, delivery_rate / `ss -tin`",
         med["proctab tcp_info"] / med["ss -tin"], "<=", 0.5),
        ("psutil / owner join", med["psutil"] / med["proctab owner join"], ">=", 4),
        ("`ss -tanp` / owner join", med["ss -tanp"] / med["proctab owner join"], ">=", 8),
        ("`source='proc'` scan / cat", med["proctab scan source=proc"] / med["floor cat"],
         "<=", 1.15),
    ]


def floor_commands(b):
    return [
        ("floor cat", "cat /proc/net/tcp /proc/net/tcp6"),
        ("floor fdwalk", b.bins["fdwalk"]),
    ]


def measure_join(b, n_label):
    """The join against its floors and peers, at the current socket count."""
    return b.hyperfine(floor_commands(b) + join_commands(b), "join-%s" % n_label)


def find_socket_inode(pid):
    fdd = "/proc/%d/fd" % pid
    names = sorted(os.listdir(fdd), key=int)
    for fd in names[len(names) // 2:] + names:
        try:
            t = os.readlink(os.path.join(fdd, fd))
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", t)
        if m:
            return int(m.group(1))
    raise RuntimeError("no socket in pid %d" % pid)


def unix_suite(b, n):
    """proc_unix over UNIX_DIAG against /proc/net/unix text and ss -xa, with N
    UNIX sockets held by bench/unix_holder.py processes (quick sanity numbers:
    issue 10's proc_unix case)."""
    holder = os.path.join(HERE, "unix_holder.py")
    sockdir = tempfile.mkdtemp(prefix="proctab-bench-unix-")
    procs, held = [], 0
    try:
        k = max(1, math.ceil(n / 8000))
        for i in range(k):
            p, words = spawn_ready([sys.executable, holder, str(i), str(n // k), sockdir])
            procs.append(p)
            held += int(words[0])
        log("unix holders: %d processes, %d UNIX sockets" % (k, held))

        def q(source, where=""):
            return b.sql("CREATE VIRTUAL TABLE temp.u USING proc_unix(source='%s'); "
                         "SELECT count(*), count(path) FROM u%s" % (source, where))
        cmds = [
            ("floor cat unix", "cat /proc/net/unix"),
            ("ss -xa", "ss -xaH"),
            ("proctab unix netlink", q("netlink")),
            ("proctab unix proc", q("proc")),
            ("proctab unix listening netlink", q("netlink", " WHERE listening")),
            ("proctab unix listening proc", q("proc", " WHERE listening")),
            ("proctab unix peers netlink",
             b.sql("SELECT count(*) FROM proc_unix a JOIN proc_unix p ON p.inode = a.peer_inode")),
        ]
        res = b.hyperfine(cmds, "unix")
        res["_sockets"] = held
        return res
    finally:
        stop(procs)
        shutil.rmtree(sockdir, ignore_errors=True)


def full_suite(b, holders):
    res = {}
    # startup cost of the shell + extension load, for reading the rest
    res["startup"] = b.hyperfine([("proctab SELECT 1", b.sql("SELECT 1"))], "startup")
    # 1. scan
    q_scan = b.sql("SELECT count(*) FROM proc_tcp")
    res["scan"] = b.hyperfine([("floor cat", "cat /proc/net/tcp /proc/net/tcp6"),
                               ("proctab scan", q_scan)], "scan")
    # 2. fd walk
    q_fd = b.sql("SELECT count(target), sum(length(target)) FROM proc_fd")
    res["fd"] = b.hyperfine([("floor fdwalk", b.bins["fdwalk"]),
                             ("proctab fd walk", q_fd)], "fdwalk")
    # 2b. proc_fd's sources: the BPF iterator against the walk
    res["fd_sources"] = b.hyperfine(fd_source_commands(b), "fd-sources")
    # 3. join
    res["join"] = measure_join(b, "main")
    # 6. peak RSS during the join (and, for context, of each peer)
    rss_runs = 2 if b.args.quick else 5
    res["rss"] = {}
    for name, cmd in join_commands(b):
        slow = res["join"][name]["runs"] == 1 and not b.args.quick
        if res["join"][name].get("timed_out"):
            res["rss"][name] = {"median_kib": float("nan"), "max_kib": float("nan")}
            continue
        res["rss"][name] = b.peak_rss(cmd, rss_runs if name.startswith("proctab") and not slow else 1)
        log("  peak RSS %-16s %.1f MiB" % (name, res["rss"][name]["max_kib"] / 1024))
    # 5. one socket by inode
    inode = find_socket_inode(holders.pids()[0])
    q_one = b.sql("SELECT state FROM proc_tcp WHERE inode = %d" % inode)
    res["inode"] = b.hyperfine([("proctab by inode", q_one)], "inode")
    if not res["inode"]["proctab by inode"]["rows"]:
        raise RuntimeError("proctab returned no row for socket inode %d" % inode)
    res["inode_value"] = inode
    # 7. query shapes: each pair asks one question two ways, side by side.
    # Every shape reads each file once per statement (a shared snapshot), and
    # every pushed-down equality is an index lookup.
    res["shapes"] = b.hyperfine(shape_commands(b, holders.pids()[0]), "shapes")
    for name, _ in shape_commands(b, holders.pids()[0]):
        if not res["shapes"][name]["rows"]:
            raise RuntimeError("%s returned no rows" % name)
    # 8. the lsof / lslocks questions, each beside the tool that answers it
    res["files"] = b.hyperfine(files_commands(b, holders.pids()[0]), "files")
    # 9. issue 10: sock_diag against /proc text, the floors and the peers
    res["sources"] = b.hyperfine(sources_commands(b), "sources")
    for name in ("proctab listening", "proctab owner join", "proctab tcp_info"):
        if not res["sources"][name]["rows"]:
            raise RuntimeError("%s returned no rows" % name)
    # 10. proc_unix: netlink vs /proc text vs ss -xa
    res["unix"] = unix_suite(b, b.args.unix_sockets)
    # 4. one process, with few and with many other processes alive
    target, _ = spawn_ready([b.bins["sleeper"], "1"])
    try:
        q_pid = b.sql("SELECT * FROM proc_fd WHERE pid = %d" % target.pid)
        few = nproc_alive() - 1
        r_few = b.hyperfine([("proctab one pid", q_pid)], "onepid-few")
        if not r_few["proctab one pid"]["rows"]:
            raise RuntimeError("proctab returned no fd for pid %d" % target.pid)
        rows0 = r_few["proctab one pid"]["rows"]
        # Alternate: a few runs with the sleepers absent, then present, for
        # several rounds, so drifting background load hits both alike.
        acc = {"few": ([], [], []), "many": ([], [], [])}
        warm = 0 if b.args.quick else b.args.warmup
        many = few
        for r in range(warm + b.args.runs):
            for cond in ("few", "many"):
                sl = None
                if cond == "many":
                    sl, _ = spawn_ready([b.bins["sleeper"], str(b.args.others)])
                    many = nproc_alive() - 1
                try:
                    js = os.path.join(b.workdir, "hf-onepid-%s-%d.json" % (cond, r))
                    res1 = b._hf(["hyperfine", "-N", "--style", "basic", "--runs", "3",
                                  "--export-json", js, "-n", "proctab one pid " + cond, q_pid],
                                 "onepid %s round %d" % (cond, r), js)[0]
                finally:
                    if sl is not None:
                        stop([sl])
                if r < warm:
                    continue
                t, c, e = acc[cond]
                t.extend(res1["times"])
                c.append((res1.get("user") or 0) + (res1.get("system") or 0))
                e.extend(res1.get("exit_codes") or [])
        r_few = {"proctab one pid": b._result("proctab one pid", q_pid, *acc["few"])}
        r_many = {"proctab one pid": b._result("proctab one pid", q_pid, *acc["many"])}
        for cond, rr, k in (("few", r_few, few), ("many", r_many, many)):
            log("  one pid, %d others: median %.2f ms (%d runs)" % (
                k, 1e3 * rr["proctab one pid"]["median"], rr["proctab one pid"]["runs"]))
        res["onepid"] = {"few": r_few["proctab one pid"], "many": r_many["proctab one pid"],
                         "others_few": few, "others_many": many,
                         "rows": rows0}
    finally:
        stop([target])
    return res


# ---------------------------------------------------------------- reporting


def machine_info(args):
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
            mem = "%.1f GiB" % (kib / 1024 / 1024)
    except Exception:
        pass

    def cmd_out(c):
        try:
            return subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True).stdout.strip().splitlines()[0]
        except Exception:
            return "?"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(), "cpu": model, "memory": mem,
        "kernel": platform.release(),
        "os": cmd_out(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "sqlite3": cmd_out(["sqlite3", "--version"]).split()[0],
        "hyperfine": cmd_out(["hyperfine", "--version"]),
        "commit": cmd_out(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]),
        "load_start": "%.2f %.2f %.2f" % os.getloadavg(),
        "dirty": bool(cmd_out(["git", "-C", REPO, "status", "--porcelain", "--", "ext", "CMakeLists.txt"]) not in ("", "?")),
    }


def ms(x):
    return "%.2f" % (1e3 * x) if x < 10 else "%.0f" % (1e3 * x)


def verdict(value, op, goal):
    if value is None:
        return "n/a"
    ok = value <= goal if op == "<=" else value >= goal
    return "**pass**" if ok else "**MISS**"


def report(args, info, main, scaling):
    L = []
    L.append("# proctab benchmark%s" % (" (QUICK MODE: smoke test, numbers meaningless)"
                                         if args.quick else ""))
    L.append("")
    L.append("Machine: %s cores (%s), %s RAM, kernel %s, %s; sqlite3 %s, %s; "
             "proctab commit %s%s; run %s." % (
                 info["cores"], info["cpu"], info["memory"], info["kernel"], info["os"],
                 info["sqlite3"], info["hyperfine"], info["commit"],
                 " (+uncommitted changes)" if info["dirty"] else "", info["date"]))
    L.append("")
    L.append("Load average (1, 5, 15 min) at start: %s; at end: %s%s" % (
        info["load_start"], info.get("load_end", "?"),
        " — **the machine was busy: expect noisy figures**" if max(
            float(info["load_start"].split()[0]), float(info.get("load_end", "0 0 0").split()[0]))
        > 0.5 * (info["cores"] or 1) else ""))
    L.append("")
    n = main["n_sockets"]
    how = ("hyperfine per command (warm-up %d, at least %d runs)" % (args.warmup, args.runs)
           if args.sequential else
           "%d round-robin rounds after %d warm-up round(s), each command run once per "
           "round by `hyperfine -N --runs 1`" % (args.runs, 0 if args.quick else args.warmup))
    L.append("Sockets held: %d (%d holder processes; %d rows in /proc/net/tcp{,6}). "
             "Times are medians over %s, in ms, wall clock of the whole command "
             "(process start included)." % (n, main["holders"], main["tcp_rows"], how))
    L.append("")
    s = main["suite"]
    start = s["startup"]["proctab SELECT 1"]["median"]
    cat = s["scan"]["floor cat"]["median"]
    fdw = s["fd"]["floor fdwalk"]["median"]
    j = s["join"]
    join = j["proctab join"]["median"]
    L.append("## Medians")
    L.append("")
    L.append("| what | command | median ms | CPU ms | runs | rows out |")
    L.append("|---|---|---:|---:|---:|---:|")

    def row(what, r, rows=None):
        if rows is None:
            rows = " ".join(r.get("output", [])) if r.get("rows") == 1 else str(r.get("rows", ""))
        note = " (%s)" % r["note"] if r.get("note") else ""
        L.append("| %s | `%s` | %s%s | %s | %d | %s |" % (
            what, r["command"].replace("|", "\\|"), ms(r["median"]), note,
            "—" if r.get("cpu") is None else ms(r["cpu"]), r["runs"],
            rows.replace("|", "\\|")))
    row("sqlite3 + .load, `SELECT 1` (startup)", s["startup"]["proctab SELECT 1"])
    row("1. scan: proctab", s["scan"]["proctab scan"])
    row("1. scan: floor", s["scan"]["floor cat"])
    row("2. fd walk: proctab", s["fd"]["proctab fd walk"])
    row("2. fd walk: floor (bench/fdwalk.c)", s["fd"]["floor fdwalk"])
    fs = s.get("fd_sources", {})
    for name in ("fd scan bpf", "fd scan proc", "owner join bpf", "owner join proc"):
        if name in fs:
            row("2b. proc_fd source: " + name, fs[name])
    for name in ("proctab join", "psutil", "ss -tanp", "netstat -tanp", "lsof -nP -iTCP"):
        row("3. join: " + name, j[name])
    o = s["onepid"]
    row("4. one pid, %d other processes" % o["others_few"], o["few"], str(o["rows"]))
    row("4. one pid, %d other processes" % o["others_many"], o["many"], str(o["rows"]))
    row("5. state of one socket by inode", s["inode"]["proctab by inode"])
    sh = s["shapes"]
    for name in ("proctab scan", "proctab correlated", "proctab left join", "proctab exists",
                 "proctab in", "proctab self-join", "proctab self-join narrowed"):
        row("7. shapes: " + name[len("proctab "):], sh[name])
    for name in s.get("files", {}):
        row("8. lsof questions: " + name, s["files"][name])
    L.append("")
    for name in ("proctab unix netlink", "proctab unix proc", "floor cat unix", "ss -xa",
                 "proctab unix listening netlink", "proctab unix listening proc",
                 "proctab unix peers netlink"):
        if name in s.get("unix", {}):
            row("10. proc_unix (%d UNIX sockets): %s" % (s["unix"]["_sockets"], name),
                s["unix"][name])
    L.append("CPU ms = user + system time of the command (hyperfine's means): less "
             "sensitive than wall time to other load on the machine.")
    L.append("")
    L.append("Peak RSS (GNU time %%M, max of runs): proctab join %.1f MiB; psutil %.1f; "
             "ss %.1f; netstat %.1f; lsof %.1f MiB." % tuple(
                 s["rss"][k]["max_kib"] / 1024 for k in
                 ("proctab join", "psutil", "ss -tanp", "netstat -tanp", "lsof -nP -iTCP")))
    L.append("")

    L.append("## Ratios and targets (N = %d%s)" % (n, "; targets are set for N = 50,000" if args.sockets != 50000 else ""))
    L.append("")
    L.append("| ratio | value (wall) | target | result | same ratio on CPU time |")
    L.append("|---|---:|---:|---|---:|")
    rss = s["rss"]["proctab join"]["max_kib"] / 1024
    scal = None
    if scaling and 10000 in scaling and 100000 in scaling:
        scal = scaling[100000]["proctab join"]["median"] / scaling[10000]["proctab join"]["median"]
    def cr(a, *bs):
        """The same ratio on CPU time (user + sys), when all are known."""
        if a.get("cpu") is None or any(x.get("cpu") is None for x in bs):
            return None
        den = sum(x["cpu"] for x in bs)
        return a["cpu"] / den if den else None
    scal_cpu = None
    if scal is not None:
        scal_cpu = cr(scaling[100000]["proctab join"], scaling[10000]["proctab join"])
    pj = j["proctab join"]
    targets = [
        ("scan / floor (cat)", s["scan"]["proctab scan"]["median"] / cat, "<=", 1.15,
         cr(s["scan"]["proctab scan"], s["scan"]["floor cat"])),
        ("fd scan, source bpf / floor (fdwalk)",
         s["fd_sources"]["fd scan bpf"]["median"] / s["fd_sources"]["floor fdwalk"]["median"],
         "<=", 0.5, cr(s["fd_sources"]["fd scan bpf"], s["fd_sources"]["floor fdwalk"])),
        ("fd scan, source proc / floor (fdwalk)",
         s["fd_sources"]["fd scan proc"]["median"] / s["fd_sources"]["floor fdwalk"]["median"],
         "<=", 1.15, cr(s["fd_sources"]["fd scan proc"], s["fd_sources"]["floor fdwalk"])),
        ("owner join, source bpf / (cat + fdwalk)",
         s["fd_sources"]["owner join bpf"]["median"] / (s["fd_sources"]["floor cat"]["median"]
                                                         + s["fd_sources"]["floor fdwalk"]["median"]),
         "<=", 0.6, cr(s["fd_sources"]["owner join bpf"], s["fd_sources"]["floor cat"],
                       s["fd_sources"]["floor fdwalk"])),
        ("fd walk / floor (fdwalk)", s["fd"]["proctab fd walk"]["median"] / fdw, "<=", 1.15,
         cr(s["fd"]["proctab fd walk"], s["fd"]["floor fdwalk"])),
        ("join / (cat + fdwalk)", join / (j["floor cat"]["median"] + j["floor fdwalk"]["median"]),
         "<=", 1.25, cr(pj, j["floor cat"], j["floor fdwalk"])),
        ("psutil / join", j["psutil"]["median"] / join, ">=", 2.5, cr(j["psutil"], pj)),
        ("ss -tanp / join", j["ss -tanp"]["median"] / join, ">=", 4, cr(j["ss -tanp"], pj)),
        ("one pid: %d others / %d others" % (o["others_many"], o["others_few"]),
         o["many"]["median"] / o["few"]["median"], "<=", 1.2, cr(o["many"], o["few"])),
        ("peak RSS of join, MiB", rss, "<=", 40, None),
        ("join time 100k / 10k sockets", scal, "<=", 11, scal_cpu),
        ("correlated subquery / LEFT JOIN form", sh["proctab correlated"]["median"]
         / sh["proctab left join"]["median"], "<=", 1.3,
         cr(sh["proctab correlated"], sh["proctab left join"])),
        ("EXISTS / IN form", sh["proctab exists"]["median"] / sh["proctab in"]["median"],
         "<=", 1.3, cr(sh["proctab exists"], sh["proctab in"])),
        ("4-tuple self-join with owners / scan", sh["proctab self-join"]["median"]
         / sh["proctab scan"]["median"], "<=", 3, cr(sh["proctab self-join"], sh["proctab scan"])),
        ("the same, outer side narrowed by state / scan", sh["proctab self-join narrowed"]["median"]
         / sh["proctab scan"]["median"], "<=", 3,
         cr(sh["proctab self-join narrowed"], sh["proctab scan"])),
    ]
    for what, v, op, goal, c in targets:
        L.append("| %s | %s | %s %s | %s | %s |" % (
            what, "—" if v is None else "%.2f" % v, "≤" if op == "<=" else "≥", goal,
            verdict(v, op, goal) if v is not None else "n/a (run --scaling)",
            "—" if c is None else "%.2f" % c))
    L.append("")
    L.append("Context (not targets): netstat -tanp / join = %.2f; lsof / join = %.2f; "
             "startup (`SELECT 1`) = %s ms of the join's %s ms; by-inode lookup / scan = %.2f." % (
                 j["netstat -tanp"]["median"] / join, j["lsof -nP -iTCP"]["median"] / join,
                 ms(start), ms(join),
                 s["inode"]["proctab by inode"]["median"] / s["scan"]["proctab scan"]["median"]))
    L.append("")
    if "files" in s:
        f = s["files"]
        L.append("Context, the lsof questions (8, not targets): maps scan / cat of every maps = "
                 "%.2f; lsof -p / proctab files of a holder (%s descriptors) = %.2f; "
                 "lsof +L1 / deleted files = %.2f; lslocks / proc_locks = %.2f." % (
                     f["proctab maps"]["median"] / f["floor cat maps"]["median"],
                     f["lsof -p PID"]["rows"], f["lsof -p PID"]["median"]
                     / f["proctab files PID"]["median"],
                     f["lsof +L1"]["median"] / f["proctab deleted files"]["median"],
                     f["lslocks"]["median"] / f["proctab locks"]["median"]))
        L.append("")
    if "unix" in s:
        L.append(unix_ratios(s["unix"]))
        L.append("")
    if scaling:
        L.append("## Scaling (join and peers, median ms)")
        L.append("")
        names = ["proctab join", "floor cat", "floor fdwalk", "psutil", "ss -tanp",
                 "netstat -tanp", "lsof -nP -iTCP"]
        L.append("| sockets held | rows in /proc/net/tcp* | " + " | ".join(names)
                 + " | join/(floors) | psutil/join | ss/join |")
        L.append("|---:|---:|" + "---:|" * (len(names) + 3))
        for k in sorted(scaling):
            r = scaling[k]
            jn = r["proctab join"]["median"]
            L.append("| %d | %d | %s | %.2f | %.2f | %.2f |" % (
                r["_sockets"], r["floor cat"].get("rows", 2) - 2,
                " | ".join(ms(r[x]["median"]) for x in names),
                jn / (r["floor cat"]["median"] + r["floor fdwalk"]["median"]),
                r["psutil"]["median"] / jn, r["ss -tanp"]["median"] / jn))
        L.append("")
        L.append("Rows in /proc/net/tcp* above the sockets held belong to other processes "
                 "(the system, other test runs): they are part of what every tool reads.")
        L.append("")
    src = main["suite"].get("sources")
    if src:
        L.append("## Sources of proc_tcp (issue 10: sock_diag by default, /proc text with "
                 "source='proc')")
        L.append("")
        L.append("| figure | measured | target | |")
        L.append("| --- | ---: | ---: | --- |")
        for label, value, op, goal in sources_report(src):
            L.append("| %s | %.3f | %s %g | %s |" % (label, value, op.replace("<=", "≤")
                                                      .replace(">=", "≥"), goal,
                                                      verdict(value, op, goal)))
        L.append("")
        L.append("Medians (ms): " + ", ".join("%s %s" % (k, ms(v["median"]))
                                             for k, v in src.items()))
        L.append("")
    return "\n".join(L) + "\n"


def unix_ratios(u):
    """The proc_unix ratios (context, issue 10: quick sanity numbers)."""
    m = {k: v["median"] for k, v in u.items() if isinstance(v, dict)}
    return ("proc_unix, %d UNIX sockets (10, context): netlink scan / cat /proc/net/unix = %.2f; "
            "proc scan / cat = %.2f; netlink / ss -xa = %.2f; listening netlink / proc = %.2f; "
            "peer self-join / netlink scan = %.2f." % (
                u["_sockets"], m["proctab unix netlink"] / m["floor cat unix"],
                m["proctab unix proc"] / m["floor cat unix"],
                m["proctab unix netlink"] / m["ss -xa"],
                m["proctab unix listening netlink"] / m["proctab unix listening proc"],
                m["proctab unix peers netlink"] / m["proctab unix netlink"]))


def plot(path, scaling, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ks = sorted(scaling)
    xs = [scaling[k]["_sockets"] for k in ks]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for name, style in (("proctab join", "o-"), ("psutil", "s--"), ("ss -tanp", "^--"),
                        ("netstat -tanp", "v--"), ("lsof -nP -iTCP", "d--")):
        ax.plot(xs, [1e3 * scaling[k][name]["median"] for k in ks], style, label=name,
                linewidth=2.5 if name.startswith("proctab") else 1.2)
    ax.plot(xs, [1e3 * (scaling[k]["floor cat"]["median"] + scaling[k]["floor fdwalk"]["median"])
                 for k in ks], "kx:", label="floor (cat + fdwalk)")
    ax.set_xlabel("TCP sockets held")
    ax.set_ylabel("median wall time, ms (log)")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: N=2000, 2 runs, no warm-up; results to bench/results/quick")
    ap.add_argument("--scaling", action="store_true",
                    help="also measure the join and peers at 10k, 25k, 50k, 100k sockets")
    ap.add_argument("-n", "--sockets", type=int, default=None, help="sockets to hold (default 50000)")
    ap.add_argument("--points", default="10000,25000,50000,100000",
                    help="socket counts for --scaling (comma separated)")
    ap.add_argument("--runs", type=int, default=None, help="minimum timed runs per command (default 7)")
    ap.add_argument("--warmup", type=int, default=1, help="warm-up runs (rounds) discarded")
    ap.add_argument("--sequential", action="store_true",
                    help="let hyperfine run all runs of one command before the next "
                         "(default: round-robin rounds, one run of each command per round)")
    ap.add_argument("--slow", type=float, default=20.0,
                    help="a command whose first run takes longer is timed once, not repeated")
    ap.add_argument("--timeout", type=int, default=300, help="give up on one run after this many seconds")
    ap.add_argument("--others", type=int, default=2000, help="sleeping processes for test 4")
    ap.add_argument("--unix-sockets", type=int, default=None,
                    help="UNIX sockets held for the proc_unix case (default 20000)")
    ap.add_argument("--unix-only", action="store_true",
                    help="run only the proc_unix case (netlink vs proc vs ss -xa) and print it")
    ap.add_argument("--build-dir", default=os.environ.get("PROCTAB_BUILD_DIR", os.path.join(REPO, "build")))
    ap.add_argument("--no-build", action="store_true", help="use the existing build")
    ap.add_argument("--out", default=None, help="results directory (default bench/results)")
    args = ap.parse_args()
    if args.quick:
        args.sockets = args.sockets or 2000
        args.runs = args.runs or 2
        args.others = min(args.others, 200) if args.others == 2000 else args.others
        args.points = "1000,2000" if args.points == "10000,25000,50000,100000" else args.points
        args.out = args.out or os.path.join(HERE, "results", "quick")
    args.unix_sockets = args.unix_sockets or (2000 if args.quick else 20000)
    args.sockets = args.sockets or 50000
    args.runs = args.runs or 7
    args.out = os.path.abspath(args.out or os.path.join(HERE, "results"))
    args.build_dir = os.path.abspath(args.build_dir)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    for tool in ("hyperfine", "sqlite3", "cmake", "ss", "netstat", "lsof", "/usr/bin/time"):
        if not shutil.which(tool):
            raise SystemExit("missing tool: %s (see bench/README.md for the packages)" % tool)
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except Exception:
        pass

    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="proctab-bench-")
    try:
        ext, bins = build(args)
        info = machine_info(args)
        b = Bench(args, ext, bins, workdir)
        if args.unix_only:
            u = unix_suite(b, args.unix_sockets)
            for name, r in sorted((k, v) for k, v in u.items() if isinstance(v, dict)):
                print("%-32s median %8.2f ms  rows %s" % (name, 1e3 * r["median"],
                                                            " ".join(r.get("output", []))))
            print(unix_ratios(u))
            return
        t0 = time.time()
        scaling = {}
        holders = Holders(bins["holder"], args.sockets)
        try:
            main_res = {"n_sockets": holders.sockets, "holders": holders.k,
                        "tcp_rows": tcp_rows(), "setup_s": holders.setup_s}
            main_res["suite"] = full_suite(b, holders)
            j = dict(main_res["suite"]["join"])
            j["_sockets"] = holders.sockets
            scaling[args.sockets] = j
        finally:
            holders.close()
        if args.scaling:
            for k in [int(x) for x in args.points.split(",") if x.strip()]:
                if k in scaling:
                    continue
                h = Holders(bins["holder"], k)
                try:
                    r = measure_join(b, str(k))
                    r["_sockets"] = h.sockets
                    scaling[k] = r
                finally:
                    h.close()
        info["load_end"] = "%.2f %.2f %.2f" % os.getloadavg()
        md = report(args, info, main_res, scaling if args.scaling else None)
        print(md)
        with open(os.path.join(args.out, "latest.md"), "w") as fh:
            fh.write(md)
        with open(os.path.join(args.out, "latest.json"), "w") as fh:
            json.dump({"machine": info, "args": vars(args), "main": main_res,
                       "scaling": {str(k): v for k, v in scaling.items()}}, fh, indent=1)
        png = os.path.join(args.out, "scaling.png" if args.scaling else "join.png")
        plot(png, scaling, "proctab join vs peers (%s cores, kernel %s)" % (info["cores"], info["kernel"]))
        shutil.copy(os.path.join(workdir, "hyperfine.log"), os.path.join(args.out, "hyperfine.log"))
        log("wrote %s/latest.md, latest.json, %s, hyperfine.log (%.0fs)"
            % (args.out, os.path.basename(png), time.time() - t0))
    finally:
        cleanup_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
