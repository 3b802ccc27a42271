#!/usr/bin/env bash
# Side-by-side transfer benchmark: `urlmint s3 cp` against `aws s3 cp` (and rclone when it is
# installed), against the same local S3 server in the same run (issue 17). Workloads: one big
# file up and down, and many small files each way. Figures per run: wall time, client CPU
# (user+sys of the client process and its children, from /usr/bin/time), peak RSS, and a
# SHA-256 check that the bytes round-tripped.
#
#   bench/transfer/run.sh URLMINT_BINARY [OUT_DIR]
#
# Environment: URLMINT_TEST_S3_* (scripts/swift-s3.sh; started here when unset),
#   BENCH_TRANSFER_MIB (default 1024), BENCH_TRANSFER_FILES (default 2000),
#   BENCH_TRANSFER_FILE_KIB (default 20), BENCH_TRANSFER_JOBS (small-file concurrency when the
#   CLI has no --recursive, default 10, the AWS CLI's max_concurrent_requests).
# Only 127.0.0.1 is contacted. Nothing here is pass/fail.
set -euo pipefail
cli=$(realpath "$1")
out=${2:-build/bench-results}
mkdir -p "$out"
cd "$(dirname "$0")/../.."
log() { printf '[transfer-bench] %s\n' "$*" >&2; }

mib=${BENCH_TRANSFER_MIB:-1024}
files=${BENCH_TRANSFER_FILES:-2000}
kib=${BENCH_TRANSFER_FILE_KIB:-20}
jobs=${BENCH_TRANSFER_JOBS:-10}
work=$(mktemp -d /tmp/urlmint-transfer-bench.XXXXXX)
started_server=""
cleanup() {
  [[ -n "$started_server" ]] && scripts/swift-s3.sh stop "$started_server" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z "${URLMINT_TEST_S3_ENDPOINT:-}" ]]; then
  started_server="$work/swift"
  mkdir -p "$started_server"
  scripts/swift-s3.sh start "$started_server" >&2
  # shellcheck disable=SC1091
  . "$started_server/env"
