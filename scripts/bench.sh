#!/usr/bin/env bash
# The one benchmark command. Builds Release, runs the Google Benchmark suites, runs the peer
# comparison (bench/peers/run.sh) with urlmint's own rows added, and measures the footprint:
# the CLI's stripped size, time and peak RSS of `urlmint s3 presign --batch` over 1,000,000
# keys, and the compile time of a TU including <urlmint/urlmint.hpp> against an empty one.
#
#   scripts/bench.sh                      # everything (~10 minutes on 2 cores)
#   BENCH_QUICK=1 scripts/bench.sh        # shorter runs, noisier numbers
#   BENCH_SMOKE=1 scripts/bench.sh        # CI: every benchmark and peer runs once (a couple of minutes
#                                         # once built); fails only if one cannot run, never on a time
#   BENCH_SKIP_PEERS=1 scripts/bench.sh   # no node/python peers
#   BENCH_SKIP_TRANSFER=1 scripts/bench.sh  # no transfer comparison (bench/transfer/run.sh: urlmint
#                                         # vs aws s3 cp against local Swift; BENCH_TRANSFER_MIB/FILES)
#   BENCH_BUILD=dir BENCH_OUT=dir ...     # build dir (default build/bench), results (default build/bench-results)
#
# Nothing here is pass/fail: it prints numbers. No network except the package registries
# bench/peers/run.sh installs peers from (npm, apt).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${BENCH_BUILD:-build/bench}
out=${BENCH_OUT:-build/bench-results}
mkdir -p "$out"
log() { printf '[bench] %s\n' "$*" >&2; }

smoke=${BENCH_SMOKE:-}
if [[ -n "$smoke" ]]; then
  # Two repetitions so the median rows exist; nothing measured is meaningful.
  gb_args=(--benchmark_min_time=0.001 --benchmark_repetitions=2)
  export PEERS_TARGET_MS=${PEERS_TARGET_MS:-1}
  batch_keys=${BENCH_BATCH_KEYS:-10000}
elif [[ -n "${BENCH_QUICK:-}" ]]; then
  gb_args=(--benchmark_min_time=0.2 --benchmark_repetitions=3)
  export PEERS_TARGET_MS=${PEERS_TARGET_MS:-400}
  batch_keys=${BENCH_BATCH_KEYS:-1000000}
else
  gb_args=(--benchmark_min_time=0.5 --benchmark_repetitions=5)
  batch_keys=${BENCH_BATCH_KEYS:-1000000}
fi

for tool in cmake ninja /usr/bin/time strip python3; do
  command -v "$tool" >/dev/null || { log "missing $tool: run scripts/install-deps.sh (and apt-get install time)"; exit 1; }
done
if [[ ! -f /usr/include/benchmark/benchmark.h ]]; then
  log "apt-get install -y libbenchmark-dev"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libbenchmark-dev >&2
fi

# ------------------------------------------------------------------------------ build
if [[ ! -f "$build/build.ninja" ]]; then
  log "configuring Release in $build"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DURLMINT_BUILD_TESTS=OFF -DURLMINT_BUILD_EXAMPLES=OFF \
    >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
[[ "$build_type" == Release ]] || log "warning: $build is a '$build_type' build; numbers are for Release"
log "building in $build"
suites=()
for s in sigv4_bench s3_bench crypto_bench checksums_bench cloudfront_bench; do
  [[ -f bench/$s.cpp ]] && suites+=("$s")
done
cmake --build "$build" --target "${suites[@]}" urlmint_cli reference_presigner >&2
cli="$build/tools/urlmint/urlmint"

