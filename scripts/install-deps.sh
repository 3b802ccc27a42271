#!/usr/bin/env bash
# Installs what building and testing urlmint needs on Debian 12, only what is missing.
# Usage: scripts/install-deps.sh [--with-swift]
set -euo pipefail

packages=(g++ clang libclang-rt-14-dev cmake ninja-build meson pkg-config libssl-dev libcurl4-openssl-dev
          catch2 libbenchmark-dev curl python3 attr man-db)
# Debian's awscrt: botocore signs SigV4a (multi-region access points) with it, the second opinion
# of tests/mrap_cli_test.py (which finds it in /usr/lib/python3/dist-packages).
packages+=(python3-awscrt)
if [[ "${1:-}" == "--with-swift" ]]; then
  packages+=(swift swift-proxy swift-account swift-container swift-object)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The tests compare with botocore (and cryptography for CloudFront); Debian packages them when
# the machine's python3 lacks them.
if ! python3 -c "import botocore, cryptography" 2>/dev/null; then
  missing+=(python3-botocore python3-cryptography)
fi
# tests/s3_cli_test.py compares `urlmint s3` with the AWS CLI v1 and reads headers with boto3.
if ! python3 -c "import boto3, awscli" 2>/dev/null && ! command -v aws >/dev/null; then
  missing+=(python3-boto3 awscli)
fi
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
