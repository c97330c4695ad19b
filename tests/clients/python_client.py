#!/usr/bin/python3
"""Loads the built module into Python's own sqlite3 module (Debian's
/usr/bin/python3) and finds the owner of a socket this script listens on.
usage: python_client.py MODULE"""
import os
import socket
import sqlite3
import sys

module = sys.argv[1]
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    expected = [(os.getpid(), listener.fileno(), "127.0.0.1")]

    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(module)
    db.enable_load_extension(False)
    rows = db.execute(
        """SELECT f.pid, f.fd, t.local_address
             FROM proc_tcp t JOIN proc_fd f ON f.inode = t.inode
            WHERE t.state = 'LISTEN' AND t.local_port = ?""",
        (port,),
    ).fetchall()
    db.close()

print(f"python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}: port {port} -> {rows}")
if rows != expected:
    print(f"FAIL: expected {expected}")
    sys.exit(1)