{
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $(uname -sr)"
  echo "# compiler: $(c++ --version | head -1); OpenSSL: $(openssl version 2>/dev/null || echo '?')"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

# --------------------------------------------------------------------- Google Benchmark
for s in "${suites[@]}"; do
  log "running $s"
  "$build/bench/$s" "${gb_args[@]}" --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/$s.json" --benchmark_out_format=json >&2
done

# Median rows of every suite, as "name<TAB>real_ns<TAB>cpu_ns<TAB>items_per_second".
python3 - "$out" "${suites[@]}" >"$out/medians.tsv" <<'PY'
import json, sys
out = sys.argv[1]
for suite in sys.argv[2:]:
    data = json.load(open(f'{out}/{suite}.json'))
    for b in data['benchmarks']:
        if b.get('aggregate_name') != 'median':
            continue
        scale = {'ns': 1, 'us': 1e3, 'ms': 1e6, 's': 1e9}[b.get('time_unit', 'ns')]
        name = b['run_name']
        print(f"{name}\t{b['real_time'] * scale:.1f}\t{b['cpu_time'] * scale:.1f}\t{b.get('items_per_second', 0):.0f}"
              f"\t{b.get('bytes_per_second', 0):.0f}")
PY
median() {  # median <benchmark run_name> <column: 2 real ns, 3 cpu ns, 4 items/s, 5 bytes/s>
  awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c; exit }' "$out/medians.tsv"
}

# ------------------------------------------------------------------ peer comparison
peers_tsv="$out/peers.tsv"
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
if [[ -z "${BENCH_SKIP_PEERS:-}" ]]; then
  log "running bench/peers/run.sh"
  PEERS_OUT="$peers_tsv" bench/peers/run.sh >/dev/null
  if [[ -n "$smoke" ]]; then  # every peer must have run and minted
    for peer in aws4 awscrt 'smithy-sigv4(node-hash)' 'smithy-sigv4(sha256-js)' 'botocore(S3SigV4QueryAuth)' botocore \
                's3-request-presigner(tuned)' s3-request-presigner botocore-CloudFrontSigner cloudfront-signer; do
      awk -F'\t' -v p="$peer" '$1 == p && $3 != "NaN" { found = 1 } END { exit !found }' "$peers_tsv" ||
        { log "smoke: peer $peer did not run"; exit 1; }
    done
  fi
else
  : >"$peers_tsv"
