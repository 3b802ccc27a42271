#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one.
#
#   scripts/fuzz.sh                 # CI: about 7 minutes in all (at most 60 s per target)
#   scripts/fuzz.sh 3600            # long run: an hour per target
#   scripts/fuzz.sh 600 verify      # only the named targets
#
# Seeds come from fuzz/corpus/<target>/ and are never modified; each run grows a working
# corpus in build-fuzz/corpus/<target>/ that later runs reuse. Crashing inputs land in
# build-fuzz/artifacts/ and fail the script; reproduce one with
#   build-fuzz/fuzz/fuzz_<target> build-fuzz/artifacts/crash-...
# and, once fixed, copy it into fuzz/corpus/<target>/ as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${URLMINT_FUZZ_BUILD_DIR:-build-fuzz}
budget=${URLMINT_FUZZ_BUDGET:-420}  # seconds in all when no per-target time is given
seconds=${1:-auto}
shift || true

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing; apt-get install clang libclang-rt-14-dev" >&2
  exit 1
fi
if [[ ! -f "$build/build.ninja" ]]; then
  CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DURLMINT_BUILD_FUZZERS=ON \
    -DURLMINT_WERROR=ON -DURLMINT_BUILD_TESTS=OFF -DURLMINT_BUILD_TOOLS=OFF -DURLMINT_BUILD_BENCH=OFF \
    -DURLMINT_BUILD_EXAMPLES=OFF -DURLMINT_INSTALL=OFF >/dev/null
fi
cmake --build "$build" --target urlmint_fuzzers >/dev/null

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(cd fuzz && ls fuzz_*.cpp | sed 's/^fuzz_//; s/\.cpp$//')
fi
if [[ "$seconds" == auto ]]; then
  seconds=$((budget / ${#targets[@]}))
  ((seconds > 60)) && seconds=60
  ((seconds < 10)) && seconds=10
fi

mkdir -p "$build/artifacts"
status=0
total_runs=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  log="$build/fuzz_$t.log"
  dict=()
  [[ -f "fuzz/dict/$t.dict" ]] && dict=(-dict="fuzz/dict/$t.dict")
  # URLMINT_FUZZ_SEED fixes libFuzzer's mutation sequence (CI uses 1, so its short run explores
  # the same inputs every time and stays a regression check); unset or 0 is random (long runs).
  if "$build/fuzz/fuzz_$t" "${dict[@]}" -seed="${URLMINT_FUZZ_SEED:-0}" -max_total_time="$seconds" \
       -print_final_stats=1 -timeout=10 \
       -rss_limit_mb=2048 -artifact_prefix="$build/artifacts/$t-" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    total_runs=$((total_runs + ${runs:-0}))
    echo "fuzz_$t: ${seconds} s, ${runs:-?} executions, no crash" >&2
  else
    status=1
    echo "fuzz_$t: FAILED; see $log and $build/artifacts/$t-*" >&2
    grep -E "property violated|ERROR:|SUMMARY:" "$log" | head -5 >&2 || true
  fi
done
echo "fuzz.sh: ${#targets[@]} targets, ${seconds} s each, $total_runs executions in all" >&2
exit "$status"
