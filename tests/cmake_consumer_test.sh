#!/usr/bin/env bash
# Installs urlmint into a temporary prefix and builds a consumer project against it with
# find_package, then against the source tree with add_subdirectory; both must print AWS's
# documented presigned URL. Usage: cmake_consumer_test.sh SOURCE_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expected="https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"

cmake -S "$src" -B "$work/lib" -G Ninja -DURLMINT_BUILD_TESTS=OFF -DURLMINT_BUILD_TOOLS=OFF \
  -DURLMINT_BUILD_BENCH=OFF -DURLMINT_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --build "$work/lib" >/dev/null
cmake --install "$work/lib" >/dev/null
test -f "$work/prefix/share/pkgconfig/urlmint.pc"
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags urlmint | grep -q -- "-I$work/prefix/include"

check_programs() {  # DIR HOW: every consumer program prints the documented URL
  for program in consumer consumer_separate consumer_curl; do
    [[ "$("$1/$program")" == "$expected" ]] || { echo "$2 $program printed the wrong URL"; exit 1; }
  done
}

cmake -S "$src/tests/cmake_consumer" -B "$work/find" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/find" >/dev/null
check_programs "$work/find" "find_package(urlmint REQUIRED COMPONENTS curl)"

# An unknown component is refused, naming the ones there are.
if cmake -S "$src/tests/cmake_consumer" -B "$work/unknown" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
     -DURLMINT_CONSUMER_COMPONENTS="curl;frobnicate" >"$work/unknown.log" 2>&1; then
  echo "find_package accepted an unknown component"; exit 1
fi
grep -q 'urlmint has no component "frobnicate"' "$work/unknown.log" || { cat "$work/unknown.log"; exit 1; }

cmake -S "$src/tests/cmake_consumer" -B "$work/sub" -G Ninja -DURLMINT_CONSUMER_MODE=add_subdirectory \
  -DURLMINT_SOURCE_DIR="$src" >/dev/null
cmake --build "$work/sub" >/dev/null
check_programs "$work/sub" "add_subdirectory"
echo "cmake consumer: find_package (components curl, separate) and add_subdirectory build and sign in both compile modes"
