#ifndef URLMINT_SIGV4A_HPP
#define URLMINT_SIGV4A_HPP

// AWS Signature Version 4a (AWS4-ECDSA-P256-SHA256): one signature valid in a set of regions,
// as Multi-Region Access Points require. The same named steps as SigV4 (sigv4.hpp), whose
// canonical-request pieces it calls:
//   derive_private_key() -> key_pair
//   request -> canonical request (with X-Amz-Region-Set) -> string_to_sign() -> signature()
// What differs from SigV4: the credential scope has no region ("DATE/SERVICE/aws4_request"),
// the region set is signed as x-amz-region-set / X-Amz-Region-Set, and the signature is a
// hex DER ECDSA P-256 signature of SHA-256(string to sign) under a key derived from the
// credentials, not an HMAC. ECDSA signatures are randomized: verify them, never compare bytes.
// Key derivation: NIST SP 800-108 counter-mode KDF over HMAC-SHA256, exactly as aws-c-auth
// implements it (source/key_derivation.c). libcrypto only, OpenSSL 3 EVP/OSSL_PARAM APIs.

#include <openssl/bn.h>           // BIGNUM, BN_CTX
#include <openssl/core_names.h>   // OSSL_PKEY_PARAM_*
#include <openssl/ec.h>           // EC_GROUP, EC_POINT: the public point of a derived scalar
#include <openssl/evp.h>          // EVP_PKEY_fromdata, EVP_PKEY_sign, EVP_PKEY_verify
#include <openssl/obj_mac.h>      // NID_X9_62_prime256v1
#include <openssl/param_build.h>  // OSSL_PARAM_BLD

#include <algorithm>    // std::copy
#include <array>        // std::array
#include <cstdint>      // std::uint8_t
#include <memory>       // std::shared_ptr, std::unique_ptr
#include <mutex>        // std::mutex
#include <string>
#include <string_view>
#include <vector>

#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace sigv4a {

/// The algorithm name in Authorization, X-Amz-Algorithm and the string to sign.
inline constexpr std::string_view algorithm = "AWS4-ECDSA-P256-SHA256";
/// The region set that means every region (Multi-Region Access Points).
inline constexpr std::string_view all_regions = "*";

/// How to sign: SigV4's parameters, with `region` holding the region set: one region, a
/// comma-separated list ("us-east-1,us-west-2"), or "*".
using params = sigv4::params;

// ---------------------------------------------------------------------------------------------
// Step 0: the key pair derived from the credentials.

/// A P-256 private scalar, big-endian (secret material: wipe it after use).
using private_scalar = std::array<std::uint8_t, 32>;

