#!/usr/bin/env bash
# Every test: install what is missing, build (with tests), run ctest: parser
# unit tests, fixture-root SQL tests, live-socket tests, SQL files.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROCTAB_TESTS=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure --timeout 300 -j2
