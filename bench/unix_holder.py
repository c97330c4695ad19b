#!/usr/bin/python3
"""Holds N UNIX sockets for bench.py's proc_unix case: socketpairs of stream,
datagram and seqpacket type, plus one listener per 1,000 sockets on a path
(and a waiting client each). Prints 'READY <sockets>' and sleeps until
killed. usage: unix_holder.py INDEX N DIR"""
import os
import resource
import signal
import socket
import sys


def main():
    index, n, directory = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    held = []
    types = (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET)
    while len(held) < n:
        if len(held) % 1000 == 0:
            path = os.path.join(directory, "l%d-%d" % (index, len(held)))
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(path)
            listener.listen(16)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(path)
            held += [listener, client]
        held += socket.socketpair(socket.AF_UNIX, types[len(held) % 3])
    print("READY %d" % len(held), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
