#!/bin/sh
# proctab benchmark: builds Release, holds N loopback TCP sockets, measures.
# Usage: bench/run.sh [--quick] [--scaling] [-n N] [--build-dir DIR] ...  (see bench/README.md)
# Installs what is missing first (the Release build needs libmnl and the BPF
# tool chain, or it measures the /proc fallbacks; the report needs matplotlib).
"$(dirname "$0")/../scripts/install-deps.sh" bench
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$@"
