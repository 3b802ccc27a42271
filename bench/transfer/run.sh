#!/usr/bin/env bash
# Side-by-side transfer benchmark (issue 17): `urlmint s3 cp` against `aws s3 cp` and rclone
# (when installed), against the same local S3 server in the same run. Workloads: one big file
# up and down, and many small files each way (`s3 cp --recursive`). Figures per run: wall time,
# client CPU (user+sys of the client process and its children, from /usr/bin/time), peak RSS,
# the server's CPU over the same interval, and a SHA-256 check that the bytes round-tripped.
#
#   bench/transfer/run.sh URLMINT_BINARY [OUT_DIR]
#
# Environment:
#   BENCH_TRANSFER_SERVER   swift (default) or moto (python3 -m moto.server on 127.0.0.1)
#   URLMINT_TEST_S3_*       use this running server instead (scripts/swift-s3.sh env); its CPU
#                           is then measured from the processes matching BENCH_SERVER_PATTERN
#   BENCH_TRANSFER_MIB      big file size (default 1024)
#   BENCH_TRANSFER_FILES    small files (default 2000), BENCH_TRANSFER_FILE_KIB (default 20)
#   BENCH_TRANSFER_CLIENTS  which clients (default "urlmint aws rclone")
#   BENCH_TRANSFER_TLS_MIB  size of the payload-mode rows through an https front (default 256;
#                           0 skips): urlmint signed vs --unsigned-payload --checksum-algorithm
#                           CRC64NVME, one PUT each (Swift's s3api takes no multipart checksums)
#   BENCH_TRANSFER_SMALL_JOBS  extra urlmint small-file upload rows at these --jobs (ceiling probe)
# Every client runs with its default transfer settings. Only 127.0.0.1 is contacted. Nothing
# here is pass/fail.
set -euo pipefail
cli=$(realpath "$1")
out=${2:-build/bench-results}
mkdir -p "$out"
out=$(realpath "$out")
cd "$(dirname "$0")/../.."
log() { printf '[transfer-bench] %s\n' "$*" >&2; }

