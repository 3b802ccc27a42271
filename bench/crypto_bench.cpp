// Payload hashing: urlmint::sha256 (SHA256_Update, the signer's choice) against OpenSSL's
// bulk EVP_Digest with a pre-fetched algorithm, the fastest way OpenSSL 3 hashes a buffer.
// Compare the bytes/s columns of the same size; the target is >= 90% of EVP.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>   // EVP_MD_fetch, EVP_Digest
#include <openssl/hmac.h>  // HMAC: the one-shot, for comparison only

#include <algorithm>  // std::min
#include <memory>     // std::unique_ptr
#include <string>

#include <urlmint/urlmint.hpp>

namespace {

struct evp_md_deleter {
  void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
};

void BM_payload_sha256_urlmint(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(urlmint::sha256_of(body));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_payload_sha256_urlmint)->Arg(64)->Arg(4 << 10)->Arg(100 << 10)->Arg(16 << 20);

// Streaming in 64 KiB chunks, as a file upload hashes its body.
void BM_payload_sha256_urlmint_chunked_64k(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    urlmint::sha256 h;
    for (std::size_t at = 0; at < body.size(); at += 65536)
      h.update(body.data() + at, std::min<std::size_t>(65536, body.size() - at));
    benchmark::DoNotOptimize(h.finish());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_payload_sha256_urlmint_chunked_64k)->Arg(16 << 20);

void BM_payload_sha256_openssl_evp_digest(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  // Fetched once: EVP_sha256() per call re-fetches through the provider (OpenSSL 3).
  const std::unique_ptr<EVP_MD, evp_md_deleter> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  unsigned char out[32];
  unsigned int size = 0;
  for (auto _ : state) {
    if (EVP_Digest(body.data(), body.size(), out, &size, md.get(), nullptr) != 1) state.SkipWithError("EVP_Digest");
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_payload_sha256_openssl_evp_digest)->Arg(64)->Arg(4 << 10)->Arg(100 << 10)->Arg(16 << 20);

// An HMAC from cached pad states (the per-URL signature step) against OpenSSL 3's one-shot HMAC().
void BM_hmac_sha256_cached_pads(benchmark::State& state) {
  const urlmint::hmac_sha256_key key("0123456789abcdef0123456789abcdef");
  const std::string message(133, 's');
  for (auto _ : state) benchmark::DoNotOptimize(key.mac(message));
}
BENCHMARK(BM_hmac_sha256_cached_pads);

void BM_hmac_sha256_openssl_one_shot(benchmark::State& state) {
  const std::string key = "0123456789abcdef0123456789abcdef";
  const std::string message(133, 's');
  unsigned char out[32];
  unsigned int size = 0;
  for (auto _ : state) {
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), out, &size);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_hmac_sha256_openssl_one_shot);

}  // namespace

BENCHMARK_MAIN();
