#!/usr/bin/env bash
# Every test: install what is missing, then
#  1. build (RelWithDebInfo, g++) and run ctest: parser unit tests, fuzz
#     corpus replays, fixture-root SQL tests, faults, hostile SQL, churn,
#     live-socket tests, SQL files, the command, clients, install, .deb;
#  2. the Catch2 suite and the fuzz corpus replays built with ASan + UBSan
#     (build-asan/); compiled while ctest runs (at a lower priority: it fills
#     the cores that tests waiting on sockets, dpkg or npm leave idle);
#  3. the live and fault tests ([live], [faults]) of build 1 under valgrind
#     memcheck: no invalid access, no uninitialised read, no definite leak;
#     run beside the ASan suite (each is mostly one process on one core), in
#     network and pid namespaces of their own where the machine allows.
# Prints each part's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
jobs=$(nproc)
t0=$SECONDS

# Background parts run in process groups of their own: if a foreground part
# fails, they are ended with it rather than left compiling.
background=()
trap 'for pid in ${background[@]+"${background[@]}"}; do kill -- -"$pid" 2>/dev/null || true; done' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROCTAB_TESTS=ON >/dev/null
# -O1 -g1: a third faster to compile than RelWithDebInfo, still fast to run.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DPROCTAB_TESTS=ON \
  -DPROCTAB_SANITIZE=ON >/dev/null
cmake --build build-test -j"$jobs"
t1=$SECONDS

# 2a. The ASan build, beside ctest. Only what part 2 runs: the Catch2 suite
# and the corpus replays, where the code under test is linked in. (The other
# ctest tests drive the module from uninstrumented hosts -- the sqlite3 shell,
# Python, Node -- and build 1 covers them.)
replays=()
for c in fuzz/corpus/*/; do replays+=("replay_$(basename "$c")"); done
setsid bash -c 's=$SECONDS; nice -n 10 cmake --build build-asan -j"$1" --target proctab_tests "${@:2}" \
  >build-asan/build.log 2>&1; rc=$?; echo $((SECONDS - s)) >build-asan/build.seconds; exit $rc' \
  asan-build "$jobs" "${replays[@]}" &
asan_build=$!
background+=("$asan_build")

(cd build-test && ctest --output-on-failure --timeout 300 -j"$jobs") | tee build-test/ctest.log
t2=$SECONDS
# ctest is done: the rest of the ASan build at normal priority (root may
# raise it back; otherwise it stays at nice 10).
renice -n 0 -g "$asan_build" >/dev/null 2>&1 || true

if ! wait "$asan_build"; then
  tail -60 build-asan/build.log
  echo "FAIL: the ASan + UBSan build (build-asan/build.log)"
  exit 1
fi
t3=$SECONDS

# 3. Valgrind on the uninstrumented build, beside the ASan run: the live tests,
# and the fault tests (fixture trees) whose error paths free what they allocated.
# (No "| grep -q" here: under pipefail its early exit fails the pipeline.)
if [ -n "$(build-test/tests/proctab_tests --list-test-names-only '[live]')" ]; then
  # Not those checking our own exe/cmdline: under valgrind they are valgrind's.
  live='[live]~[process]~[osquery],[faults]'
else
  live='[faults]'
fi
# Under valgrind code runs 20-50 times slower, and the live tests read every
# socket and process of the machine: with another program holding 40,000
# sockets here, this part ran past 15 minutes. So it runs in a network and a
# pid namespace of its own (a fresh /proc; loopback up), where the tests see
# the sockets and processes they make and nothing else; every test runs all
# the same. (ctest and the ASan suite run on the machine as it is.)
isolated=()
for userns in "" "--user --map-root-user"; do
  # shellcheck disable=SC2086
  if command -v ip >/dev/null && unshare $userns --net --pid --mount-proc --fork ip link set lo up 2>/dev/null; then
    # shellcheck disable=SC2206
    isolated=(unshare $userns --net --pid --mount-proc --fork bash -c 'ip link set lo up && "$@"; rc=$?; exit $rc' isolated)
    break
  fi
done
[ ${#isolated[@]} -gt 0 ] || echo "note: no namespaces here (unshare): valgrind's tests read the whole machine"
# Valgrind 3.19 does not know openat2 (syscall 437): it answers ENOSYS, and
# ProcFs falls back to openat, as on kernels before 5.6; its warning is noise.
setsid bash -c 's=$SECONDS; "${@:2}" valgrind --quiet --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite build-test/tests/proctab_tests "$1" >build-test/valgrind.log 2>&1; rc=$?
  echo $((SECONDS - s)) >build-test/valgrind.seconds; exit $rc' valgrind "$live" ${isolated[@]+"${isolated[@]}"} &
valgrind_run=$!
background+=("$valgrind_run")

# 2b. The ASan + UBSan run.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1
build-asan/tests/proctab_tests
for c in fuzz/corpus/*/; do build-asan/fuzz/replay_"$(basename "$c")" "$c"; done
unset UBSAN_OPTIONS ASAN_OPTIONS
t4=$SECONDS

valgrind_rc=0
wait "$valgrind_run" || valgrind_rc=$?
echo "== valgrind memcheck: build-test/tests/proctab_tests '$live'${isolated[*]:+ (in namespaces of its own)}"
grep -v -e 'syscall: 437' -e 'own handler' -e 'README_MISSING_SYSCALL' -e 'consider this a bug' \
  -e 'bug_reports.html' build-test/valgrind.log || true
if [ "$valgrind_rc" -ne 0 ]; then echo "FAIL: valgrind memcheck (exit $valgrind_rc)"; exit 1; fi
t5=$SECONDS
background=()

echo "wall time: build $((t1 - t0)) s, ctest $((t2 - t1)) s," \
  "asan+ubsan build $(cat build-asan/build.seconds) s (beside ctest; $((t3 - t2)) s after it)" \
  "+ run $((t4 - t3)) s, valgrind $(cat build-test/valgrind.seconds) s (beside the asan run;" \
  "$((t5 - t4)) s after it), total $((t5 - t0)) s"
# Every part passed (set -e): one closing line with ctest's count.
summary=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' build-test/ctest.log | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$summary")
echo "ctest: $((total - failed)) passed, $failed failed"
