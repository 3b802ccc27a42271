#ifndef URLMINT_IMPL_SIGV4A_IPP
#define URLMINT_IMPL_SIGV4A_IPP

// Definitions for sigv4a.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include <openssl/bn.h>           // BIGNUM, BN_CTX
#include <openssl/core_names.h>   // OSSL_PKEY_PARAM_*
#include <openssl/obj_mac.h>      // NID_X9_62_prime256v1
#include "../sigv4a.hpp"

namespace urlmint {
namespace sigv4a {
namespace detail {

[[noreturn]] URLMINT_DECL void fail(const char* what) {
  throw error(errc::crypto, std::string("sigv4a: ") + what + " failed: " + urlmint::detail::openssl_errors());
}

URLMINT_DECL bool greater_constant_time(const private_scalar& a, const private_scalar& b) noexcept {
  unsigned gt = 0;
  unsigned eq = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const int l = a[i];
    const int r = b[i];
    gt |= (static_cast<unsigned>(r - l) >> 31) & eq;
    eq &= (static_cast<unsigned>((l ^ r) - 1) >> 31) & 1U;
  }
  return gt != 0;
}

URLMINT_DECL void add_one_constant_time(private_scalar& v) noexcept {
  unsigned carry = 1;
  for (std::size_t i = v.size(); i-- > 0;) {
    const unsigned digit = v[i] + carry;
    carry = (digit >> 8) & 1U;
    v[i] = static_cast<std::uint8_t>(digit & 0xFF);
  }
}
}  // namespace detail

URLMINT_DECL std::string kdf_fixed_input(std::string_view access_key_id, std::uint8_t counter) {
  std::string in;
  in.reserve(32 + access_key_id.size());
  in.append("\x00\x00\x00\x01", 4).append(algorithm).append(1, '\0').append(access_key_id);
  in.append(1, static_cast<char>(counter)).append("\x00\x00\x01\x00", 4);
  return in;
}

URLMINT_DECL sha256_digest kdf_candidate(std::string_view access_key_id, std::string_view secret_access_key,
                                   std::uint8_t counter) {
  std::string key;
  key.reserve(5 + secret_access_key.size());
  key.append("AWS4A").append(secret_access_key);
  const sha256_digest k0 = hmac_sha256(key, kdf_fixed_input(access_key_id, counter));
  secure_wipe(key.data(), key.size());
  return k0;
}

URLMINT_DECL private_scalar derive_private_key(std::string_view access_key_id, std::string_view secret_access_key) {
  return derive_private_key_from(
      [&](std::uint8_t counter) { return kdf_candidate(access_key_id, secret_access_key, counter); });
}
namespace detail {

URLMINT_DECL bool verify_digest(EVP_PKEY* key, const sha256_digest& digest, std::string_view der) {
  urlmint::detail::unique_evp_pkey_ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) fail("EVP_PKEY_verify_init");
  const int ok = EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                                 digest.data(), digest.size());
  if (ok != 1) (void)urlmint::detail::openssl_errors();  // a bad signature leaves errors queued
  return ok == 1;
}

URLMINT_DECL urlmint::detail::unique_evp_pkey import_p256(const std::array<std::uint8_t, 65>& point, const BIGNUM* priv) {
  unique_param_bld bld(OSSL_PARAM_BLD_new());
  if (!bld) fail("OSSL_PARAM_BLD_new");
  if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      (priv != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1))
    fail("OSSL_PARAM_BLD_push");
  unique_params params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) fail("OSSL_PARAM_BLD_to_param");
  urlmint::detail::unique_evp_pkey_ctx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) fail("EVP_PKEY_fromdata_init");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, priv != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1)
    fail("EVP_PKEY_fromdata");
  return urlmint::detail::unique_evp_pkey(raw);
}
}  // namespace detail

URLMINT_DECL key_cache& process_key_cache() {
  static key_cache cache;
  return cache;
}

URLMINT_DECL std::string credential_scope(std::string_view date, std::string_view service) {
  return sigv4::detail::regionless_scope(date, service);
}

URLMINT_DECL std::string string_to_sign(std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_) {
  return sigv4::detail::string_to_sign(algorithm, timestamp, scope, canonical_request_);
}

URLMINT_DECL std::string signature(const key_pair& key, std::string_view string_to_sign_) { return key.sign(string_to_sign_); }
namespace detail {

URLMINT_DECL std::shared_ptr<const key_pair> key_for(const credentials& creds, key_cache* cache) {
  if (cache != nullptr) return cache->get(creds);
  return std::make_shared<const key_pair>(creds);
}
}  // namespace detail

URLMINT_DECL sigv4::signing_steps compute(const sigv4::request& req, const credentials& creds, const params& p,
                                    key_cache* cache) {
  sigv4::signing_steps s = sigv4::detail::steps_to_sign(req, creds, p, {algorithm, "sigv4a", false, true});
  s.signature = signature(*detail::key_for(creds, cache), s.string_to_sign);
  sigv4::detail::add_authorization(s, creds, p, algorithm);
  return s;
}

URLMINT_DECL sigv4::signed_request sign(const sigv4::request& req, const credentials& creds, params p,
                                  key_cache* cache) {
  p.location = sigv4::signature_location::headers;
  return sigv4::detail::signed_request_of(req, compute(req, creds, p, cache));
}

URLMINT_DECL std::string presign(const sigv4::request& req, const credentials& creds, params p,
                           key_cache* cache) {
  p.location = sigv4::signature_location::query;
  return sigv4::detail::presigned_url(req, creds, p, compute(req, creds, p, cache));
}
}  // namespace sigv4a
}  // namespace urlmint

#endif  // URLMINT_IMPL_SIGV4A_IPP
