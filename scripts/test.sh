#!/usr/bin/env bash
# Every test: install what is missing, then
#  1. build (RelWithDebInfo, g++) and run ctest: parser unit tests, fuzz
#     corpus replays, fixture-root SQL tests, faults, hostile SQL, churn,
#     live-socket tests, SQL files;
#  2. the Catch2 suite and the fuzz corpus replays built with ASan + UBSan
#     (build-asan/);
#  3. the live tests ([live]) of build 1 under valgrind memcheck: no
#     invalid access, no definite leak.
# Prints each part's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
jobs=$(nproc)
t0=$SECONDS

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROCTAB_TESTS=ON >/dev/null
cmake --build build-test -j"$jobs"
(cd build-test && ctest --output-on-failure --timeout 300 -j2) | tee build-test/ctest.log
t1=$SECONDS

# The Catch2 suite and the corpus replays: the code under test is linked in.
# (The other ctest tests drive the module from uninstrumented hosts: the
# sqlite3 shell, Python, Node; build 1 covers them.)
# -O1 -g1: a third faster to compile than RelWithDebInfo, still fast to run.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DPROCTAB_TESTS=ON \
  -DPROCTAB_SANITIZE=ON >/dev/null
replays=()
for c in fuzz/corpus/*/; do replays+=("replay_$(basename "$c")"); done
cmake --build build-asan -j"$jobs" --target proctab_tests "${replays[@]}"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1
build-asan/tests/proctab_tests
for c in fuzz/corpus/*/; do build-asan/fuzz/replay_"$(basename "$c")" "$c"; done
unset UBSAN_OPTIONS ASAN_OPTIONS
t2=$SECONDS

# Valgrind on the uninstrumented build: the live tests, and the fault tests
# (fixture trees) whose error paths free what they allocated.
# (No "| grep -q" here: under pipefail its early exit fails the pipeline.)
if [ -n "$(build-test/tests/proctab_tests --list-test-names-only '[live]')" ]; then
  # Not those checking our own exe/cmdline: under valgrind they are valgrind's.
  live='[live]~[process]~[osquery],[faults]'
else
  live='[faults]'
fi
# Valgrind 3.19 does not know openat2 (syscall 437): it answers ENOSYS, and
# ProcFs falls back to openat, as on kernels before 5.6; its warning is noise.
valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
  build-test/tests/proctab_tests "$live" 2> >(grep -v -e 'syscall: 437' -e 'own handler' \
  -e 'README_MISSING_SYSCALL' -e 'consider this a bug' -e 'bug_reports.html' >&2)
t3=$SECONDS
echo "wall time: build+test $((t1 - t0)) s, asan+ubsan $((t2 - t1)) s, valgrind $((t3 - t2)) s," \
  "total $((t3 - t0)) s"
# Every part passed (set -e): one closing line with ctest's count.
summary=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' build-test/ctest.log | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$summary")
echo "ctest: $((total - failed)) passed, $failed failed"
