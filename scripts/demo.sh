#!/usr/bin/env bash
# The main job end to end on a fresh Debian 12 machine (run as root, or with sudo available):
#   1. install what is missing (scripts/install-deps.sh --with-swift),
#   2. build the urlmint CLI (Release) in build/demo,
#   3. start a local S3 server (OpenStack Swift with s3api) on 127.0.0.1,
#   4. create a bucket and generate a chart PNG,
#   5. upload it with `urlmint s3 cp` and the seed's headers
#      (Content-Type: image/png, Cache-Control: max-age=31536000), print its URL,
#   6. download the URL with plain curl and check the bytes and headers,
#   7. stop the server (also on failure).
# Nothing leaves this machine: every request goes to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n== %s ==\n' "$*" >&2; }

step "installing dependencies (only what is missing)"
scripts/install-deps.sh --with-swift

step "building the urlmint CLI (Release)"
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DURLMINT_BUILD_TESTS=OFF \
  -DURLMINT_BUILD_BENCH=OFF -DURLMINT_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/demo --target urlmint_cli
urlmint="$root/build/demo/tools/urlmint/urlmint"

work=$(mktemp -d /tmp/urlmint-demo.XXXXXX)
swift_started=""
cleanup() {
  if [[ -n "$swift_started" ]]; then
    step "stopping the local S3 server"
    scripts/swift-s3.sh stop "$work/swift" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "starting a local S3 server (Swift s3api) on 127.0.0.1"
mkdir -p "$work/swift"
swift_started=1
scripts/swift-s3.sh start "$work/swift" >/dev/null
# shellcheck disable=SC1091
source "$work/swift/env"
export AWS_ACCESS_KEY_ID=$URLMINT_TEST_S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$URLMINT_TEST_S3_SECRET_KEY
export AWS_REGION=$URLMINT_TEST_S3_REGION
export AWS_ENDPOINT_URL_S3=$URLMINT_TEST_S3_ENDPOINT
unset CLOUDFRONT_DOMAIN  # no CloudFront here: the link is a 7-day presigned URL
echo "endpoint: $URLMINT_TEST_S3_ENDPOINT" >&2

step "creating the bucket"
bucket=charts-demo
# Plain curl signs this one itself. The access key ("test:tester") contains ':', so it goes in a
# netrc file rather than --user, which would split it there.
printf 'machine 127.0.0.1 login %s password %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" > "$work/netrc"
chmod 600 "$work/netrc"
status=$(curl -sS -o "$work/mb.xml" -w '%{http_code}' --netrc-file "$work/netrc" \
  --aws-sigv4 "aws:amz:$AWS_REGION:s3" \
  -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
  -X PUT "$AWS_ENDPOINT_URL_S3/$bucket")
[[ "$status" == 200 ]] || { echo "demo: creating the bucket failed with HTTP $status: $(cat "$work/mb.xml")" >&2; exit 1; }

step "generating a chart PNG"
python3 scripts/chart_png.py "$work/chart.png"
ls -l "$work/chart.png" >&2

step "uploading with urlmint s3 cp"
key="charts/$(date -u +%Y%m%dT%H%M%SZ)-sales.png"
url=$("$urlmint" s3 cp "$work/chart.png" "s3://$bucket/$key" --addressing-style path \
  --content-type image/png --cache-control max-age=31536000 --no-progress)
echo "URL: $url"

step "downloading the URL with plain curl"
curl -sS -D "$work/headers" -o "$work/downloaded.png" "$url"
head -1 "$work/headers" >&2
grep -i -E '^(content-type|cache-control|content-length):' "$work/headers" >&2
cmp "$work/chart.png" "$work/downloaded.png"
grep -qi '^content-type: image/png' "$work/headers"
grep -qi '^cache-control: max-age=31536000' "$work/headers"
echo "demo: OK: the downloaded bytes are identical to the uploaded chart ($(stat -c %s "$work/chart.png") bytes)" >&2
