#!/usr/bin/env bash
# Builds the libFuzzer targets (clang) and fuzzes each in turn, then merges
# the inputs that add coverage into the committed corpus fuzz/corpus/<name>/.
# usage: fuzz/run.sh [SECONDS_PER_TARGET=600] [NAME...]   (names: tcp tcp_chunks fd_target fdinfo ...)
# Crashes land in build-fuzz/artifacts/; stats in build-fuzz/logs/<name>.log.
# A defect's input is kept as fuzz/corpus/<name>/regression-<what> (never merged away).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.cpp; do n=${f#fuzz/fuzz_}; names+=("${n%.cpp}"); done
fi
scripts/install-deps.sh fuzz
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_COMPILER=clang -DPROCTAB_FUZZ=ON -DPROCTAB_TESTS=OFF >/dev/null
mkdir -p build-fuzz/work build-fuzz/artifacts build-fuzz/logs
for name in "${names[@]}"; do
  cmake --build build-fuzz -j2 --target "fuzz_$name" >/dev/null
  bin=build-fuzz/fuzz/fuzz_$name
  work=build-fuzz/work/$name
  mkdir -p "$work" "fuzz/corpus/$name"
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  # Background-friendly: one process, lowest priority. A generous -timeout:
  # at nice 19 on a busy 2-core machine a 10 s timeout fired on 1 ms inputs.
  nice -n 19 "$bin" "$work" "fuzz/corpus/$name" "${dict[@]}" -max_total_time="$seconds" \
    -max_len=4096 -timeout=120 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$name-" >"build-fuzz/logs/$name.log" 2>&1 || true
  grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|ERROR|SUMMARY' "build-fuzz/logs/$name.log" || true
  # Keep the committed corpus small: the seeds (readable, named seed-*) plus
  # a minimal set of inputs that covers every feature the corpus and this
  # run reached (libFuzzer names those by their SHA-1).
  min=build-fuzz/min/$name
  rm -rf "$min" && mkdir -p "$min"
  nice -n 19 "$bin" -merge=1 "$min" "fuzz/corpus/$name" "$work" >"build-fuzz/logs/$name.merge.log" 2>&1
  find "fuzz/corpus/$name" -type f ! -name 'seed-*' ! -name 'regression-*' -delete
  for f in "fuzz/corpus/$name"/seed-* "fuzz/corpus/$name"/regression-*; do
    [ -f "$f" ] && rm -f "$min/$(sha1sum "$f" | cut -d' ' -f1)"
  done
  cp "$min"/* "fuzz/corpus/$name/" 2>/dev/null || true
  echo "$name: corpus $(ls "fuzz/corpus/$name" | wc -l) files, $(du -sb "fuzz/corpus/$name" | cut -f1) bytes"
done