namespace detail {

template <auto Free>
struct ossl_free {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using unique_bn = std::unique_ptr<BIGNUM, ossl_free<BN_clear_free>>;
using unique_bn_ctx = std::unique_ptr<BN_CTX, ossl_free<BN_CTX_free>>;
using unique_ec_group = std::unique_ptr<EC_GROUP, ossl_free<EC_GROUP_free>>;
using unique_ec_point = std::unique_ptr<EC_POINT, ossl_free<EC_POINT_free>>;
using unique_param_bld = std::unique_ptr<OSSL_PARAM_BLD, ossl_free<OSSL_PARAM_BLD_free>>;

// OSSL_PARAM_free does not wipe, and OpenSSL 3.0 has no OSSL_PARAM_clear_free: the array built
// for a private key holds the scalar, so every value is cleansed before it is freed.
struct param_array_deleter {
  void operator()(OSSL_PARAM* params) const noexcept {
    for (OSSL_PARAM* p = params; p->key != nullptr; ++p)
      if (p->data != nullptr) secure_wipe(p->data, p->data_size);
    OSSL_PARAM_free(params);
  }
};
using unique_params = std::unique_ptr<OSSL_PARAM, param_array_deleter>;

[[noreturn]] inline void fail(const char* what) {
  throw error(errc::crypto, std::string("sigv4a: ") + what + " failed: " + urlmint::detail::openssl_errors());
}

/// The order n of P-256 minus 2: a KDF candidate k0 is usable when k0 <= n - 2.
inline constexpr private_scalar p256_order_minus_2 = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x4F};

/// Whether big-endian `a` > `b`, in time that does not depend on the values.
inline bool greater_constant_time(const private_scalar& a, const private_scalar& b) noexcept {
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

/// Adds one to a big-endian number, in constant time (it never overflows here: k0 <= n - 2).
inline void add_one_constant_time(private_scalar& v) noexcept {
  unsigned carry = 1;
  for (std::size_t i = v.size(); i-- > 0;) {
    const unsigned digit = v[i] + carry;
    carry = (digit >> 8) & 1U;
    v[i] = static_cast<std::uint8_t>(digit & 0xFF);
  }
}

}  // namespace detail

/// The KDF's fixed input for one counter value, as aws-c-auth builds it:
/// 0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 || access key id || counter (1 byte) || 0x00000100.
inline std::string kdf_fixed_input(std::string_view access_key_id, std::uint8_t counter) {
  std::string in;
  in.reserve(32 + access_key_id.size());
  in.append("\x00\x00\x00\x01", 4).append(algorithm).append(1, '\0').append(access_key_id);
  in.append(1, static_cast<char>(counter)).append("\x00\x00\x01\x00", 4);
  return in;
}

/// The KDF candidate k0 = HMAC-SHA256("AWS4A" + secret, fixed input) for one counter value.
inline sha256_digest kdf_candidate(std::string_view access_key_id, std::string_view secret_access_key,
                                   std::uint8_t counter) {
  std::string key;
  key.reserve(5 + secret_access_key.size());
  key.append("AWS4A").append(secret_access_key);
  const sha256_digest k0 = hmac_sha256(key, kdf_fixed_input(access_key_id, counter));
  secure_wipe(key.data(), key.size());
  return k0;
}

/// The KDF's counter loop over any candidate function (what tests use to reach the retry):
/// the scalar is k0 + 1 for the first counter (1, 2, ... 254) whose candidate k0 is at most
/// n - 2, so it lies in [1, n - 1]. Throws errc::crypto when no counter works.
template <class Candidate>
private_scalar derive_private_key_from(Candidate&& candidate) {
  for (unsigned counter = 1; counter <= 254; ++counter) {
    sha256_digest k0 = candidate(static_cast<std::uint8_t>(counter));
    private_scalar d;
    std::copy(k0.begin(), k0.end(), d.begin());
    secure_wipe(k0.data(), k0.size());
    if (detail::greater_constant_time(d, detail::p256_order_minus_2)) {
      secure_wipe(d.data(), d.size());
      continue;
    }
    detail::add_one_constant_time(d);
    return d;
  }
  throw error(errc::crypto, "sigv4a: no KDF counter gave a valid P-256 key for this access key; use other credentials");
}

/// The private scalar of these credentials (aws-c-auth's
/// aws_ecc_key_pair_new_ecdsa_p256_key_from_aws_credentials). A candidate is out of range with
/// probability about 2^-32, and every counter fails with probability about 2^-8128.
inline private_scalar derive_private_key(std::string_view access_key_id, std::string_view secret_access_key) {
  return derive_private_key_from(
      [&](std::uint8_t counter) { return kdf_candidate(access_key_id, secret_access_key, counter); });
}

namespace detail {

/// An ECDSA signature check; false for a wrong signature or one that is not DER.
inline bool verify_digest(EVP_PKEY* key, const sha256_digest& digest, std::string_view der) {
  urlmint::detail::unique_evp_pkey_ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) fail("EVP_PKEY_verify_init");
  const int ok = EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                                 digest.data(), digest.size());
  if (ok != 1) (void)urlmint::detail::openssl_errors();  // a bad signature leaves errors queued
  return ok == 1;
}