fi
# urlmint's rows: the same inputs through the CLI prove the signature, the benchmark gives the
# time (wall clock, median, like the peers' numbers).
presign_args=(s3 presign s3://examplebucket/test.txt --now 20130524T000000Z --expires-in 86400 --region us-east-1)
doc_sig=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404
url=$("$cli" "${presign_args[@]}")
ok=0; [[ "$url" == *"X-Amz-Signature=$doc_sig" ]] && ok=1
printf 'urlmint\tpresign-get\t%s\t%s\n' "$(median BM_presign_get_cached_key 2)" "$ok" >>"$peers_tsv"
token_url=$(AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEXAMPLETOKEN "$cli" "${presign_args[@]}")
token_sig=${token_url##*X-Amz-Signature=}
peer_token_sig=$(sed -n 's/^# .* presign-get-token sig: \([0-9a-f]*\).*/\1/p' "$peers_tsv" | sort | uniq -c | sort -rn |
                 awk 'NR == 1 { print $2 }')
ok=0; [[ -n "$peer_token_sig" && "$token_sig" == "$peer_token_sig" ]] && ok=1
printf 'urlmint\tpresign-get-token\t%s\t%s\n' "$(median BM_presign_get_session_token 2)" "$ok" >>"$peers_tsv"
cf=$(median BM_rsa2048_sha1_canned_url 2 || true)
[[ -n "$cf" ]] && printf 'urlmint\tcloudfront-canned-rsa-sha1\t%s\t-\n' "$cf" >>"$peers_tsv"
python3 bench/peers/table.py <"$peers_tsv" >"$out/comparison.txt"
python3 bench/peers/table.py --markdown <"$peers_tsv" >"$out/comparison.md"

# ------------------------------------------------------------------------ footprint
strip -o "$out/urlmint.stripped" "$cli"
stripped=$(stat -c %s "$out/urlmint.stripped")
log "batch: $batch_keys keys"
awk -v n="$batch_keys" 'BEGIN { for (i = 1; i <= n; ++i) printf "photos/2013/05/24/img-%d.jpg\n", i }' >"$out/keys.txt"
batch() {  # batch <output file> -> "elapsed_s max_rss_kib user_s sys_s"
  /usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" \
    "$cli" s3 presign --batch s3://examplebucket --now 20130524T000000Z --expires-in 86400 <"$out/keys.txt" >"$1"
  cat "$out/time.txt"
}
read -r null_s null_rss null_user null_sys < <(batch /dev/null)
read -r file_s file_rss _ _ < <(batch "$out/urls.txt")
lines=$(wc -l <"$out/urls.txt")
# The hand-tuned reference presigner (bench/reference_presigner.cpp) on the same keys, side by
# side: best of 3 user+sys CPU seconds each, one job, output to a file; then the bytes compared.
# And --jobs 2 against one job (wall clock).
cpu_of() {  # cpu_of <output> <command...> -> user+sys seconds, best of 3
  local best=
  for _ in 1 2 3; do
    /usr/bin/time -f '%U %S %e' -o "$out/time.txt" "${@:2}" <"$out/keys.txt" >"$1"
    t=$(awk '{ printf "%.3f", $1 + $2 }' "$out/time.txt")
    best=$(python3 -c "print(min(float(x) for x in '$best $t'.split()))")
  done
  echo "$best"
}
wall_of() {  # wall_of <command...> -> median of 3 wall seconds, output to /dev/null
  for _ in 1 2 3; do
    /usr/bin/time -f '%e' -o "$out/time.txt" "$@" <"$out/keys.txt" >/dev/null
    cat "$out/time.txt"
  done | sort -n | sed -n 2p
}
batch_args=(s3 presign --batch s3://examplebucket --now 20130524T000000Z --expires-in 86400)
ref_cpu=$(cpu_of "$out/ref_urls.txt" "$build/bench/reference_presigner" examplebucket 20130524T000000Z 86400)
one_cpu=$(cpu_of "$out/urls.txt" "$cli" "${batch_args[@]}" --jobs 1)
identical=no; cmp -s "$out/ref_urls.txt" "$out/urls.txt" && identical=yes
jobs1_wall=$(wall_of "$cli" "${batch_args[@]}" --jobs 1)
jobs2_wall=$(wall_of "$cli" "${batch_args[@]}" --jobs 2)
[[ -z "$smoke" || "$identical" == yes ]] || { log "smoke: --batch output differs from the reference presigner"; exit 1; }
rm -f "$out/urls.txt" "$out/ref_urls.txt" "$out/keys.txt"

compile_time() {  # compile_time <compiler> <file>: best of 3 wall-clock seconds, -O2 -std=c++17
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
cxx, src = sys.argv[1], sys.argv[2]
best = None
for _ in range(1 if os.environ.get('BENCH_SMOKE') else 3):
    t = time.perf_counter()
    subprocess.run([cxx, '-std=c++17', '-O2', '-Iinclude', '-c', src, '-o', '/dev/null'], check=True)
    d = time.perf_counter() - t
    best = d if best is None or d < best else best
print(f'{best:.2f}')
PY
}
printf 'int main() { return 0; }\n' >"$out/empty_tu.cpp"
printf '#include <urlmint/urlmint.hpp>\nint main() { return 0; }\n' >"$out/umbrella_tu.cpp"
compile_rows=()
for cxx in g++ clang++; do
  command -v "$cxx" >/dev/null || continue
  compile_rows+=("$cxx $(compile_time "$cxx" "$out/empty_tu.cpp") $(compile_time "$cxx" "$out/umbrella_tu.cpp")")
done

# Issue 12's compile targets, side by side in one run: a TU that presigns (the README's first
# example) header-only and with URLMINT_SEPARATE_COMPILATION, against a baseline TU.
python3 scripts/compile_cost.py --runs "$([[ -n "$smoke" ]] && echo 1 || echo 3)" --out "$out" >"$out/compile_cost.txt"

# -------------------------------------------------------------------------- report
{
  cat "$out/machine.txt"
  echo
  echo "== presigning (median of repetitions; real = wall clock, cpu = on-CPU time) =="
  printf '%-58s %10s %10s %12s\n' benchmark real_ns cpu_ns items/s
  awk -F'\t' '{ printf "%-58s %10.0f %10.0f %12.0f\n", $1, $2, $3, $4 }' "$out/medians.tsv"
  echo
  floor=$(median BM_reference_sha256_floor_9_blocks 3)
  cached=$(median BM_presign_get_cached_key 3)
  one=$(median BM_presign_get_shared_signer_threads/real_time/threads:1 4)
  two=$(median BM_presign_get_shared_signer_threads/real_time/threads:2 4)
  evp=$(median BM_payload_sha256_openssl_evp_digest/16777216 5)
  ours=$(median BM_payload_sha256_urlmint/16777216 5)
  prepared=$(median BM_presigner/get 3)
  prepared_ct=$(median BM_presigner/put_signed_content_type 3)
  oneshot_ct=$(median BM_presign_put_signed_content_type 3)
  python3 - "$floor" "$cached" "$one" "$two" "$evp" "$ours" "$prepared" "$prepared_ct" "$oneshot_ct" <<'PY'
import sys
floor, cached, one, two, evp, ours, prep, prep_ct, one_ct = (float(x) if x else float('nan') for x in sys.argv[1:])
print(f'presign GET, cached key: {cached:.0f} ns cpu = {cached / floor:.2f}x the 9-block SHA-256 floor ({floor:.0f} ns); target <= 1.3x')
print(f'presigner GET (prepared bucket and options): {prep:.0f} ns cpu = {prep / floor:.2f}x the floor')
print(f'with a signed Content-Type: {one_ct:.0f} ns = {one_ct / cached:.2f}x the plain presign (presigner: {prep_ct:.0f} ns = '
      f'{prep_ct / prep:.2f}x); target <= 1.5x')
print(f'two threads / one thread: {two / one:.2f}x (target >= 1.8x)')
print(f'payload SHA-256 vs EVP_Digest, 16 MiB: {ours / evp * 100:.0f}% (target >= 90%)')
PY
  echo
  echo "== peers (ns/op wall clock; x urlmint = how many times slower than urlmint) =="
  cat "$out/comparison.txt"
  echo
  echo "== footprint =="
  echo "urlmint CLI stripped: $stripped bytes ($((stripped / 1024)) KiB)"
  echo "--batch, $lines URLs to /dev/null: ${null_s} s wall (${null_user} s user, ${null_sys} s sys), peak RSS ${null_rss} KiB"
  echo "--batch, $lines URLs to a file:    ${file_s} s wall, peak RSS ${file_rss} KiB"
  python3 - "$lines" "$ref_cpu" "$one_cpu" "$identical" "$jobs1_wall" "$jobs2_wall" <<'PY'
import sys
n, ref, one, same, w1, w2 = sys.argv[1:]
n, ref, one, w1, w2 = int(n), float(ref), float(one), float(w1), float(w2)
# A fast machine finishes the smoke run's lines within the clock's 10 ms resolution.
ref, w2 = max(ref, 0.01), max(w2, 0.01)
print(f'--batch vs the hand-tuned reference, {n} URLs to a file (CPU, best of 3): {one / n * 1e9:.0f} vs {ref / n * 1e9:.0f} ns/URL '
      f'= {one / ref:.2f}x (target <= 1.25x); byte-identical: {same}')
print(f'--batch --jobs 2 vs --jobs 1 (wall, median of 3): {w1 / w2:.2f}x faster (target >= 1.8x on 2 idle cores)')
PY
  for row in "${compile_rows[@]}"; do
    read -r cxx empty umbrella <<<"$row"
    echo "compile, $cxx -O2: empty TU ${empty} s, TU including urlmint.hpp ${umbrella} s"
  done
  cat "$out/compile_cost.txt"
  echo "(targets: a TU that presigns at most 3x the baseline separate, 8x header-only)"
} | tee "$out/summary.txt"
log "results in $out (summary.txt, comparison.md, *.json)"

# ------------------------------------------------------------------------------ transfers
if [[ -z "${BENCH_SKIP_TRANSFER:-}" ]]; then
  if [[ -n "${BENCH_QUICK:-}" ]]; then
    export BENCH_TRANSFER_MIB=${BENCH_TRANSFER_MIB:-256} BENCH_TRANSFER_FILES=${BENCH_TRANSFER_FILES:-500}
  fi
  if command -v aws >/dev/null; then
    bench/transfer/run.sh "$cli" "$out" | tee -a "$out/summary.txt"
  else
    log "no aws CLI: transfer comparison skipped (pip install awscli)"
  fi
fi
