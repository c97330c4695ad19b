#!/usr/bin/python3
"""Peer for the join benchmark: psutil asked the same question as proctab.

Prints pid, fd, state, local port and remote port of every TCP socket
(IPv4 and IPv6) that has an owning process, one line per socket.
"""
import sys

import psutil

out = []
for c in psutil.net_connections("tcp"):
    if c.pid is None:
        continue
    out.append("%d|%d|%s|%d|%d\n" % (c.pid, c.fd, c.status,
                                      c.laddr.port if c.laddr else 0,
                                      c.raddr.port if c.raddr else 0))
sys.stdout.write("".join(out))