/// Imports a P-256 key from its uncompressed public point and, when given, its private scalar.
inline urlmint::detail::unique_evp_pkey import_p256(const std::array<std::uint8_t, 65>& point, const BIGNUM* priv) {
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

/// A P-256 public key, e.g. the one a server holds to verify SigV4a signatures.
class public_key {
 public:
  /// From the big-endian hex X and Y coordinates (64 hex digits each, as in aws-c-auth's
  /// public-key.json). Throws errc::invalid_argument for malformed hex or a point off the curve.
  static public_key from_coordinates(std::string_view x_hex, std::string_view y_hex) {
    std::array<std::uint8_t, 65> point{};
    point[0] = 0x04;
    if (!decode_coordinate(x_hex, point.data() + 1) || !decode_coordinate(y_hex, point.data() + 33))
      throw error(errc::invalid_argument, "sigv4a: a public key coordinate must be 64 hex digits");
    try {
      return public_key(point, detail::import_p256(point, nullptr));
    } catch (const error&) {
      throw error(errc::invalid_argument, "sigv4a: the public key (X, Y) is not a point on P-256; check both coordinates");
    }
  }

  /// Lowercase hex of the X and Y coordinates.
  std::string x_hex() const { return hex_encode(point_.data() + 1, 32); }
  std::string y_hex() const { return hex_encode(point_.data() + 33, 32); }

  /// Whether `signature_hex` (hex DER ECDSA) signs SHA-256(`string_to_sign`) under this key.
  bool verify(std::string_view string_to_sign, std::string_view signature_hex) const {
    const auto der = hex_decode(signature_hex);
    if (!der) return false;
    return detail::verify_digest(pkey_.get(), sha256_of(string_to_sign), *der);
  }

  /// The OpenSSL key, owned by this object.
  EVP_PKEY* get() const noexcept { return pkey_.get(); }

 protected:
  public_key(const std::array<std::uint8_t, 65>& point, urlmint::detail::unique_evp_pkey pkey)
      : point_(point), pkey_(pkey.release(), urlmint::detail::evp_pkey_deleter{}) {}

 private:
  static bool decode_coordinate(std::string_view hex, std::uint8_t* out) {
    if (hex.size() != 64) return false;
    const auto bytes = hex_decode(hex);
    if (!bytes || bytes->size() != 32) return false;
    std::copy(bytes->begin(), bytes->end(), out);
    return true;
  }

  std::array<std::uint8_t, 65> point_;
  std::shared_ptr<EVP_PKEY> pkey_;
};

/// The SigV4a key pair of one access key: the private scalar from derive_private_key() and its
/// public point. Immutable; one object may sign from many threads at once. Derivation costs a
/// point multiplication, so keep it (see key_cache) rather than derive it per signature.
class key_pair : public public_key {
 public:
  /// Derives the key pair of these credentials.
  key_pair(std::string_view access_key_id, std::string_view secret_access_key)
      : key_pair(derive_private_key(access_key_id, secret_access_key)) {}
  explicit key_pair(const credentials& creds)
      : key_pair(creds.access_key_id, creds.secret_access_key.reveal()) {}

  /// From a private scalar (wiped by the caller).
  explicit key_pair(private_scalar scalar) : key_pair(build(scalar)) { secure_wipe(scalar.data(), scalar.size()); }

  /// Hex DER ECDSA signature of SHA-256(`string_to_sign`): what SigV4a sends as Signature.
  std::string sign(std::string_view string_to_sign) const {
    const sha256_digest digest = sha256_of(string_to_sign);
    urlmint::detail::unique_evp_pkey_ctx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1) detail::fail("EVP_PKEY_sign_init");
    unsigned char der[80];
    std::size_t size = sizeof der;
    if (EVP_PKEY_sign(ctx.get(), der, &size, digest.data(), digest.size()) != 1) detail::fail("EVP_PKEY_sign");
    return hex_encode(der, size);
  }

 private:
  struct parts {
    std::array<std::uint8_t, 65> point;
    urlmint::detail::unique_evp_pkey pkey;
  };
  explicit key_pair(parts p) : public_key(p.point, std::move(p.pkey)) {}

  static parts build(const private_scalar& scalar) {
    detail::unique_bn d(BN_secure_new());
    if (!d || BN_bin2bn(scalar.data(), static_cast<int>(scalar.size()), d.get()) == nullptr) detail::fail("BN_bin2bn");
    detail::unique_ec_group group(EC_GROUP_new_by_curve_name_ex(nullptr, nullptr, NID_X9_62_prime256v1));
    if (!group) detail::fail("EC_GROUP_new_by_curve_name_ex");
    detail::unique_ec_point pub(EC_POINT_new(group.get()));
    detail::unique_bn_ctx bn_ctx(BN_CTX_secure_new());
    if (!pub || !bn_ctx || EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1)
      detail::fail("EC_POINT_mul");
    parts out{};
    if (EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, out.point.data(), out.point.size(),
                           bn_ctx.get()) != out.point.size())
      detail::fail("EC_POINT_point2oct");
    out.pkey = detail::import_p256(out.point, d.get());
    return out;
  }
};

