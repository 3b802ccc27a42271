// Presigning throughput on AWS's documented example input (see tests/data/aws-s3-examples).
#include <benchmark/benchmark.h>

#include <urlmint/urlmint.hpp>

namespace {

const urlmint::credentials example_creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::time_point example_time = *urlmint::parse_amz_date("20130524T000000Z");

void BM_presign_get_cached_key(benchmark::State& state) {
  urlmint::s3::signer signer(example_creds, {});
  urlmint::s3::presign_options o;
  o.expires_in = std::chrono::seconds(86400);
  for (auto _ : state) benchmark::DoNotOptimize(signer.presign("examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_cached_key);

void BM_presign_get_fresh_key(benchmark::State& state) {
  urlmint::s3::presign_options o;
  o.expires_in = std::chrono::seconds(86400);
  for (auto _ : state)
    benchmark::DoNotOptimize(urlmint::s3::presign(example_creds, {}, "examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_fresh_key);

}  // namespace

BENCHMARK_MAIN();
