// Presigning throughput on AWS's documented example input (see tests/data/aws-s3-examples):
// GET https://examplebucket.s3.amazonaws.com/test.txt, 2013-05-24T00:00:00Z, 86400 s.
// Items/s is URLs per second; the reference rows show where the SHA-256 floor is.
#include <benchmark/benchmark.h>

#include <cstdio>   // std::fopen: the batch rows write to /dev/null like the CLI writes to stdout
#include <string>
#include <vector>

#include <urlmint/urlmint.hpp>

namespace {

const urlmint::credentials example_creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::credentials example_temp_creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                              "IQoJb3JpZ2luX2VjEXAMPLETOKEN");
const urlmint::time_point example_time = *urlmint::parse_amz_date("20130524T000000Z");

urlmint::s3::presign_options example_options() {
  urlmint::s3::presign_options o;
  o.expires_in = std::chrono::seconds(86400);
  return o;
}

// The floor: 9 SHA-256 compressions (a 5-block canonical request, 3+1 blocks of HMAC from
// cached pad states), with no encoding, formatting or key lookup at all.
void BM_reference_sha256_floor_9_blocks(benchmark::State& state) {
  const std::string canonical(5 * 64 - 9, 'c');  // 5 blocks once padded
  const std::string to_sign(133, 's');  // a string to sign's size: 3 blocks after the cached pad
  const urlmint::hmac_sha256_key key("k");
  for (auto _ : state) {
    const auto h = urlmint::sha256_of(canonical);
    auto inner = key.begin();
    inner.update(to_sign);
    benchmark::DoNotOptimize(h);
    benchmark::DoNotOptimize(key.finish(inner));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_reference_sha256_floor_9_blocks);

void BM_presign_get_cached_key(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const auto o = example_options();
  for (auto _ : state) benchmark::DoNotOptimize(signer.presign("examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_cached_key);

// The zero-allocation API: one buffer reused for every URL.
void BM_presign_get_cached_key_append(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const auto o = example_options();
  std::string url;
  url.reserve(1024);
  for (auto _ : state) {
    url.clear();
    signer.presign_append(url, "examplebucket", "test.txt", o, example_time);
    benchmark::DoNotOptimize(url.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_cached_key_append);

// Every URL on a new day: the signing key (4 HMACs) is derived and published each time.
void BM_presign_get_fresh_key_each_day(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const auto o = example_options();
  urlmint::time_point now = example_time;
  for (auto _ : state) {
    now += std::chrono::hours(24);
    benchmark::DoNotOptimize(signer.presign("examplebucket", "test.txt", o, now));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_fresh_key_each_day);

// No signer at all: s3::presign builds its plan and derives the key every call.
void BM_presign_get_free_function_general_path(benchmark::State& state) {
  const auto o = example_options();
  for (auto _ : state)
    benchmark::DoNotOptimize(urlmint::s3::presign(example_creds, {}, "examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_free_function_general_path);

// The free function with a key cache.
void BM_presign_get_general_path_cached_key(benchmark::State& state) {
  const auto o = example_options();
  urlmint::sigv4::signing_key_cache cache;
  for (auto _ : state)
    benchmark::DoNotOptimize(
        urlmint::s3::presign(example_creds, {}, "examplebucket", "test.txt", o, example_time, &cache));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_general_path_cached_key);

void BM_presign_get_session_token(benchmark::State& state) {
  const urlmint::s3::signer signer(example_temp_creds, {});
  const auto o = example_options();
  for (auto _ : state) benchmark::DoNotOptimize(signer.presign("examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_session_token);

void BM_presign_get_response_overrides(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  auto o = example_options();
  o.query.push_back({"response-content-disposition", "attachment; filename=\"report 2013.pdf\""});
  o.query.push_back({"response-content-type", "application/pdf"});
  for (auto _ : state) benchmark::DoNotOptimize(signer.presign("examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_response_overrides);

// An access point ARN as the bucket: the signer keeps the access point's plan (host, scope) in
// the thread's one-URL cache, built once per rotation like a plain bucket's (before, built per
// URL: 0.80 M URLs/s against 1.87 M now, this machine).
void BM_presign_get_access_point(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const auto o = example_options();
  std::string url;
  url.reserve(1024);
  for (auto _ : state) {
    url.clear();
    signer.presign_append(url, "arn:aws:s3:us-west-2:123456789012:accesspoint/charts", "test.txt", o, example_time);
    benchmark::DoNotOptimize(url.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_access_point);

urlmint::s3::presign_options put_with_content_type() {
  auto o = example_options();
  o.method = "PUT";
  o.headers.push_back({"Content-Type", "image/png"});
  return o;
}

// A signed Content-Type: the same path as every presign (the headers canonicalized per call).
void BM_presign_put_signed_content_type(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const auto o = put_with_content_type();
  for (auto _ : state) benchmark::DoNotOptimize(signer.presign("examplebucket", "test.txt", o, example_time));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_put_signed_content_type);

// An s3::presigner: bucket and options prepared once, the timestamp formatted once a second,
// the day's key kept; what `--batch` uses. Reused buffer.
void BM_presigner(benchmark::State& state, const urlmint::s3::presign_options& o) {
  const urlmint::s3::signer signer(example_creds, {});
  urlmint::s3::presigner p(signer, "examplebucket", o);
  std::string url;
  url.reserve(1024);
  for (auto _ : state) {
    url.clear();
    p.append(url, "test.txt", example_time);
    benchmark::DoNotOptimize(url.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_presigner, get, example_options());
BENCHMARK_CAPTURE(BM_presigner, put_signed_content_type, put_with_content_type());

// What `urlmint s3 presign --batch` does per line: append to a 64 KiB buffer, one fwrite per
// buffer, distinct keys.
void BM_presign_batch_path(benchmark::State& state) {
  const urlmint::s3::signer signer(example_creds, {});
  const auto o = example_options();
  std::vector<std::string> keys;
  for (int i = 0; i < 4096; ++i) keys.push_back("photos/2013/05/24/img-" + std::to_string(i) + ".jpg");
  std::FILE* sink = std::fopen("/dev/null", "wb");
  std::string buffer;
  buffer.reserve(1 << 16);
  std::size_t i = 0;
  for (auto _ : state) {
    signer.presign_append(buffer, "examplebucket", keys[i++ & 4095], o, example_time);
    buffer.push_back('\n');
    if (buffer.size() > (1 << 16) - 2048) {
      std::fwrite(buffer.data(), 1, buffer.size(), sink);
      buffer.clear();
    }
  }
  std::fclose(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_batch_path);

// One signer shared by 1 and 2 threads (items/s is the total; ideal scaling doubles it).
void BM_presign_get_shared_signer_threads(benchmark::State& state) {
  static const urlmint::s3::signer signer(example_creds, {});
  const auto o = example_options();
  std::string url;
  url.reserve(1024);
  for (auto _ : state) {
    url.clear();
    signer.presign_append(url, "examplebucket", "test.txt", o, example_time);
    benchmark::DoNotOptimize(url.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_presign_get_shared_signer_threads)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
