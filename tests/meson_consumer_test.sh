#!/usr/bin/env bash
# Builds tests/meson_consumer, a user's project that copies urlmint.wrap into subprojects/ and
# asks for dependency('urlmint-curl') etc. alone; every program must print AWS's documented
# presigned URL. Usage: meson_consumer_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expected="https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"

mkdir -p "$work/project/subprojects"
cp "$src/tests/meson_consumer/meson.build" "$src/tests/cmake_consumer/main.cpp" "$src/tests/cmake_consumer/curl_main.cpp" \
  "$work/project/"
cp "$src/urlmint.wrap" "$work/project/subprojects/"
# The sources where the wrap's directory= says; Meson then uses them without fetching anything.
mkdir -p "$work/project/subprojects/urlmint"
git -C "$src" ls-files -z | (cd "$src" && xargs -0 cp --parents -t "$work/project/subprojects/urlmint")
meson setup "$work/build" "$work/project" >/dev/null
meson compile -C "$work/build" >/dev/null
for program in consumer consumer_separate consumer_curl; do
  [[ "$("$work/build/$program")" == "$expected" ]] || { echo "meson consumer $program printed the wrong URL"; exit 1; }
done
echo "meson consumer: dependency('urlmint'), ('urlmint-separate') and ('urlmint-curl') through urlmint.wrap build and sign"
