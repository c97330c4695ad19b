#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz corpora (fuzz/corpus/<target>/seed-*).

Seeds are real shapes of each format: every tcp row kind (full socket,
SYN_RECV request, TIME_WAIT / FIN_WAIT2 timewait) in both families, the
header with the kernel's padding, future longer lines, and malformed lines;
every kind of fd link target; fdinfo of files, epoll, eventfd, inotify;
maps and smaps of every mapping kind and odd names; /proc/locks with waiters;
net/packet and net/netlink; passwd and group files; cgroup v1, v2, hybrid;
task_file records of every kind of file (kernel/bpf/task_file_record.h).
Run once after changing it; fuzzing adds (minimized) inputs beside them.
usage: fuzz/seeds.py  (from anywhere)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

HDR4 = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
        "   uid  timeout inode" + " " * 53 + "\n")
HDR6 = ("  sl  local_address                         remote_address                "
        "        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
V4 = {
    "listen": "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 ffff000000000001 100 0 0 10 0" + " " * 20,
    "established": "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 1002 1 ffff000000000002 20 4 30 10 -1",
    "retransmit": "  12: 0A000001:0016 C0A80001:D431 01 000000A0:00000000 01:00000014 00000002     0        0 99 2 000000008d40df59 408 40 1 7 5",
    "timewait": "   3: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00000BB8 00000000     0        0 0 3 0000000000000000",
    "finwait2": "   7: 0100007F:C353 0100007F:1F90 05 00000000:00000000 03:00000BB8 00000000     0        0 0 3 0000000000000000",
    "request": "   4: 0100007F:1F90 0100007F:C352 03 00000000:00000000 01:00000064 00000001  1000        0 0 0 0000000000000000",
    "future": "   5: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1005 1 ffff000000000001 100 0 0 10 0 77 88",
    "wide": "10000: FFFFFFFF:FFFF FFFFFFFF:FFFF FF FFFFFFFF:FFFFFFFF 04:FFFFFFFF 0000FFFF 4294967295 -2147483648 18446744073709551615 2147483647 ffffffffffffffff 18446744073709551615 0 511 4294967295 2147483647",
}
V6 = {
    "listen6": "   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 2001 1 0000000000000000 100 0 0 10 0",
    "mapped6": "   1: 0000000000000000FFFF00000100007F:1538 0000000000000000FFFF00000100007F:D431 08 00000000:00000000 00:00000000 00000000   999        0 2002 1 0000000000000000 20 4 30 10 -1",
    "timewait6": "   2: 00000000000000000000000001000000:1538 00000000000000000000000001000000:D432 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000",
}
MALFORMED = [
    "   5: this line is broken",
    "   6: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1",
    "   7: 0100007F:1F90:00 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 ffff 100 0 0 10 0",
    "   8: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 ffff 100 0 -1 10 0",
    "   9: 0100007F:1F90 00000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 0 3 0000000000000000",
    "  10: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 ffff 100 0 1024 10 0",
    ":",
    "",
]


def write(target, name, data):
    # fuzz_tcp_chunks reads the same format as fuzz_tcp.
    for t in [target, "tcp_chunks"] if target == "tcp" else [target]:
        d = os.path.join(HERE, "corpus", t)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())