/// Derived key pairs by (access key id, secret), so each access key pays for derivation once.
/// Safe to share between threads. It holds copies of the secrets it has seen (wiped when
/// evicted or destroyed); keep it no longer than the credentials themselves.
class key_cache {
 public:
  /// The key pair of these credentials, derived on first use.
  std::shared_ptr<const key_pair> get(std::string_view access_key_id, std::string_view secret_access_key) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& e : entries_)
        if (e.key && e.access_key_id == access_key_id && constant_time_equal(e.secret.reveal(), secret_access_key))
          return e.key;
    }
    auto key = std::make_shared<const key_pair>(access_key_id, secret_access_key);
    std::lock_guard<std::mutex> lock(mutex_);
    entry& slot = entries_[next_++ % entries_.size()];
    slot.access_key_id.assign(access_key_id);
    slot.secret = secret_string(secret_access_key);
    slot.key = key;
    return key;
  }
  std::shared_ptr<const key_pair> get(const credentials& creds) {
    return get(creds.access_key_id, creds.secret_access_key.reveal());
  }

 private:
  struct entry {
    std::string access_key_id;
    secret_string secret;
    std::shared_ptr<const key_pair> key;
  };
  std::mutex mutex_;
  std::array<entry, 8> entries_;
  std::size_t next_ = 0;
};

/// The process's shared key cache: what signers without their own cache (s3::presign and
/// s3::sign_request on a multi-region access point) use, so an access key pays for derivation
/// once per process. It keeps up to 8 key pairs and copies of their secrets.
inline key_cache& process_key_cache() {
  static key_cache cache;
  return cache;
}

// ---------------------------------------------------------------------------------------------
// Steps 1-3: canonical request (sigv4.hpp's pieces), string to sign, signature.

/// "YYYYMMDD/SERVICE/aws4_request": SigV4a's scope has no region.
inline std::string credential_scope(std::string_view date, std::string_view service) {
  std::string out;
  out.reserve(date.size() + service.size() + 14);
  out.append(date).append(1, '/').append(service).append("/aws4_request");
  return out;
}

/// "AWS4-ECDSA-P256-SHA256\nTIMESTAMP\nSCOPE\nhex(SHA256(canonical_request))".
inline std::string string_to_sign(std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_) {
  std::string out;
  out.append(algorithm).append(1, '\n').append(timestamp).append(1, '\n').append(scope).append(1, '\n');
  out.append(sha256_hex(canonical_request_));
  return out;
}

/// Hex DER ECDSA signature of the string to sign (randomized: differs on every call).
inline std::string signature(const key_pair& key, std::string_view string_to_sign_) { return key.sign(string_to_sign_); }

namespace detail {

inline std::shared_ptr<const key_pair> key_for(const credentials& creds, key_cache* cache) {
  if (cache != nullptr) return cache->get(creds);
  return std::make_shared<const key_pair>(creds);
}

}  // namespace detail

