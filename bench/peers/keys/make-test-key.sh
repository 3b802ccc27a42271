#!/usr/bin/env bash
# TEST-ONLY key material for bench/peers.  NOT a secret, NOT for production:
# it is committed on purpose so that every peer signs with the same key.
#
#   ./make-test-key.sh          # (re)derive the public key + expected URL
#   ./make-test-key.sh --new    # also generate a fresh RSA-2048 key
#
# The expected CloudFront canned-policy URL is computed here with the openssl
# CLI only (no peer involved), so the peers are checked against it.
set -euo pipefail
cd "$(dirname "$0")"
KEY=TEST-ONLY-cloudfront-rsa2048.pem
if [[ "${1:-}" == "--new" || ! -f $KEY ]]; then
  openssl genrsa -traditional -out "$KEY" 2048 2>/dev/null
fi
openssl rsa -in "$KEY" -pubout -out TEST-ONLY-cloudfront-rsa2048.pub.pem 2>/dev/null

URL='https://d111111abcdef8.cloudfront.net/charts/chart.png'
KPID='K2JCJMDEHXQW5F'
EXP=1767225600
POLICY='{"Statement":[{"Resource":"'"$URL"'","Condition":{"DateLessThan":{"AWS:EpochTime":'"$EXP"'}}}]}'
# CloudFront's URL-safe base64: '+' -> '-', '=' -> '_', '/' -> '~'
SIG=$(printf '%s' "$POLICY" | openssl dgst -sha1 -sign "$KEY" | base64 -w0 | tr '+=/' '-_~')
echo "$URL?Expires=$EXP&Signature=$SIG&Key-Pair-Id=$KPID" > TEST-ONLY-cloudfront-expected-url.txt
cat TEST-ONLY-cloudfront-expected-url.txt