fi
[[ "$URLMINT_TEST_S3_ENDPOINT" == http://127.0.0.1:* ]] || { log "endpoint must be on 127.0.0.1"; exit 1; }
export AWS_ACCESS_KEY_ID=$URLMINT_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$URLMINT_TEST_S3_SECRET_KEY
export AWS_REGION=${URLMINT_TEST_S3_REGION:-us-east-1} AWS_DEFAULT_REGION=${URLMINT_TEST_S3_REGION:-us-east-1}
export AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null
# The AWS CLI with path-style addressing, its default transfer settings otherwise.
printf '[default]\ns3 =\n  addressing_style = path\n' >"$work/aws-config"
export AWS_CONFIG_FILE="$work/aws-config"
ep=$URLMINT_TEST_S3_ENDPOINT
bucket=urlmint-bench-$$
# Wrapper commands (not functions: /usr/bin/time and xargs run them).
printf '#!/bin/sh\nexec "%s" "$@" --endpoint-url "%s" --addressing-style path --no-progress\n' "$cli" "$ep" >"$work/um"
printf '#!/bin/sh\nexec aws --endpoint-url "%s" --only-show-errors s3 "$@"\n' "$ep" >"$work/aws_cp"
chmod +x "$work/um" "$work/aws_cp"
um=$work/um
aws_cp=$work/aws_cp

curl -sf --aws-sigv4 "aws:amz:$AWS_REGION:s3" --netrc-file <(printf 'machine 127.0.0.1 login %s password %s\n' \
  "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY") -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" \
  -X PUT "$ep/$bucket" >/dev/null

log "data: one ${mib} MiB file and ${files} files of ${kib} KiB in $work"
big="$work/big.bin"
head -c $((mib * 1024 * 1024)) /dev/urandom >"$big"
big_sum=$(sha256sum "$big" | cut -d' ' -f1)
mkdir -p "$work/small"
python3 - "$work/small" "$files" "$kib" <<'EOF'
import os, sys
d, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(os.path.join(d, "chart-%05d.png" % i), "wb") as f:
        f.write(os.urandom(k * 1024))
EOF
small_sum=$(cd "$work/small" && find . -type f | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
recursive=""
"$cli" s3 cp --help | grep -q -- '--recursive' && recursive=yes

# measure NAME CHECK-COMMAND -- COMMAND...: one row of the table.
results="$out/transfer.md"
{
  echo "# transfer benchmark: $(date -u +%FT%TZ), server Swift s3api at $ep"
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $(uname -sr)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# urlmint: $("$cli" --version), aws: $(aws --version 2>&1)"
  echo "# small files with urlmint: $([[ -n $recursive ]] && echo 's3 cp --recursive' || echo "one 's3 cp' per file, $jobs at once (xargs -P)")"
  echo
  echo "| workload | client | wall s | CPU s (user+sys) | CPU s per GiB | peak RSS MiB | bytes verified |"
  echo "|---|---|---:|---:|---:|---:|---|"
} >"$results"
measure() {
  local workload=$1 client=$2 gib=$3 check=$4
  shift 4
  local t="$work/time.txt"
  sync
  if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >"$work/cmd.out" 2>"$work/cmd.err"; then
    log "$workload/$client failed: $(tail -3 "$work/cmd.err")"
    echo "| $workload | $client | failed | | | | |" >>"$results"
    return
  fi
  read -r wall user sys rss_kib <"$t"
  local cpu ok
  cpu=$(python3 -c "print(round($user + $sys, 2))")
  ok=$(eval "$check" && echo "yes (SHA-256)" || echo "NO")
  # /usr/bin/time's %M is the largest single process (the client itself, or the largest of xargs' children).
  printf '| %s | %s | %.2f | %.2f | %.2f | %d | %s |\n' "$workload" "$client" "$wall" "$cpu" \
    "$(python3 -c "print($cpu / $gib)")" $((rss_kib / 1024)) "$ok" >>"$results"
  log "$workload $client: wall ${wall}s cpu ${cpu}s rss $((rss_kib / 1024))MiB verified=$ok"
}
gib_big=$(python3 -c "print($mib / 1024)")
gib_small=$(python3 -c "print($files * $kib / 1024 / 1024)")
rm_local() { rm -rf "$work/down" && mkdir -p "$work/down"; }
sum_big() { [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$big_sum" ]]; }
sum_small() { [[ "$(cd "$1" && find . -type f | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)" == "$small_sum" ]]; }

# 1. the big file, up then down, each client its own key.
measure "${mib} MiB upload" urlmint "$gib_big" true "$um" s3 cp "$big" "s3://$bucket/big-urlmint.bin"
measure "${mib} MiB upload" "aws s3 cp" "$gib_big" true "$aws_cp" cp "$big" "s3://$bucket/big-aws.bin"
rm_local
measure "${mib} MiB download" urlmint "$gib_big" 'sum_big "$work/down/u.bin"' \
  "$um" s3 cp "s3://$bucket/big-urlmint.bin" "$work/down/u.bin"
measure "${mib} MiB download" "aws s3 cp" "$gib_big" 'sum_big "$work/down/a.bin"' \
  "$aws_cp" cp "s3://$bucket/big-aws.bin" "$work/down/a.bin"
rm_local

# 2. many small files each way.
if [[ -n $recursive ]]; then
  measure "${files} x ${kib} KiB upload" urlmint "$gib_small" true "$um" s3 cp --recursive "$work/small" "s3://$bucket/su/"
  measure "${files} x ${kib} KiB download" urlmint "$gib_small" 'sum_small "$work/down/su"' \
    "$um" s3 cp --recursive "s3://$bucket/su/" "$work/down/su"
else
  measure "${files} x ${kib} KiB upload" urlmint "$gib_small" true bash -c \
    "cd '$work/small' && ls | xargs -P $jobs -I{} '$um' s3 cp {} s3://$bucket/su/{} >/dev/null"
  mkdir -p "$work/down/su"
  measure "${files} x ${kib} KiB download" urlmint "$gib_small" 'sum_small "$work/down/su"' bash -c \
    "cd '$work/small' && ls | xargs -P $jobs -I{} '$um' s3 cp s3://$bucket/su/{} '$work/down/su/{}'"
fi
measure "${files} x ${kib} KiB upload" "aws s3 cp" "$gib_small" true "$aws_cp" cp --recursive "$work/small" "s3://$bucket/sa/"
measure "${files} x ${kib} KiB download" "aws s3 cp" "$gib_small" 'sum_small "$work/down/sa"' \
  "$aws_cp" cp --recursive "s3://$bucket/sa/" "$work/down/sa"
echo >>"$results"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"
cat "$results"