/// Runs every SigV4a step for `req`. Header mode signs x-amz-date, x-amz-region-set (and
/// x-amz-content-sha256, x-amz-security-token as configured) and adds Authorization; query mode
/// adds the X-Amz-* parameters, X-Amz-Region-Set among them. Pass a cache to reuse key pairs.
inline sigv4::signing_steps compute(const sigv4::request& req, const credentials& creds, const params& p,
                                    key_cache* cache = nullptr) {
  validate(creds);
  sigv4::validate(p);
  if (req.host.empty()) throw error(errc::invalid_argument, "sigv4a: request host is empty");
  if (req.method.empty()) throw error(errc::invalid_argument, "sigv4a: request method is empty");
  const bool in_query = p.location == sigv4::signature_location::query;
  const bool sign_token = creds.is_temporary() && p.token_mode == sigv4::session_token_mode::included;
  const std::string token(creds.session_token.reveal());

  sigv4::signing_steps s;
  const amz_date when = format_amz_date(p.time);
  s.timestamp.assign(when.timestamp());
  s.scope = credential_scope(when.date(), p.service);

  std::vector<sigv4::header> headers = req.headers;
  if (!sigv4::detail::has_header(headers, "host")) headers.push_back({"host", req.host});
  if (!in_query) {
    headers.push_back({"x-amz-date", s.timestamp});
    headers.push_back({"x-amz-region-set", p.region});
    const bool add_sha = p.content_sha256 == sigv4::content_sha256_header::include;
    if (add_sha && !sigv4::detail::has_header(headers, "x-amz-content-sha256"))
      headers.push_back({"x-amz-content-sha256", req.payload_hash});
    if (sign_token) headers.push_back({"x-amz-security-token", token});
  }
  const sigv4::canonical_headers_result canonical = sigv4::canonical_headers(headers);
  s.signed_headers = canonical.signed_headers;

  std::vector<sigv4::query_param> query = req.query;
  if (in_query) {
    const std::string expires = p.expires_in ? std::to_string(p.expires_in->count()) : std::string();
    query.insert(query.end(), {{"X-Amz-Algorithm", std::string(algorithm)},
                               {"X-Amz-Credential", creds.access_key_id + "/" + s.scope},
                               {"X-Amz-Date", s.timestamp},
                               {"X-Amz-SignedHeaders", s.signed_headers},
                               {"X-Amz-Region-Set", p.region}});
    if (p.expires_in) query.push_back({"X-Amz-Expires", expires});
    if (sign_token) query.push_back({"X-Amz-Security-Token", token});
  }
  s.query = sigv4::encode_query(query);

  s.canonical_request =
      sigv4::canonical_request(req.method, sigv4::canonical_uri(req.path, p.path), sigv4::join_query(s.query),
                               canonical.canonical, canonical.signed_headers, req.payload_hash);
  s.string_to_sign = string_to_sign(s.timestamp, s.scope, s.canonical_request);
  s.signature = signature(*detail::key_for(creds, cache), s.string_to_sign);

  if (!in_query) {
    for (auto& h : headers)
      if (sigv4::lowercase(h.name) != "host") s.headers.push_back(std::move(h));
    if (creds.is_temporary() && !sign_token) s.headers.push_back({"x-amz-security-token", token});
    s.headers.push_back({"Authorization", std::string(algorithm) + " Credential=" + creds.access_key_id + "/" +
                                              s.scope + ", SignedHeaders=" + s.signed_headers +
                                              ", Signature=" + s.signature});
  }
  return s;
}

/// Signs `req` with an Authorization header (params.location is forced to headers).
inline sigv4::signed_request sign(const sigv4::request& req, const credentials& creds, params p,
                                  key_cache* cache = nullptr) {
  p.location = sigv4::signature_location::headers;
  sigv4::signing_steps s = compute(req, creds, p, cache);
  return sigv4::signed_request{req.method, sigv4::build_url(req, sigv4::join_query(s.query)), std::move(s.headers)};
}

/// A presigned URL for `req` (params.location is forced to query): the query in canonical
/// order, X-Amz-Signature last.
inline std::string presign(const sigv4::request& req, const credentials& creds, params p,
                           key_cache* cache = nullptr) {
  p.location = sigv4::signature_location::query;
  const sigv4::signing_steps s = compute(req, creds, p, cache);
  std::string query = sigv4::join_query(s.query);
  if (creds.is_temporary() && p.token_mode == sigv4::session_token_mode::appended_after_signing)
    query.append("&X-Amz-Security-Token=").append(uri_encode(creds.session_token.reveal()));
  query.append("&X-Amz-Signature=").append(s.signature);
  return sigv4::build_url(req, query);
}

}  // namespace sigv4a
}  // namespace urlmint

#endif  // URLMINT_SIGV4A_HPP
