#!/usr/bin/env python3
"""Captures real UNIX_DIAG replies as seeds of fuzz/corpus/unix_diag/ (seed-*).

Creates its own sockets (a socketpair of each type, a pathname listener with
two unaccepted clients, an abstract name, an autobound datagram socket, a
path with a space and one with a newline, an unbound socket), asks the kernel
about each one by inode with every UDIAG_SHOW_* flag, and writes the reply
bytes as recv() returned them; plus one file with all of them followed by
NLMSG_DONE, as a dump ends. Needs Linux (root not needed for own sockets).
usage: fuzz/capture_unix_diag.py  (from anywhere)
"""
import os
import socket
import struct
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 1
SHOW_ALL = 0x7F  # NAME VFS PEER ICONS RQLEN MEMINFO UID


def query(inode):
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    try:
        # unix_diag_req: family, protocol, pad, states, ino, show, cookie[2]
        req = struct.pack("=BBHIII II", socket.AF_UNIX, 0, 0, 0xFFFFFFFF, inode, SHOW_ALL,
                          0xFFFFFFFF, 0xFFFFFFFF)
        hdr = struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, 1, 0)
        nl.send(hdr + req)
        return nl.recv(65536)
    finally:
        nl.close()


def write(name, data):
    d = os.path.join(HERE, "corpus", "unix_diag")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def main():
    tmp = tempfile.mkdtemp(prefix="proctab-seed-")
    keep = []
    socks = {}
    for kind, t in (("stream", socket.SOCK_STREAM), ("dgram", socket.SOCK_DGRAM),
                    ("seqpacket", socket.SOCK_SEQPACKET)):
        a, b = socket.socketpair(socket.AF_UNIX, t)
        a.send(b"hello")  # something in b's receive queue
        socks["pair-" + kind] = b
        keep.append(a)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.path.join(tmp, "a b.sock"))
    listener.listen(8)
    for _ in range(2):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(os.path.join(tmp, "a b.sock"))
        keep.append(c)
    socks["listener-pending"] = listener
    socks["client-connected"] = keep[-1]
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    abstract.bind(b"\0proctab\0seed")
    socks["abstract"] = abstract
    auto = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    auto.bind(b"")  # autobind: an abstract 5-hex-digit name
    socks["autobind"] = auto
    newline = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    newline.bind(os.path.join(tmp, "new\nline"))
    socks["path-newline"] = newline
    shut = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    shut[0].shutdown(socket.SHUT_WR)
    socks["shutdown"] = shut[0]
    keep.append(shut[1])
    socks["unbound"] = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    everything = b""
    for name, s in socks.items():
        reply = query(os.fstat(s.fileno()).st_ino)
        write(name, reply)
        everything += reply
    done = struct.pack("=IHHIIi", 20, 3, 2, 1, 0, 0)  # NLMSG_DONE, NLM_F_MULTI
    write("dump-all", everything + done)
    for s in list(socks.values()) + keep:
        s.close()
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
