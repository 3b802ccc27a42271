// Header-signed S3 requests, including the payload SHA-256 a signed PUT needs
// (x-amz-content-sha256), on AWS's documented example bucket and date.
#include <benchmark/benchmark.h>

#include <string>

#include <urlmint/urlmint.hpp>

namespace {

const urlmint::credentials example_creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::time_point example_time = *urlmint::parse_amz_date("20130524T000000Z");

// The signature alone (payload hash given), through a signer's key cache.
void BM_sign_put_object_headers_only(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const std::string payload_hash = urlmint::sha256_hex("Welcome to Amazon S3.");
  for (auto _ : state)
    benchmark::DoNotOptimize(
        signer.sign("PUT", "examplebucket", "test$file.text", {}, {{"Content-Type", "text/plain"}}, payload_hash,
                    example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sign_put_object_headers_only);

// Hash the body, then sign: what a PutObject costs before the first byte is sent.
// Bytes/s is the body throughput; items/s is requests per second.
void BM_sign_put_object_with_payload_sha256(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    const std::string payload_hash = urlmint::sha256_hex(body);
    benchmark::DoNotOptimize(signer.sign("PUT", "examplebucket", "big.bin", {}, {}, payload_hash, example_time));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_sign_put_object_with_payload_sha256)->Arg(100 << 10)->Arg(100 << 20)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