def main():
    # fuzz_tcp: first byte = family (even 4, odd 6), then the file.
    for name, line in V4.items():
        write("tcp", "v4-" + name, "4" + HDR4 + line + "\n")
    for name, line in V6.items():
        write("tcp", "v6-" + name, "7" + HDR6 + line + "\n")
    write("tcp", "v4-all", "4" + HDR4 + "\n".join(V4.values()) + "\n")
    write("tcp", "v6-all", "7" + HDR6 + "\n".join(V6.values()) + "\n")
    write("tcp", "v4-header-only", "4" + HDR4)
    write("tcp", "v4-no-header", "4" + V4["listen"])
    write("tcp", "v4-crlf", "4" + HDR4.replace("\n", "\r\n") + V4["established"] + "\r\n")
    for i, line in enumerate(MALFORMED):
        write("tcp", "malformed-%d" % i, "4" + HDR4 + line + "\n" + V4["listen"] + "\n")
    write("tcp", "v6-in-v4-file", "4" + HDR4 + V6["listen6"] + "\n")

    targets = {
        "socket": "socket:[991308]", "pipe": "pipe:[991526]", "eventfd": "anon_inode:[eventfd]",
        "eventpoll": "anon_inode:[eventpoll]", "inotify": "anon_inode:inotify",
        "file": "/dev/null", "deleted": "/tmp/gone (deleted)",
        "memfd": "/memfd:wayland-shm (deleted)", "netns": "net:[4026531840]",
        "spaces": "/tmp/a file with  spaces", "only-deleted": " (deleted)",
        "root": "/", "socket-empty": "socket:[]", "socket-huge": "socket:[18446744073709551616]",
        "nonutf8": b"/tmp/\xff\xfe\xc3(", "nul": b"/tmp/a\x00b", "relative": "tmp/x",
    }
    for name, t in targets.items():
        write("fd_target", name, t)

    infos = {
        "file": "pos:\t0\nflags:\t0100000\nmnt_id:\t23\nino:\t3\n",
        "write": "pos:\t12\nflags:\t0100001\nmnt_id:\t30\nino:\t55\n",
        "old-kernel": "pos:\t4096\nflags:\t02\nmnt_id:\t11\n",
        "eventfd": "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\neventfd-count:                0\neventfd-id: 3\n",
        "epoll": "pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t1057\ntfd:        5 events:       19 data:                5  pos:0 ino:2f3 sdev:8\n",
        "inotify": "pos:\t0\nflags:\t00\nmnt_id:\t15\nino:\t1057\ninotify wd:1 ino:2 sdev:800001 mask:fc6 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:02000000\n",
        "negative": "pos:\t-1\nflags:\t99\nmnt_id:\t-5\nino:\t-1\n",
        "huge": "pos:\t9223372036854775808\nflags:\t077777777777\nmnt_id:\t99999999999999999999\n",
    }
    for name, t in infos.items():
        write("fdinfo", name, t)

    udp_hdr = ("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
               "   uid  timeout inode ref pointer drops\n")
    udp = {
        "v4": "4" + udp_hdr + "  123: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 20613 2 0000000000000000 0\n",
        "v4-connected": "4" + udp_hdr + " 1042: 0100007F:D6E8 0100007F:0035 01 00000000:00000000 00:00000000 00000000  1000        0 31337 2 ffff8880a1b2c3d4 17\n",
        "v6": "7" + udp_hdr + "  456: 00000000000000000000000001000000:0223 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 0\n",
        "malformed": "4" + udp_hdr + "  123: 0100007F:0035 00000000:0000 07 00000000:00000000\n",
    }
    for name, t in udp.items():
        write("udp", name, t)

    unix_hdr = "Num       RefCount Protocol Flags    Type St Inode Path\n"
    unix = {
        "listen": unix_hdr + "0000000000000000: 00000002 00000000 00010000 0001 01 20613 /run/systemd/private\n",
        "abstract": unix_hdr + "0000000000000000: 00000002 00000000 00000000 0001 03 31337 @/tmp/.X11-unix/X0\n",
        "unnamed": unix_hdr + "0000000000000000: 00000003 00000000 00000000 0001 03 4242\n",
        "spaces": unix_hdr + "0000000000000000: 00000002 00000000 00010000 0005 01 777 /tmp/a path with spaces\n",
        "dgram": unix_hdr + "ffff8880a1b2c3d4: 00000002 00000000 00000000 0002 01 99 /run/systemd/notify\n",
    }
    for name, t in unix.items():
        write("unix", name, t)

    process = {
        "stat": "1234 (bash) S 1 1234 1234 34816 1234 4194304 1000 0 0 0 10 5 0 0 20 0 1 0 12345 10000000 500 18446744073709551615\n",
        "stat-parens": "77 (a) b (c)) R 1 77 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n",
        "stat-zombie": "88 (x) Z 1 88 88 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
        "status": "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n",
        "cmdline": b"/usr/bin/python3\x00-c\x00print(1)\x00",
        "ns": "net:[4026531840]",
        "procstat": "cpu  1 2 3 4\nbtime 1700000000\nprocesses 42\n",
    }
    for name, t in process.items():
        write("process", name, t)

    maps = {
        "bash": "55f18368e000-55f1836bd000 r--p 00000000 fe:00 247101                     /usr/bin/bash\n"
                "55f1836bd000-55f18377e000 r-xp 0002f000 fe:00 247101                     /usr/bin/bash\n"
                "5604cc67e000-5604cc69f000 rw-p 00000000 00:00 0                          [heap]\n"
                "7f9f3162a000-7f9f3162d000 rw-p 00000000 00:00 0 \n"
                "7ffcf096c000-7ffcf098d000 rw-p 00000000 00:00 0                          [stack]\n"
                "7f9f3181c000-7f9f31820000 r--p 00000000 00:00 0                          [vvar]\n"
                "7f9f31822000-7f9f31824000 r-xp 00000000 00:00 0                          [vdso]\n"
                "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n",
        "odd-names": "7f96ad1ba000-7f96ad1bb000 r--s 00000000 fe:00 11018732                   /tmp/a b (deleted)\n"
                     "7f96ac6e4000-7f96ac6e5000 r--s 00000000 fe:00 11018733                   /tmp/nl\\012x\n"
                     "7f96ac6e2000-7f96ac6e3000 r--s 00000000 fe:00 11018735                   /tmp/x (deleted) y\n"
                     "7f96ac6e1000-7f96ac6e2000 r--s 00000000 fe:00 11018736                   /tmp/tab\tz\n",
        "shm": "7f0000000000-7f0000001000 rw-s 00000000 00:01 5 /memfd:wayland-shm (deleted)\n"
               "7f0000001000-7f0000002000 rw-s 00000000 00:01 32769 /SYSV0000002a (deleted)\n"
               "7f0000002000-7f0000003000 rw-s 00000000 00:01 1028 /dev/zero (deleted)\n"
               "7f0000003000-7f0000004000 rw-p 00000000 00:00 0 [anon:jemalloc]\n"
               "7f0000004000-7f0000005000 r--s 00000000 00:0c 9 anon_inode:[perf_event]\n",
        "smaps": "562e065a1000-562e065a3000 r--p 00000000 fe:00 247498                     /usr/bin/head\n"
                 "Size:                  8 kB\nKernelPageSize:        4 kB\nRss:                   8 kB\n"
                 "Pss:                   8 kB\nSwap:                  0 kB\nSwapPss:               0 kB\n"
                 "THPeligible:    0\nVmFlags: rd mr mw me \n",
        "wide": "ffffffffff600000-ffffffffff601000 r--s ffffffffffff0000 103:1f 18446744073709551615 /x\n",
        "malformed": "7f9f3162d000 r-xp 00026000 fe:00 1 /x\n7f-7e rwxq 0 fe:00 1 /y\n",
    }
    for name, t in maps.items():
        write("maps", name, t)

    locks = {
        "typical": "1: POSIX  ADVISORY  WRITE 10781 fe:00:404740 0 EOF\n"
                   "2: FLOCK  ADVISORY  WRITE 10901 fe:00:405890 0 EOF\n"
                   "3: FLOCK  ADVISORY  READ 10901 fe:00:409352 0 EOF\n",
        "waiters": "1: POSIX  ADVISORY  WRITE 100 fe:00:2001 0 EOF\n"
                   "1: -> POSIX  ADVISORY  WRITE 200 fe:00:2001 0 EOF\n"
                   "1:  -> POSIX  ADVISORY  READ 300 fe:00:2001 0 99\n",
        "kinds": "3: OFDLCK ADVISORY  WRITE -1 103:1f:18446744073709551615 100 199\n"
                 "4: LEASE  BREAKING  UNLCK 800 00:2d:17 0 EOF\n"
                 "5: DELEG  ACTIVE    READ 0 00:2d:18 0 EOF\n"
                 "6: POSIX  *NOINODE* WRITE 77 <none>:0 0 EOF\n"
                 "7: FLOCK  MSNFS     RW 12 fe:00:1 0 EOF\n",
    }
    for name, t in locks.items():
        write("locks", name, t)

    packet_hdr = "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
    write("packet", "sniffer", packet_hdr + "ffff8880058e8800 3      3    0003   0     1 0      0      2195813\n")
    write("packet", "lldp", packet_hdr + "0000000000000000 3      2    88cc   2     0 4096   104    77\n"
                    "0000000000000000 3      3    0800   7     1 0      0      80 99\n")
    netlink_hdr = ("sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    "
                   "Inode\n")
    write("netlink", "kernel", netlink_hdr +
          "00000000bf602d19 0   0          00000000 0        0        0     2        0        4       \n"
          "000000001bd75e4b 9   4242       00000001 4352     0        1     2        7        560     \n")

    write("passwd", "passwd", "root:x:0:0:root:/root:/bin/bash\n# comment\n"
          "alice:x:1000:1000:Alice Liddell,Room 1,,:/home/alice:/bin/zsh\r\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n+@netgroup::::::\n")
    write("passwd", "group", "root:x:0:\nsudo:x:27:alice,bob\nweird group:x:4000:a b,c\n")
    write("passwd", "malformed", "x:1:2\n:x:1:1::/:/bin/sh\ntoolong:x:4294967296:0::/:/bin/sh\n")

    write("cgroup", "v2", "0::/system.slice/ssh.service\n")
    write("cgroup", "hybrid", "9:name=systemd:/\n4:memory:/process_api/0f9c\n3:cpuset:/\n0::/\n")
    write("cgroup", "docker-v1", "12:pids:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n")
    write("cgroup", "colons", "2:cpu,cpuacct:/a:b c (deleted)\n")

    # fuzz_task_file: first byte = chunk size, then 40-byte records
    # (tgid, fd, ino, pos, flags, mnt_id, magic, mode, kind, version).
    def rec(tgid, fd, ino, magic, mode, kind, pos=0, flags=0o2, mnt=25, version=1):
        return struct.pack("<IIQqIIIHBB", tgid, fd, ino, pos, flags, mnt, magic, mode, kind,
                           version)
    sock = rec(1234, 3, 2195813, 0x534F434B, 0o140777, 1)
    pipe = rec(1234, 4, 3838, 0x50495045, 0o10600, 1, flags=0o2000001)
    reg = rec(1234, 5, 10952718, 0xEF53, 0o100644, 0, pos=4096, flags=0o102002)
    anon = rec(1234, 6, 3017, 0x09041934, 0o600, 1)
    nsfs = rec(1234, 7, 4026531840, 0x6e736673, 0o100444, 1)
    write("task_file", "kinds", b"\x07" + sock + pipe + reg + anon + nsfs)
    write("task_file", "split", b"\x11" + sock + reg)
    write("task_file", "truncated", b"\x00" + sock + pipe[:17])
    write("task_file", "bad-version", b"\x03" + sock + rec(1, 0, 1, 0, 0, 0, version=2) + reg)
    write("task_file", "wide", b"\x28" + rec(0x7FFFFFFF, 0x7FFFFFFF, 2**64 - 1, 0xFFFFFFFF,
                                               0xFFFF, 1, pos=-1, flags=0xFFFFFFFF,
                                               mnt=0xFFFFFFFF))


if __name__ == "__main__":
    main()
