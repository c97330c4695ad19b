#!/usr/bin/env bash
# The main job: install what is missing, build the extension (Release), and
# ask this machine who listens on which port and how its connections stand.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPROCTAB_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== listening TCP and UDP sockets and their owners"
sqlite3 :memory: -cmd ".load build/proctab" ".read sql/listening.sql"
echo "== TCP sockets by state"
sqlite3 :memory: -cmd ".load build/proctab" ".read sql/connections_by_state.sql"