mib=${BENCH_TRANSFER_MIB:-1024}
files=${BENCH_TRANSFER_FILES:-2000}
kib=${BENCH_TRANSFER_FILE_KIB:-20}
clients=${BENCH_TRANSFER_CLIENTS:-urlmint aws rclone}
tls_mib=${BENCH_TRANSFER_TLS_MIB:-256}
server=${BENCH_TRANSFER_SERVER:-swift}
work=$(mktemp -d /tmp/urlmint-transfer-bench.XXXXXX)
started_server=""
moto_pid=""
proxy_pid=""
cleanup() {
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null || true
  [[ -n "$moto_pid" ]] && kill "$moto_pid" 2>/dev/null || true
  [[ -n "$started_server" ]] && scripts/swift-s3.sh stop "$started_server" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
server_pattern=${BENCH_SERVER_PATTERN:-}
if [[ -z "${URLMINT_TEST_S3_ENDPOINT:-}" && "$server" == moto ]]; then
  port=$(free_port)
  python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
  export URLMINT_TEST_S3_ENDPOINT=http://127.0.0.1:$port URLMINT_TEST_S3_ACCESS_KEY=bench URLMINT_TEST_S3_SECRET_KEY=bench
  server_pattern="moto.server -H 127.0.0.1 -p $port"
  server_name="moto $(python3 -c 'import moto; print(moto.__version__)') server mode"
elif [[ -z "${URLMINT_TEST_S3_ENDPOINT:-}" ]]; then
  started_server="$work/swift"
  mkdir -p "$started_server"
  scripts/swift-s3.sh start "$started_server" >&2
  # shellcheck disable=SC1091
  . "$started_server/env"
  server_pattern="$started_server"
  server_name="Swift s3api (one process per server, workers = 0)"
else
  server_name="the server at URLMINT_TEST_S3_ENDPOINT"
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
# Wrapper commands (not functions: /usr/bin/time runs them).
printf '#!/bin/sh\nexec "%s" "$@" --endpoint-url "%s" --addressing-style path --no-progress\n' "$cli" "$ep" >"$work/um"
printf '#!/bin/sh\nexec aws --endpoint-url "%s" --only-show-errors s3 "$@"\n' "$ep" >"$work/aws_cp"
# rclone, configured offline from the environment (its defaults otherwise: 4 transfers, 4
# upload streams of 5 MiB chunks, multipart from 200 MiB, 4 download streams from 256 MiB).
: >"$work/rclone.conf"
printf '#!/bin/sh\nexec env -u AWS_CA_BUNDLE rclone --config "%s" -q "$@"\n' "$work/rclone.conf" >"$work/rc"
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENDPOINT=$ep
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
export RCLONE_CONFIG_BENCH_REGION=$AWS_REGION RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true
chmod +x "$work/um" "$work/aws_cp" "$work/rc"
um=$work/um
aws_cp=$work/aws_cp
rc=$work/rc
has() { [[ " $clients " == *" $1 "* ]]; }
if has rclone && ! command -v rclone >/dev/null; then
  log "rclone is not installed (apt-get install rclone): its rows are skipped"
  clients=${clients/rclone/}
fi

"$cli" s3 mb "s3://$bucket" --endpoint-url "$ep" --addressing-style path >/dev/null

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

# The server's CPU seconds so far (user+sys of its processes), or empty when unknown.
server_cpu() {
  [[ -n "$server_pattern" ]] || return 0
  local pids
  pids=$(pgrep -f -- "$server_pattern" | tr '\n' ' ')
  python3 - $pids <<'EOF'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
total = 0
for pid in sys.argv[1:]:
    try:
        fields = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        pass
print(total / tick)
EOF
}

results="$out/transfer.md"
{
  echo "# transfer benchmark: $(date -u +%FT%TZ), server $server_name at $ep"
  echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $(uname -sr)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# urlmint: $("$cli" --version), aws: $(aws --version 2>&1)$(has rclone && echo ", $(rclone version 2>/dev/null | head -1)")"
  echo "# every client at its default transfer settings; urlmint's small files: s3 cp --recursive"
  echo
  echo "| workload | client | wall s | CPU s (user+sys) | CPU s per GiB | peak RSS MiB | server CPU s | bytes verified |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
} >"$results"
# measure WORKLOAD CLIENT GIB CHECK-COMMAND COMMAND...: one row of the table.
measure() {
  local workload=$1 client=$2 gib=$3 check=$4
  shift 4
  local t="$work/time.txt" s0 s1 scpu
  sync
  s0=$(server_cpu)
  if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >"$work/cmd.out" 2>"$work/cmd.err"; then
    log "$workload/$client failed: $(tail -3 "$work/cmd.err")"
    echo "| $workload | $client | failed | | | | | |" >>"$results"
    return
  fi
  s1=$(server_cpu)
  scpu=$([[ -n "$s0" ]] && python3 -c "print('%.2f' % ($s1 - $s0))" || echo "")
  read -r wall user sys rss_kib <"$t"
  local cpu ok
  cpu=$(python3 -c "print(round($user + $sys, 2))")
  ok=$(eval "$check" && echo "yes (SHA-256)" || echo "NO")
  printf '| %s | %s | %.2f | %.2f | %.2f | %d | %s | %s |\n' "$workload" "$client" "$wall" "$cpu" \
    "$(python3 -c "print($cpu / $gib)")" $((rss_kib / 1024)) "$scpu" "$ok" >>"$results"
  log "$workload $client: wall ${wall}s cpu ${cpu}s rss $((rss_kib / 1024))MiB server ${scpu}s verified=$ok"
}
gib_big=$(python3 -c "print($mib / 1024)")
gib_small=$(python3 -c "print($files * $kib / 1024 / 1024)")
sum_big() { [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$big_sum" ]]; }
sum_small() { [[ "$(cd "$1" && find . -type f | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)" == "$small_sum" ]]; }
# An upload is verified by the client's own download of it (the download rows).
mkdir -p "$work/down"

# 1. the big file, up then down, each client its own key.
has urlmint && measure "${mib} MiB upload" urlmint "$gib_big" true "$um" s3 cp "$big" "s3://$bucket/big-urlmint.bin" --quiet
has aws && measure "${mib} MiB upload" "aws s3 cp" "$gib_big" true "$aws_cp" cp "$big" "s3://$bucket/big-aws.bin"
has rclone && measure "${mib} MiB upload" rclone "$gib_big" true "$rc" copyto "$big" "bench:$bucket/big-rclone.bin"
has urlmint && measure "${mib} MiB download" urlmint "$gib_big" 'sum_big "$work/down/u.bin"' \
  "$um" s3 cp "s3://$bucket/big-urlmint.bin" "$work/down/u.bin"
rm -f "$work/down/u.bin"
has aws && measure "${mib} MiB download" "aws s3 cp" "$gib_big" 'sum_big "$work/down/a.bin"' \
  "$aws_cp" cp "s3://$bucket/big-aws.bin" "$work/down/a.bin"
rm -f "$work/down/a.bin"
has rclone && measure "${mib} MiB download" rclone "$gib_big" 'sum_big "$work/down/r.bin"' \
  "$rc" copyto "bench:$bucket/big-rclone.bin" "$work/down/r.bin"
rm -f "$work/down/r.bin"

# 2. many small files each way.
if has urlmint; then
  measure "${files} x ${kib} KiB upload" urlmint "$gib_small" true \
    "$um" s3 cp --recursive "$work/small" "s3://$bucket/su/" --only-show-errors
  measure "${files} x ${kib} KiB download" urlmint "$gib_small" 'sum_small "$work/down/su"' \
    "$um" s3 cp --recursive "s3://$bucket/su/" "$work/down/su" --only-show-errors
  rm -rf "$work/down/su"
  for j in ${BENCH_TRANSFER_SMALL_JOBS:-}; do
    measure "${files} x ${kib} KiB upload" "urlmint --jobs $j" "$gib_small" true \
      "$um" s3 cp --recursive "$work/small" "s3://$bucket/sj$j/" --only-show-errors --jobs "$j"
  done
fi
if has aws; then
  measure "${files} x ${kib} KiB upload" "aws s3 cp" "$gib_small" true "$aws_cp" cp --recursive "$work/small" "s3://$bucket/sa/"
  measure "${files} x ${kib} KiB download" "aws s3 cp" "$gib_small" 'sum_small "$work/down/sa"' \
    "$aws_cp" cp --recursive "s3://$bucket/sa/" "$work/down/sa"
  rm -rf "$work/down/sa"
fi
if has rclone; then
  measure "${files} x ${kib} KiB upload" rclone "$gib_small" true "$rc" copy "$work/small" "bench:$bucket/sr/"
  measure "${files} x ${kib} KiB download" rclone "$gib_small" 'sum_small "$work/down/sr"' \
    "$rc" copy "bench:$bucket/sr/" "$work/down/sr"
  rm -rf "$work/down/sr"
fi

# 3. urlmint's payload modes through an https front (tests/fault_proxy.py with a fresh CA,
# passing every request): the signed payload (SHA-256; no Content-MD5) against UNSIGNED-PAYLOAD
# with CRC64NVME, one PUT of the same bytes each (urlmint refuses UNSIGNED-PAYLOAD over http).
if has urlmint && [[ "$tls_mib" -gt 0 ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/tls.key" -out "$work/tls.pem" >/dev/null 2>&1
  up_port=${ep##*:}
  python3 - "$up_port" "$work/tls.pem" "$work/tls.key" >"$work/proxy.port" <<'EOF' &
import sys, time
sys.path.insert(0, "tests")
from fault_proxy import FaultProxy
p = FaultProxy(int(sys.argv[1]), tls=(sys.argv[2], sys.argv[3])).start()
print(p.port, flush=True)
while True:
    time.sleep(3600)
EOF
  proxy_pid=$!
  for _ in $(seq 100); do [[ -s "$work/proxy.port" ]] && break; sleep 0.1; done
  tls_ep=https://127.0.0.1:$(cat "$work/proxy.port")
  head -c $((tls_mib * 1024 * 1024)) "$big" >"$work/tls.bin"
  gib_tls=$(python3 -c "print($tls_mib / 1024)")
  one_put=(--multipart-threshold 5368709120 --ca-bundle "$work/tls.pem" --quiet --no-progress --addressing-style path)
  measure "${tls_mib} MiB one PUT, https, signed payload (SHA-256)" urlmint "$gib_tls" true \
    "$cli" s3 cp "$work/tls.bin" "s3://$bucket/tls-signed.bin" --endpoint-url "$tls_ep" "${one_put[@]}"
  measure "${tls_mib} MiB one PUT, https, UNSIGNED-PAYLOAD + CRC64NVME" urlmint "$gib_tls" true \
    "$cli" s3 cp "$work/tls.bin" "s3://$bucket/tls-unsigned.bin" --endpoint-url "$tls_ep" "${one_put[@]}" \
    --unsigned-payload --checksum-algorithm CRC64NVME
  measure "${tls_mib} MiB multipart, https, UNSIGNED-PAYLOAD + Content-MD5" urlmint "$gib_tls" true \
    "$cli" s3 cp "$work/tls.bin" "s3://$bucket/tls-unsigned-mp.bin" --endpoint-url "$tls_ep" --unsigned-payload \
    --ca-bundle "$work/tls.pem" --quiet --no-progress --addressing-style path
  measure "${tls_mib} MiB multipart, https, signed payload (SHA-256)" urlmint "$gib_tls" true \
    "$cli" s3 cp "$work/tls.bin" "s3://$bucket/tls-signed-mp.bin" --endpoint-url "$tls_ep" \
    --ca-bundle "$work/tls.pem" --quiet --no-progress --addressing-style path
fi
echo >>"$results"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"
cat "$results"
