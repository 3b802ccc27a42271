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

#include <openssl/ec.h>           // EC_GROUP, EC_POINT: the public point of a derived scalar
#include <openssl/evp.h>          // EVP_PKEY_fromdata, EVP_PKEY_sign, EVP_PKEY_verify
#include <openssl/param_build.h>  // OSSL_PARAM_BLD

#include <array>        // std::array
#include <cstdint>      // std::uint8_t
#include <memory>       // std::shared_ptr, std::unique_ptr
#include <mutex>        // std::mutex
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
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

[[noreturn]] URLMINT_DECL void fail(const char* what);

/// The order n of P-256 minus 2: a KDF candidate k0 is usable when k0 <= n - 2.
inline constexpr private_scalar p256_order_minus_2 = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x4F};

/// Whether big-endian `a` > `b`, in time that does not depend on the values.
URLMINT_DECL bool greater_constant_time(const private_scalar& a, const private_scalar& b) noexcept;

/// Adds one to a big-endian number, in constant time (it never overflows here: k0 <= n - 2).
URLMINT_DECL void add_one_constant_time(private_scalar& v) noexcept;

}  // namespace detail

/// The KDF's fixed input for one counter value, as aws-c-auth builds it:
/// 0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 || access key id || counter (1 byte) || 0x00000100.
URLMINT_DECL std::string kdf_fixed_input(std::string_view access_key_id, std::uint8_t counter);

/// The KDF candidate k0 = HMAC-SHA256("AWS4A" + secret, fixed input) for one counter value.
URLMINT_DECL sha256_digest kdf_candidate(std::string_view access_key_id, std::string_view secret_access_key,
                                   std::uint8_t counter);

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
URLMINT_DECL private_scalar derive_private_key(std::string_view access_key_id, std::string_view secret_access_key);

namespace detail {

/// An ECDSA signature check; false for a wrong signature or one that is not DER.
URLMINT_DECL bool verify_digest(EVP_PKEY* key, const sha256_digest& digest, std::string_view der);

/// Imports a P-256 key from its uncompressed public point and, when given, its private scalar.
URLMINT_DECL urlmint::detail::unique_evp_pkey import_p256(const std::array<std::uint8_t, 65>& point, const BIGNUM* priv);

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
URLMINT_DECL key_cache& process_key_cache();

// ---------------------------------------------------------------------------------------------
// Steps 1-3: canonical request (sigv4.hpp's pieces), string to sign, signature.

/// "YYYYMMDD/SERVICE/aws4_request": SigV4a's scope has no region.
URLMINT_DECL std::string credential_scope(std::string_view date, std::string_view service);

/// "AWS4-ECDSA-P256-SHA256\nTIMESTAMP\nSCOPE\nhex(SHA256(canonical_request))".
URLMINT_DECL std::string string_to_sign(std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_);

/// Hex DER ECDSA signature of the string to sign (randomized: differs on every call).
URLMINT_DECL std::string signature(const key_pair& key, std::string_view string_to_sign_);

namespace detail {

URLMINT_DECL std::shared_ptr<const key_pair> key_for(const credentials& creds, key_cache* cache);

}  // namespace detail

/// Runs every SigV4a step for `req`. Header mode signs x-amz-date, x-amz-region-set (and
/// x-amz-content-sha256, x-amz-security-token as configured) and adds Authorization; query mode
/// adds the X-Amz-* parameters, X-Amz-Region-Set among them. Pass a cache to reuse key pairs.
URLMINT_DECL sigv4::signing_steps compute(const sigv4::request& req, const credentials& creds, const params& p,
                                    key_cache* cache = nullptr);

/// Signs `req` with an Authorization header (params.location is forced to headers).
URLMINT_DECL sigv4::signed_request sign(const sigv4::request& req, const credentials& creds, params p,
                                  key_cache* cache = nullptr);

/// A presigned URL for `req` (params.location is forced to query): the query in canonical
/// order, X-Amz-Signature last.
URLMINT_DECL std::string presign(const sigv4::request& req, const credentials& creds, params p,
                           key_cache* cache = nullptr);

}  // namespace sigv4a
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/sigv4a.ipp"
#endif

#endif  // URLMINT_SIGV4A_HPP
