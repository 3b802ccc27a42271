// CloudFront signing throughput: signed URLs per second for RSA-2048 (SHA-1, SHA-256), ECDSA
// P-256, a wildcard policy signed once and appended to many URLs, and raw EVP_PKEY_sign on a
// precomputed digest as the floor libcrypto itself sets. Keys are generated at start-up (no
// files), so the figures depend only on the machine.

#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <string>

#include <urlmint/cloudfront.hpp>

namespace cf = urlmint::cloudfront;

namespace {

const std::string url = "https://d111111abcdef8.cloudfront.net/charts/20251226_123456_abc12345.png";
const urlmint::time_point expires = urlmint::from_unix_seconds(1767225600);

std::string fresh_pem(bool rsa) {
  EVP_PKEY* key = rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

const std::string& rsa_pem() {
  static const std::string pem = fresh_pem(true);
  return pem;
}
const std::string& ec_pem() {
  static const std::string pem = fresh_pem(false);
  return pem;
}

void run_sign(benchmark::State& state, const cf::signer& signer) {
  for (auto _ : state) {
    std::string signed_url = signer.sign_url(url, expires);
    benchmark::DoNotOptimize(signed_url);
  }
  state.counters["signs/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_rsa2048_sha1_canned_url(benchmark::State& state) {
  run_sign(state, cf::signer("K2JCJMDEHXQW5F", cf::private_key::from_pem(rsa_pem())));
}
BENCHMARK(BM_rsa2048_sha1_canned_url);

void BM_rsa2048_sha256_canned_url(benchmark::State& state) {
  run_sign(state, cf::signer("K2JCJMDEHXQW5F", cf::private_key::from_pem(rsa_pem()), cf::hash_algorithm::sha256));
}
BENCHMARK(BM_rsa2048_sha256_canned_url);

void BM_ecdsa_p256_sha256_canned_url(benchmark::State& state) {
  run_sign(state, cf::signer("K2JCJMDEHXQW5F", cf::private_key::from_pem(ec_pem()), cf::hash_algorithm::sha256));
}
BENCHMARK(BM_ecdsa_p256_sha256_canned_url);

// Sign once, append to many: the per-URL cost once the wildcard policy is signed.
void BM_wildcard_policy_append(benchmark::State& state) {
  const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_pem(rsa_pem()));
  const cf::signed_policy once =
      signer.sign_policy({"https://d111111abcdef8.cloudfront.net/charts/*", expires, {}, {}});
  for (auto _ : state) {
    std::string signed_url = once.append_to(url);
    benchmark::DoNotOptimize(signed_url);
  }
  state.counters["signs/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_wildcard_policy_append);

// The floor: EVP_PKEY_sign on a ready SHA-1 digest with a context prepared once (no policy,
// no hashing, no base64, no context setup per signature).
void raw_sign(benchmark::State& state, const std::string& pem, bool rsa) {
  const cf::private_key key = cf::private_key::from_pem(pem);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.get(), nullptr);
  EVP_PKEY_sign_init(ctx);
  if (rsa) EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
  EVP_PKEY_CTX_set_signature_md(ctx, rsa ? EVP_sha1() : EVP_sha256());
  unsigned char digest[32] = {1, 2, 3};
  unsigned char sig[512];
  for (auto _ : state) {
    size_t size = sizeof sig;
    if (EVP_PKEY_sign(ctx, sig, &size, digest, rsa ? 20 : 32) != 1) state.SkipWithError("EVP_PKEY_sign failed");
    benchmark::DoNotOptimize(sig);
  }
  EVP_PKEY_CTX_free(ctx);
  state.counters["signs/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_raw_evp_pkey_sign_rsa2048_sha1(benchmark::State& state) { raw_sign(state, rsa_pem(), true); }
BENCHMARK(BM_raw_evp_pkey_sign_rsa2048_sha1);

void BM_raw_evp_pkey_sign_ecdsa_p256(benchmark::State& state) { raw_sign(state, ec_pem(), false); }
BENCHMARK(BM_raw_evp_pkey_sign_ecdsa_p256);

// Why the key is parsed once: loading a PEM costs about as much as a signature.
void BM_rsa2048_parse_pem(benchmark::State& state) {
  for (auto _ : state) {
    cf::private_key key = cf::private_key::from_pem(rsa_pem());
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_rsa2048_parse_pem);

}  // namespace

BENCHMARK_MAIN();
