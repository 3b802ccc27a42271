#!/usr/bin/env bash
# The one test command: installs what is missing, then builds and tests urlmint both ways.
#   1. CMake + g++, -Werror, AddressSanitizer + UBSan: every test, including the integration
#      tests against a real S3 server (OpenStack Swift's s3api) started on 127.0.0.1.
#   2. Meson + clang, -Werror: every unit test again with the other compiler and build system,
#      in separate-compilation mode (URLMINT_SEPARATE_COMPILATION, urlmint_separate_dep).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${URLMINT_JOBS:-$(nproc)}
# Nothing in the tests may reach the EC2/ECS metadata addresses (169.254.x.x) or read the
# machine's own AWS files: tests that exercise those sources point them at 127.0.0.1 fakes.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_PROFILE \
  AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_CONFIG_FILE=/nonexistent/urlmint-tests/config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/urlmint-tests/credentials

scripts/install-deps.sh --with-swift

echo "== cmake + g++ + asan/ubsan ==" >&2
cmake -S . -B build/test-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ \
  -DURLMINT_WERROR=ON -DURLMINT_SANITIZE=address,undefined >/dev/null
cmake --build build/test-asan -j "$jobs"

swift_dir=""
cleanup() {
  if [[ -n "$swift_dir" ]]; then
    scripts/swift-s3.sh stop "$swift_dir" || true
    rm -rf "$swift_dir"
  fi
}
trap cleanup EXIT
if [[ -x scripts/swift-s3.sh ]]; then
  swift_dir=$(mktemp -d /tmp/urlmint-swift.XXXXXX)
  scripts/swift-s3.sh start "$swift_dir" >&2
  # shellcheck disable=SC1091
  source "$swift_dir/env"
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/test-asan --output-on-failure -j "$jobs"

# Opt-in (heavy: Ceph radosgw, about 290 MB and 20 s to start, plus Chromium): the browser
# uploads a presigned POST form to a real S3 server that implements POST Object.
if [[ "${URLMINT_BROWSER_TEST:-}" == 1 ]]; then
  echo "== browser test (headless Chromium, Ceph radosgw) ==" >&2
  tests/browser/run.sh build/test-asan/tools/urlmint/urlmint
fi

echo "== meson + clang, separate compilation ==" >&2
if [[ ! -f build/test-meson/build.ninja ]]; then
  CXX=clang++ meson setup build/test-meson -Dwerror=true -Dbuildtype=debugoptimized -Dseparate_compilation=true >/dev/null
fi
meson compile -C build/test-meson -j "$jobs" >/dev/null
# The slow CLI suites (botocore differentials, fault injection, servers) already ran against the
# CMake build above; here the separate-compilation binaries run every unit test and the quick CLI suites.
meson test -C build/test-meson --print-errorlogs --num-processes "$jobs" --no-suite slow | tee build/test-meson/summary.txt

# ThreadSanitizer: the concurrent tests (CTest label "thread": signing from many threads, the
# signing-key cache, credential refresh) built with -fsanitize=thread. g++, because clang links
# its TSan runtime statically and that clashes with tests that replace operator new.
echo "== cmake + g++ + tsan: tests labelled thread ==" >&2
cmake -S . -B build/test-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
  -DURLMINT_WERROR=ON -DURLMINT_SANITIZE=thread -DURLMINT_BUILD_TOOLS=OFF -DURLMINT_BUILD_BENCH=OFF \
  -DURLMINT_BUILD_EXAMPLES=OFF >/dev/null
mapfile -t tsan_tests < <(ctest --test-dir build/test-tsan -N -L thread | sed -n 's/^ *Test *#[0-9]*: *//p')
cmake --build build/test-tsan -j "$jobs" --target "${tsan_tests[@]}"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build/test-tsan -L thread --output-on-failure

# OpenSSL 3 without its deprecated APIs (-DOPENSSL_NO_DEPRECATED -DOPENSSL_API_COMPAT=30000):
# the signing tests, whose exact-string vectors prove the output is byte-identical.
echo "== cmake + g++, OPENSSL_NO_DEPRECATED ==" >&2
cmake -S . -B build/test-nodeprecated -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DURLMINT_WERROR=ON -DURLMINT_OPENSSL_NO_DEPRECATED=ON -DURLMINT_BUILD_BENCH=OFF -DURLMINT_BUILD_EXAMPLES=OFF >/dev/null
nodep_tests=(crypto_test sigv4_test sigv4a_test s3_test presign_fastpath_test cloudfront_test verify_test post_test
             checksums_test embedding_test)
cmake --build build/test-nodeprecated -j "$jobs" --target "${nodep_tests[@]}"
ctest --test-dir build/test-nodeprecated --output-on-failure -R "^($(IFS='|'; echo "${nodep_tests[*]}"))\$"

# The benchmarks can't rot: every benchmark and peer runs once; nothing is judged on time.
echo "== bench smoke ==" >&2
BENCH_SMOKE=1 BENCH_SKIP_TRANSFER=1 BENCH_BUILD=build/bench-smoke BENCH_OUT=build/bench-smoke-results scripts/bench.sh \
  >build/bench-smoke.log 2>&1 || { tail -40 build/bench-smoke.log; exit 1; }

# libFuzzer: every target in fuzz/ briefly (about 7 minutes in all; URLMINT_FUZZ_SECONDS=N sets
# seconds per target). Long runs: scripts/fuzz.sh 3600.
echo "== fuzzing ==" >&2
URLMINT_FUZZ_BUDGET=${URLMINT_FUZZ_BUDGET:-240} URLMINT_FUZZ_BUILD_DIR=build/fuzz URLMINT_FUZZ_SEED=${URLMINT_FUZZ_SEED:-1} scripts/fuzz.sh "${URLMINT_FUZZ_SECONDS:-auto}"

echo "== all tests passed ==" >&2
# One closing line for CI: every suite above has passed (set -e stops at the first failure).
cmake_tests=$(ctest --test-dir build/test-asan -N | sed -n 's/^Total Tests: //p')
meson_tests=$(sed -n 's/^Ok: *//p' build/test-meson/summary.txt)
fuzz_targets=$(find fuzz -maxdepth 1 -name 'fuzz_*.cpp' | wc -l)
echo "tests: $((cmake_tests + meson_tests + ${#tsan_tests[@]} + ${#nodep_tests[@]} + 1 + fuzz_targets)) passed, 0 failed"
