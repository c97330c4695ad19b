#!/bin/sh
# proctab benchmark: builds Release, holds N loopback TCP sockets, measures.
# Usage: bench/run.sh [--quick] [--scaling] [-n N] [--build-dir DIR] ...  (see bench/README.md)
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$@"
