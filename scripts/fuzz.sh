#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) in build-fuzz/ with
# clang, then for each target: replays every input under
# tests/fuzz/regressions/NAME/ (crashes found before: they must pass now),
# and fuzzes for SECONDS seconds on the corpus build-fuzz/corpus/NAME, seeded
# from tests/fuzz/seeds/NAME/ (fuzz_api also writes fresh seeds from its
# set-up requests, so they match the current route table).
#
#   scripts/fuzz.sh [SECONDS] [NAME...]     (default 60 s, every target)
#
# Used by `make fuzz` (FUZZ_SECONDS, default 60) and by `make test` (5 s
# each). A crash leaves its input in build-fuzz/artifacts/NAME/ and fails the
# run: copy the input to tests/fuzz/regressions/NAME/ and fix the bug.
# FUZZ_JOBS=N runs N fuzzing processes per target (libFuzzer -fork).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-60}
shift || true
build=$(realpath -m "${BUILD_FUZZ:-build-fuzz}")
jobs=${JOBS:-$(nproc)}

cc=${FUZZ_CC:-}
if [ -z "$cc" ]; then
  for c in clang clang-14; do command -v "$c" >/dev/null && { cc=$c; break; }; done
fi
if [ -z "$cc" ]; then
  echo "fuzz: clang is missing (scripts/deps.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi

cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DFUYOU_FUZZ=ON >/dev/null
if ! out=$(cmake --build "$build" -j "$jobs" --target fuzz_targets 2>&1); then
  echo "$out" >&2
  exit 1
fi

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in tests/fuzz/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
fi

# A dictionary for the JSON targets: JSON punctuation, typical values, and
# every identifier-like string literal of the handlers and rule loaders
# (field names, enum values, codes), quoted and as a query "key=".
dict=$build/fuzz-json.dict
{
  printf '%s\n' '"{"' '"}"' '"["' '"]"' '":"' '","' '"true"' '"false"' '"null"' '"-1"' '"0"' '"1e308"' \
    '"\"2025-06-15\""' '"\"2025-06-12T08:30:00+08:00\""' '"\"310104\""' '"\"sh6\""' '"\"310104-chc-1\""' \
    '"\"1\""' '"\"2\""' '"\"3\""' '"\\u0000"' '"\\ud800"' '"&"' '"="'
  grep -oh '"[a-z][a-z0-9_]*"' src/api/*.c src/domain/*.c | sort -u | sed 's/^"\(.*\)"$/"\\"\1\\""\n"\1="/'
} >"$dict"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export FUYOU_FUZZ_DATA=$root/data
status=0
summary=()
for name in "${names[@]}"; do
  bin=$build/fuzz/$name
  corpus=$build/corpus/$name
  art=$build/artifacts/$name
  log=$build/logs/$name.log
  mkdir -p "$corpus" "$art" "$build/logs"
  if [ -d "tests/fuzz/seeds/$name" ]; then
    cp -n "tests/fuzz/seeds/$name"/* "$corpus"/ 2>/dev/null || true
  fi
  # 1. the regressions: every crash found so far, replayed first
  regs=()
  if [ -d "tests/fuzz/regressions/$name" ]; then
    while IFS= read -r -d '' f; do regs+=("$f"); done \
      < <(find "tests/fuzz/regressions/$name" -type f ! -name '*.md' ! -name '.*' -print0 | sort -z)
  fi
  if [ ${#regs[@]} -gt 0 ]; then
    if ! "$bin" -runs=1 "${regs[@]}" >"$log.regressions" 2>&1; then
      echo "fuzz: $name: a regression input fails again (log: $log.regressions)" >&2
      tail -n 40 "$log.regressions" >&2
      status=1
      summary+=("$name: REGRESSION")
      continue
    fi
  fi
  # 2. fuzzing
  seedenv=()
  [ "$name" = fuzz_api ] && seedenv=(FUZZ_API_SEEDS="$corpus")
  dictarg=()
  case $name in fuzz_api | fuzz_loaders) dictarg=(-dict="$dict") ;; esac
  fork=()
  [ -n "${FUZZ_JOBS:-}" ] && fork=(-fork="$FUZZ_JOBS")
  if env "${seedenv[@]}" "$bin" "$corpus" -max_total_time="$secs" -timeout=25 -rss_limit_mb=4096 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$art/" "${dictarg[@]}" "${fork[@]}" >"$log" 2>&1; then
    execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
    # after a long run, keep only the inputs that add coverage, so that the
    # short runs of `make test` start quickly
    if [ "$secs" -ge 60 ]; then
      rm -rf "$corpus.min" && mkdir -p "$corpus.min"
      if "$bin" -merge=1 "$corpus.min" "$corpus" >"$log.merge" 2>&1; then
        rm -rf "$corpus" && mv "$corpus.min" "$corpus"
      else
        rm -rf "$corpus.min"
      fi
    fi
    summary+=("$name: ok, ${execs:-?} inputs in ${secs}s, ${#regs[@]} regressions replayed")
  else
    echo "fuzz: $name found a failure (log: $log; input in $art/):" >&2
    grep -E 'ERROR|SUMMARY|runtime error|check failed|fuzz_api:|Test unit written' "$log" | head -n 20 >&2 || true
    status=1
    summary+=("$name: FAILED (see $log)")
  fi
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
