#!/usr/bin/env bash
# Peer presigner comparison: installs what is missing, runs the node and
# python peers on the fixed inputs (frozen clock, no network), prints a table.
#
#   bench/peers/run.sh                 # install if needed, run all, table
#   PEERS_TARGET_MS=300 run.sh         # quicker, noisier (default 1500 ms/peer)
#   PEERS_NO_INSTALL=1 run.sh          # never call npm/apt
#   PEERS_OUT=/path/x.tsv run.sh       # keep raw output there
#                                      # (default: a temp file, path printed)
#
# Appending urlmint's own numbers later:
#   { cat "$PEERS_OUT"; printf 'urlmint\tpresign-get\t%s\t1\n' "$NS"; } \
#     | python3 bench/peers/table.py
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# PEERS_OUT is relative to where we were started, not to bench/peers (we cd there next).
OUT="${PEERS_OUT:-$(mktemp -t urlmint-peers.XXXXXX.tsv)}"
[[ "$OUT" == /* ]] || OUT="$PWD/$OUT"
cd "$HERE"
export PEERS_TARGET_MS="${PEERS_TARGET_MS:-1500}"
: > "$OUT"
log() { printf '[peers] %s\n' "$*" >&2; }

# ------------------------------------------------------------------ install
can_import() { "$1" -c "import $2" >/dev/null 2>&1; }
apt_install() {
  [[ -n "${PEERS_NO_INSTALL:-}" ]] && return 1
  command -v apt-get >/dev/null || return 1
  [[ $(id -u) -eq 0 ]] || { log "not root: cannot apt-get install $*"; return 1; }
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; }
}

if command -v node >/dev/null && command -v npm >/dev/null; then
  if [[ -z "${PEERS_NO_INSTALL:-}" ]] && { [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules ]]; }; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
  HAVE_NODE=1
else
  log "node/npm missing: node peers skipped"; HAVE_NODE=
fi

# Python interpreters: prefer the one on PATH (may be pyenv), then Debian's.
PYS=()
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null; then
    r="$(command -v "$p")"
    [[ " ${PYS[*]-} " == *" $r "* ]] || PYS+=("$r")
  fi
done
pick_py() {  # first interpreter that imports all of "$@"
  for py in "${PYS[@]}"; do
    local ok=1
    for m in "$@"; do can_import "$py" "$m" || { ok=; break; }; done
    [[ -n $ok ]] && { echo "$py"; return 0; }
  done
  return 1
}

PY_CRT="$(pick_py awscrt.auth || true)"
if [[ -z "$PY_CRT" ]] && apt_install python3-awscrt; then
  PY_CRT="$(pick_py awscrt.auth || true)"
fi
PY_BOTO="$(pick_py botocore cryptography || true)"
if [[ -z "$PY_BOTO" ]] && apt_install python3-botocore python3-cryptography; then
  PY_BOTO="$(pick_py botocore cryptography || true)"
fi

# ---------------------------------------------------------------------- run
{
  echo "# peers run $(date -u +%FT%TZ) on $(uname -srm), $(nproc) cpu(s), target ${PEERS_TARGET_MS} ms per measurement"
  echo "# model: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
} | tee -a "$OUT" >&2

if [[ -n "$HAVE_NODE" ]]; then
  log "node $(node --version): aws4, @smithy/signature-v4, @aws-sdk/s3-request-presigner, @aws-sdk/cloudfront-signer"
  node --no-warnings peers.js | tee -a "$OUT" | grep -v '^#' >&2
fi
if [[ -n "$PY_BOTO" ]]; then
  log "$PY_BOTO: botocore + CloudFrontSigner"
  "$PY_BOTO" peers.py --peers botocore,cloudfront | tee -a "$OUT" | grep -v '^#' >&2
else
  log "no python with botocore+cryptography: botocore peers skipped"
fi
if [[ -n "$PY_CRT" ]]; then
  log "$PY_CRT: awscrt"
  "$PY_CRT" peers.py --peers awscrt | tee -a "$OUT" | grep -v '^#' >&2
else
  log "no python with awscrt: awscrt peer skipped"
fi

log "raw output (URLs, signatures, N): $OUT"
echo
python3 table.py < "$OUT" 2>/dev/null || /usr/bin/python3 table.py < "$OUT"
