// SigV4a (AWS4-ECDSA-P256-SHA256) presigning throughput: a GET on a Multi-Region Access Point
// host, region set "*", 2013-05-24T00:00:00Z, 86400 s. Items/s is URLs per second. "cached"
// reuses the key pair derived from the credentials (sigv4a::key_cache); "uncached" derives it
// for every URL (HMAC KDF + a P-256 point multiplication + an OpenSSL key import).
#include <benchmark/benchmark.h>

#include <string>

#include <urlmint/sigv4a.hpp>

namespace {

namespace sigv4 = urlmint::sigv4;
namespace sigv4a = urlmint::sigv4a;

const urlmint::credentials example_creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

sigv4::request example_request() {
  sigv4::request req;
  req.host = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
  req.path = "/charts/chart.png";
  req.payload_hash = std::string(sigv4::unsigned_payload);
  return req;
}

sigv4a::params example_params() {
  sigv4a::params p;
  p.region = std::string(sigv4a::all_regions);
  p.service = "s3";
  p.time = *urlmint::parse_amz_date("20130524T000000Z");
  p.expires_in = std::chrono::seconds(86400);
  return p;
}

void BM_sigv4a_presign_cached_key(benchmark::State& state) {
  sigv4a::key_cache cache;
  const auto req = example_request();
  const auto p = example_params();
  for (auto _ : state) benchmark::DoNotOptimize(sigv4a::presign(req, example_creds, p, &cache));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sigv4a_presign_cached_key);

void BM_sigv4a_presign_uncached_key(benchmark::State& state) {
  const auto req = example_request();
  const auto p = example_params();
  for (auto _ : state) benchmark::DoNotOptimize(sigv4a::presign(req, example_creds, p, nullptr));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sigv4a_presign_uncached_key);

const std::string example_string_to_sign =
    "AWS4-ECDSA-P256-SHA256\n20130524T000000Z\n20130524/s3/aws4_request\n"
    "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04";

// The parts: key derivation alone, and one ECDSA signature of a string to sign.
void BM_sigv4a_derive_key_pair(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sigv4a::key_pair(example_creds));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sigv4a_derive_key_pair);

void BM_sigv4a_ecdsa_sign(benchmark::State& state) {
  const sigv4a::key_pair key(example_creds);
  for (auto _ : state) benchmark::DoNotOptimize(key.sign(example_string_to_sign));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sigv4a_ecdsa_sign);

void BM_sigv4a_verify(benchmark::State& state) {
  const sigv4a::key_pair key(example_creds);
  const std::string sig = key.sign(example_string_to_sign);
  for (auto _ : state) benchmark::DoNotOptimize(key.verify(example_string_to_sign, sig));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sigv4a_verify);

}  // namespace

BENCHMARK_MAIN();
