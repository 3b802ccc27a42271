#!/usr/bin/env bash
# The browser test: starts a throw-away Ceph radosgw on 127.0.0.1 (scripts/ceph-rgw.sh), runs
# tests/browser/browser_test.py (headless Chromium submits urlmint's presigned POST forms),
# and stops the cluster whatever happens.
#   tests/browser/run.sh [URLMINT_CLI]   (default: build/test-asan/tools/urlmint/urlmint)
# Installs chromium, radosgw, ceph-mon and ceph-osd when missing (about 290 MB for Ceph).
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=${1:-build/test-asan/tools/urlmint/urlmint}
[[ -x "$cli" ]] || { echo "browser test: $cli is not an executable; build urlmint first" >&2; exit 2; }
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")

if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
  echo "browser test: installing chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends chromium >/dev/null
fi

rgw_dir=$(mktemp -d /tmp/urlmint-rgw.XXXXXX)
cleanup() {
  scripts/ceph-rgw.sh stop "$rgw_dir" || true
  rm -rf "$rgw_dir"
}
trap cleanup EXIT
started=$SECONDS
scripts/ceph-rgw.sh start "$rgw_dir" >/dev/null
echo "browser test: radosgw started in $((SECONDS - started)) s" >&2
# shellcheck disable=SC1091
source "$rgw_dir/env"
python3 tests/browser/browser_test.py "$cli"
