#ifndef URLMINT_CLOUDFRONT_HPP
#define URLMINT_CLOUDFRONT_HPP

// Amazon CloudFront: plain URLs, signed URLs and signed cookies (canned and custom policies,
// RSA and ECDSA P-256 keys, SHA-1 and SHA-256). Invalidations and the origin access control's
// bucket policy are in cloudfront_management.hpp. Sans-IO like the rest of the library: keys
// are parsed from PEM text (or a file, the only I/O here) and signed with libcrypto.
//
// Signed URLs:     https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-urls.html
// Signed cookies:  https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-cookies.html
// Invalidations:   https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html

#include <openssl/evp.h>         // EVP_DigestSign, EVP_MD_fetch

#include <cstdint>    // std::int64_t, INT32_MAX
#include <cstring>    // std::memcpy, std::strerror
#include <memory>     // std::shared_ptr, std::unique_ptr
#include <optional>   // std::optional
#include <string>
#include <string_view>
#include <system_error>  // std::error_code
#include <utility>    // std::move
#include <vector>

#include "config.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "s3.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace cloudfront {

// ---------------------------------------------------------------------------------------------
// Names and constants.

/// The digest of a CloudFront signature. SHA-1 is CloudFront's historical default (no
/// Hash-Algorithm parameter); SHA-256 adds `Hash-Algorithm=SHA256` to the URL and
/// `CloudFront-Hash-Algorithm=SHA256` to cookies.
enum class hash_algorithm { sha1, sha256 };

/// The kinds of key CloudFront key groups accept.
enum class key_type {
  rsa,         ///< RSA (PKCS#1 v1.5 signatures); CloudFront key groups take 2048-bit keys
  ecdsa_p256,  ///< ECDSA on NIST P-256 (prime256v1), DER-encoded signatures
};

/// Which RSA sizes a private_key accepts.
enum class rsa_key_size {
  cloudfront_2048,  ///< exactly 2048 bits, the only size a CloudFront public key may have
  any_from_1024,    ///< 1024 to 16384 bits: old legacy key pairs and published SDK test vectors
};

/// Query parameters CloudFront reserves for signed URLs; a URL to sign must not carry them.
inline constexpr std::string_view reserved_query_names[] = {"Expires", "Policy", "Signature", "Key-Pair-Id",
                                                            "Hash-Algorithm"};

/// The CloudFront API endpoint (global; signed for us-east-1).
inline constexpr std::string_view api_endpoint = "https://cloudfront.amazonaws.com";
/// The API version in CloudFront request paths and XML namespaces.
inline constexpr std::string_view api_version = "2020-05-31";
/// Most paths one invalidation may list (CloudFront's quota for paths in progress).
inline constexpr std::size_t max_invalidation_paths = 3000;

/// "SHA1" or "SHA256", as in Hash-Algorithm.
URLMINT_DECL std::string_view to_string(hash_algorithm h) noexcept;

/// Parses "SHA1" or "SHA256" (also "SHA-1"/"SHA-256", any case). Throws errc::invalid_argument.
URLMINT_DECL hash_algorithm parse_hash_algorithm(std::string_view text);

// ---------------------------------------------------------------------------------------------
// CloudFront's base64.

/// CloudFront's URL-safe base64 of `bytes`: standard base64 without line breaks, then
/// '+' -> '-', '=' -> '_', '/' -> '~'.
URLMINT_DECL std::string base64_encode(std::string_view bytes);

/// Decodes CloudFront's base64 (the inverse of base64_encode). Returns nullopt on bad input.
URLMINT_DECL std::optional<std::string> base64_decode(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Plain URLs.

/// The domain name alone, lowercased, from what users paste into configuration such as
/// CLOUDFRONT_DOMAIN: "d111111abcdef8.cloudfront.net", "https://d111111abcdef8.cloudfront.net/"
/// and "charts.example.com" are accepted (scheme and trailing slashes are stripped). Anything
/// else (a path, a port, a query, another scheme, spaces) throws errc::invalid_argument with a
/// message saying what to write.
URLMINT_DECL std::string normalize_domain(std::string_view text);

/// Normalizes a distribution's origin path ("charts", "/charts/") to "/charts"; "" and "/" give "".
URLMINT_DECL std::string normalize_origin_path(std::string_view path);

/// The public URL of an S3 object served by a distribution: "https://DOMAIN/KEY", the key
/// encoded with S3's rules ('/' kept, space %20, '+' %2B, UTF-8 bytes as %XX).
/// `domain` goes through normalize_domain. `origin_path` is the distribution's Origin Path
/// (e.g. "/charts"): CloudFront prepends it to every request, so the key must start with it and
/// it is left out of the URL ("charts/a.png" -> "https://DOMAIN/a.png"). Throws
/// errc::invalid_argument for an empty, over-long or non-UTF-8 key, or a key outside the origin path.
URLMINT_DECL std::string object_url(std::string_view domain, std::string_view key, std::string_view origin_path = {});

// ---------------------------------------------------------------------------------------------
// Input checks shared by URLs, policies and cookies.

namespace detail {

struct bio_deleter {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct evp_md_deleter {
  void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
};
using unique_bio = std::unique_ptr<BIO, bio_deleter>;

// Bytes that may appear in a policy's Resource: printable ASCII except '"' and '\', which
// would end or escape the JSON string (policy injection). Non-ASCII never matches CloudFront's
// view of a request URL, which is percent-encoded.
URLMINT_DECL bool is_policy_safe(char ch) noexcept;

}  // namespace detail

/// Throws errc::invalid_argument unless `url` can be signed: http:// or https://, a host, only
/// printable ASCII without '"' or '\' (percent-encode the rest), no fragment, and none of the
/// reserved_query_names in its query (case-insensitively). The query it has is kept and signed.
URLMINT_DECL void validate_url(std::string_view url);

/// Throws errc::invalid_argument unless `id` looks like a CloudFront public key ID (trusted key
/// groups, "K...") or a legacy key pair ID ("APKA..."): 1 to 128 letters, digits, '_' or '-'.
URLMINT_DECL void validate_key_pair_id(std::string_view id);

/// Normalizes an IPv4 address or CIDR block for AWS:SourceIp: "192.0.2.7" becomes
/// "192.0.2.7/32", "10.0.0.0/8" stays. CloudFront policies take one IPv4 CIDR only, so IPv6
/// and anything malformed throw errc::invalid_argument.
URLMINT_DECL std::string normalize_source_ip(std::string_view text);

/// Whether `url` matches a policy Resource with CloudFront's wildcards: '*' matches any run
/// of characters (also none), '?' exactly one. Case-sensitive, over the whole URL and query.
URLMINT_DECL bool wildcard_match(std::string_view pattern, std::string_view url) noexcept;

// ---------------------------------------------------------------------------------------------
// Policies.

/// A custom policy: one statement for `resource` with its conditions.
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html
struct policy {
  /// The URL (or pattern with '*' and '?') the signature is good for, e.g.
  /// "https://d111111abcdef8.cloudfront.net/charts/*". Printable ASCII without '"' or '\'.
  std::string resource;
  /// The signature stops working at this instant (whole seconds; required).
  time_point date_less_than;
  /// The signature starts working at this instant (optional).
  std::optional<time_point> date_greater_than;
  /// One IPv4 address or CIDR block the viewer must come from ("192.0.2.0/24"; a bare address
  /// becomes /32). IPv6 is not accepted by CloudFront policies.
  std::optional<std::string> ip_address;
};

/// The canned policy CloudFront rebuilds from a URL with Expires: exactly
/// {"Statement":[{"Resource":"URL","Condition":{"DateLessThan":{"AWS:EpochTime":N}}}]}.
/// Any other byte makes the signature fail, so this is byte-for-byte what botocore writes.
URLMINT_DECL std::string canned_policy_json(std::string_view url, time_point expires);

/// Throws errc::invalid_argument when `p` cannot make a valid policy: an empty or unsafe
/// resource (no scheme, '"', '\', spaces, control or non-ASCII bytes), a start not before
/// the expiry, negative times, or a bad ip_address.
URLMINT_DECL void validate(const policy& p);

/// The compact JSON of a custom policy, conditions in botocore's order (DateLessThan,
/// IpAddress, DateGreaterThan), so the output is byte-identical to botocore's build_policy().
URLMINT_DECL std::string policy_json(const policy& p);

// ---------------------------------------------------------------------------------------------
// Private keys and signatures.

/// Options for loading a private key.
struct key_options {
  /// RSA sizes to accept; CloudFront public keys are RSA-2048 (or ECDSA P-256).
  rsa_key_size rsa_size = rsa_key_size::cloudfront_2048;
  /// An OpenSSL property query for the digests and the key, e.g. "fips=yes" to insist on a
  /// FIPS provider. Empty: OpenSSL's defaults.
  std::string properties;
};

/// A CloudFront signing key: RSA or ECDSA P-256, parsed once from PEM (PKCS#1 "RSA PRIVATE
/// KEY", SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY" / "ENCRYPTED PRIVATE KEY", optionally
/// passphrase-protected). Parsing costs about as much as one RSA signature, so load once and
/// share: the object is immutable, cheap to copy (the key is reference-counted) and may sign
/// from many threads at once.
class private_key {
 public:
  /// Parses a PEM private key. Throws errc::key (with what to do) for garbage, a public key or
  /// certificate, a missing or wrong passphrase, or a key CloudFront cannot use (DSA, Ed25519,
  /// curves other than P-256, RSA sizes outside `opts.rsa_size`). The key text is never echoed.
  static private_key from_pem(std::string_view pem, std::string_view passphrase = {}, const key_options& opts = {}) {
    return private_key(pem, passphrase, opts, "PEM text");
  }

  /// Reads and parses a PEM file (see from_pem). Throws errc::io when it cannot be read. The
  /// file's bytes are wiped from memory after parsing.
  static private_key from_file(const std::string& path, std::string_view passphrase = {},
                               const key_options& opts = {}) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      const int err = errno;
      throw error(errc::io, "cloudfront: cannot open private key file \"" + path + "\" (" + std::strerror(err) +
                                "); check the path and its permissions");
    }
    std::string pem;
    char buffer[4096];
    std::size_t n;
    bool too_big = false;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
      pem.append(buffer, n);
      if (pem.size() > (1u << 20)) {
        too_big = true;
        break;
      }
    }
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    secure_wipe(buffer, sizeof buffer);
    const auto wipe = [&] { secure_wipe(pem.data(), pem.capacity()); };
    if (failed || too_big) {
      wipe();
      throw error(errc::io, "cloudfront: cannot read private key file \"" + path + "\"" +
                                (too_big ? " (larger than 1 MiB; is it really a PEM key?)" : "; check permissions"));
    }
    try {
      private_key key(pem, passphrase, opts, "file \"" + path + "\"");
      wipe();
      return key;
    } catch (...) {
      wipe();
      throw;
    }
  }

  /// RSA or ECDSA P-256.
  key_type type() const noexcept { return type_; }
  /// The key size in bits (2048 for CloudFront RSA keys, 256 for P-256).
  int bits() const noexcept { return bits_; }
  /// The OpenSSL property query the key was loaded with.
  const std::string& properties() const noexcept { return properties_; }
  /// The OpenSSL key, for callers that need more (e.g. to export the public key). Never null.
  EVP_PKEY* get() const noexcept { return pkey_.get(); }

 private:
  private_key(std::string_view pem, std::string_view passphrase, const key_options& opts, const std::string& where);

  std::shared_ptr<EVP_PKEY> pkey_;
  key_type type_ = key_type::rsa;
  int bits_ = 0;
  std::string properties_;
};

namespace detail {

struct passphrase_source {
  std::string_view text;
  bool asked = false;
};

// OpenSSL's PEM password callback: hands over the caller's passphrase, or refuses (-1) so an
// encrypted key without one fails instead of prompting on the terminal.
URLMINT_DECL int pem_passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) noexcept;

URLMINT_DECL std::string pem_label(std::string_view pem);

}  // namespace detail

/// Raw signature bytes of `message` under `key` with `hash`: PKCS#1 v1.5 for RSA, DER-encoded
/// (r, s) for ECDSA. Throws errc::crypto when OpenSSL refuses (for SHA-1, typically a system
/// crypto policy such as RHEL 9's DEFAULT or a FIPS provider: the message names SHA-256 as the
/// fix). Never returns an empty signature.
URLMINT_DECL std::string sign_message(const private_key& key, std::string_view message, hash_algorithm hash,
                                const EVP_MD* md = nullptr);

// ---------------------------------------------------------------------------------------------
// Signed URLs and cookies.

/// One cookie: name and value (no attributes).
struct cookie {
  std::string name;   ///< e.g. "CloudFront-Policy"
  std::string value;  ///< CloudFront base64 or plain ASCII; never needs quoting
};

/// SameSite attribute of a cookie.
enum class same_site {
  unset,   ///< no SameSite attribute (the browser's default, Lax in current browsers)
  strict,  ///< SameSite=Strict
  lax,     ///< SameSite=Lax
  none,    ///< SameSite=None (requires Secure)
};

/// Attributes for the Set-Cookie lines of signed cookies; the caller decides them.
struct cookie_attributes {
  std::string domain;                ///< e.g. "d111111abcdef8.cloudfront.net" or ".example.com"; empty: none
  std::string path = "/";            ///< empty: none
  bool secure = true;                ///< CloudFront serves signed content over HTTPS
  bool http_only = true;             ///< keep the signature away from scripts
  same_site site = same_site::unset;
  std::optional<std::int64_t> max_age;  ///< seconds; empty: a session cookie
};

/// The value of a Set-Cookie header for `c` with `attrs`:
/// "CloudFront-Policy=...; Domain=...; Path=/; Secure; HttpOnly; SameSite=Lax".
/// Throws errc::invalid_argument for attributes that would break the header or that browsers
/// reject (SameSite=None without Secure).
URLMINT_DECL std::string set_cookie_value(const cookie& c, const cookie_attributes& attrs);

/// Parses "Strict", "Lax" or "None" (any case). Throws errc::invalid_argument.
URLMINT_DECL same_site parse_same_site(std::string_view text);

/// A custom policy signed once, to be appended to any number of URLs it covers ("sign once,
/// append to many"): with a wildcard resource such as "https://DOMAIN/charts/*", one RSA
/// signature serves every chart, and append_to() costs only string work. Immutable; shareable.
class signed_policy {
 public:
  /// Assembles a signed policy from its parts; normally made by signer::sign_policy().
  /// `signature_b64` is the CloudFront-base64 signature of `json`.
  signed_policy(std::string resource, std::string json, std::string signature_b64, std::string key_pair_id,
                hash_algorithm hash)
      : resource_(std::move(resource)),
        json_(std::move(json)),
        encoded_(cloudfront::base64_encode(json_)),
        signature_(std::move(signature_b64)),
        key_pair_id_(std::move(key_pair_id)),
        hash_(hash) {
    query_.reserve(encoded_.size() + signature_.size() + key_pair_id_.size() + 64);
    query_.append("Policy=").append(encoded_).append("&Signature=").append(signature_);
    query_.append("&Key-Pair-Id=").append(key_pair_id_);
    if (hash_ == hash_algorithm::sha256) query_.append("&Hash-Algorithm=SHA256");
  }

  /// The policy's Resource (URL or wildcard pattern).
  const std::string& resource() const noexcept { return resource_; }
  /// The policy JSON that was signed.
  const std::string& policy_json() const noexcept { return json_; }
  /// The policy in CloudFront base64 (the Policy parameter / CloudFront-Policy cookie).
  const std::string& encoded_policy() const noexcept { return encoded_; }
  /// The signature in CloudFront base64.
  const std::string& signature() const noexcept { return signature_; }
  /// The key pair ID.
  const std::string& key_pair_id() const noexcept { return key_pair_id_; }
  /// The hash the signature used.
  hash_algorithm hash() const noexcept { return hash_; }
  /// "Policy=...&Signature=...&Key-Pair-Id=...[&Hash-Algorithm=SHA256]".
  const std::string& query() const noexcept { return query_; }

  /// Whether the policy's resource pattern matches `url` (see wildcard_match).
  bool covers(std::string_view url) const noexcept { return wildcard_match(resource_, url); }

  /// `url` with the signed query appended (after '?' or '&'). Throws errc::invalid_argument
  /// when the URL is not signable (validate_url) or the policy does not cover it, since
  /// CloudFront would answer 403.
  std::string append_to(std::string_view url) const {
    validate_url(url);
    if (!covers(url))
      throw error(errc::invalid_argument, "cloudfront: URL \"" + std::string(url) + "\" is not covered by the policy resource \"" +
                                              resource_ + "\"; sign a policy whose resource matches it");
    std::string out;
    out.reserve(url.size() + 1 + query_.size());
    out.append(url).append(1, url.find('?') == std::string_view::npos ? '?' : '&').append(query_);
    return out;
  }

  /// The signed cookies: CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id and,
  /// for SHA-256, CloudFront-Hash-Algorithm.
  std::vector<cookie> cookies() const {
    std::vector<cookie> out{{"CloudFront-Policy", encoded_},
                            {"CloudFront-Signature", signature_},
                            {"CloudFront-Key-Pair-Id", key_pair_id_}};
    if (hash_ == hash_algorithm::sha256) out.push_back({"CloudFront-Hash-Algorithm", "SHA256"});
    return out;
  }

 private:
  std::string resource_;
  std::string json_;
  std::string encoded_;
  std::string signature_;
  std::string key_pair_id_;
  hash_algorithm hash_;
  std::string query_;
};

/// Signs CloudFront URLs and cookies with one key, key pair ID and hash. Construct once (the
/// digest is fetched here) and share: every method is const and thread-safe.
class signer {
 public:
  /// Throws errc::invalid_argument for a bad key pair ID, and errc::crypto when this system
  /// cannot sign with `hash` at all (e.g. SHA-1 under a FIPS provider: use SHA-256).
  signer(std::string_view key_pair_id, private_key key, hash_algorithm hash = hash_algorithm::sha1)
      : key_pair_id_(key_pair_id), key_(std::move(key)), hash_(hash) {
    validate_key_pair_id(key_pair_id_);
    md_.reset(EVP_MD_fetch(nullptr, hash == hash_algorithm::sha1 ? "SHA1" : "SHA256",
                           key_.properties().empty() ? nullptr : key_.properties().c_str()),
              detail::evp_md_deleter{});
    if (!md_) {
      urlmint::detail::openssl_errors();
      throw error(errc::crypto, hash == hash_algorithm::sha1
                                    ? "cloudfront: this system's OpenSSL offers no SHA-1 for signatures (crypto "
                                      "policy or FIPS provider); sign with SHA-256 instead: --hash-algorithm SHA256 "
                                      "(hash_algorithm::sha256), which CloudFront accepts"
                                    : "cloudfront: this system's OpenSSL offers no SHA-256 digest");
    }
  }

  /// The key pair ID written into URLs and cookies.
  const std::string& key_pair_id() const noexcept { return key_pair_id_; }
  /// The signature's hash.
  hash_algorithm hash() const noexcept { return hash_; }
  /// The private key.
  const private_key& key() const noexcept { return key_; }

  /// Raw signature bytes of `message` (see sign_message).
  std::string sign_bytes(std::string_view message) const { return sign_message(key_, message, hash_, md_.get()); }

  /// A canned-policy signed URL: `url` + Expires, Signature, Key-Pair-Id (+ Hash-Algorithm=SHA256).
  /// The URL's own query is kept and signed. Throws errc::invalid_argument for an unsignable
  /// URL (validate_url) or an expiry not after 1970.
  std::string sign_url(std::string_view url, time_point expires) const {
    validate_url(url);
    const std::int64_t seconds = to_unix_seconds(expires);
    if (seconds <= 0) throw error(errc::invalid_argument, "cloudfront: expiry must be after 1970-01-01");
    const std::string signature = cloudfront::base64_encode(sign_bytes(canned_policy_json(url, expires)));
    const std::string when = std::to_string(seconds);
    std::string out;
    out.reserve(url.size() + signature.size() + key_pair_id_.size() + 72);
    out.append(url).append(1, url.find('?') == std::string_view::npos ? '?' : '&');
    out.append("Expires=").append(when).append("&Signature=").append(signature);
    out.append("&Key-Pair-Id=").append(key_pair_id_);
    if (hash_ == hash_algorithm::sha256) out.append("&Hash-Algorithm=SHA256");
    return out;
  }

  /// The same without exceptions (std::filesystem style): on a bad URL or expiry, or a signing
  /// failure, returns an empty string and sets `ec` (urlmint::errc); clears it on success.
  std::string sign_url(std::string_view url, time_point expires, std::error_code& ec) const {
    return with_error_code(ec, [&] { return sign_url(url, expires); });
  }

  /// Signs a custom policy once; append it to every URL it covers with signed_policy::append_to.
  signed_policy sign_policy(const policy& p) const {
    std::string json = policy_json(p);
    std::string signature = cloudfront::base64_encode(sign_bytes(json));
    return signed_policy(p.resource, std::move(json), std::move(signature), key_pair_id_, hash_);
  }

  /// A custom-policy signed URL for `url`. An empty p.resource means the URL itself.
  std::string sign_url(std::string_view url, policy p) const {
    if (p.resource.empty()) p.resource.assign(url);
    return sign_policy(p).append_to(url);
  }
  /// The same without exceptions: an empty string and `ec` set on failure.
  std::string sign_url(std::string_view url, policy p, std::error_code& ec) const {
    return with_error_code(ec, [&] { return sign_url(url, std::move(p)); });
  }

  /// Canned-policy cookies for exactly `url`: CloudFront-Expires, CloudFront-Signature,
  /// CloudFront-Key-Pair-Id (+ CloudFront-Hash-Algorithm=SHA256).
  std::vector<cookie> canned_cookies(std::string_view url, time_point expires) const {
    validate_url(url);
    const std::int64_t seconds = to_unix_seconds(expires);
    if (seconds <= 0) throw error(errc::invalid_argument, "cloudfront: expiry must be after 1970-01-01");
    std::vector<cookie> out{{"CloudFront-Expires", std::to_string(seconds)},
                            {"CloudFront-Signature", cloudfront::base64_encode(sign_bytes(canned_policy_json(url, expires)))},
                            {"CloudFront-Key-Pair-Id", key_pair_id_}};
    if (hash_ == hash_algorithm::sha256) out.push_back({"CloudFront-Hash-Algorithm", "SHA256"});
    return out;
  }

  /// Custom-policy cookies (typically for a wildcard resource).
  std::vector<cookie> policy_cookies(const policy& p) const { return sign_policy(p).cookies(); }

 private:
  // The non-throwing overloads: the throwing body, its urlmint::error turned into `ec`.
  template <class F>
  static std::string with_error_code(std::error_code& ec, F&& f) {
    ec.clear();
    try {
      return f();
    } catch (const error& e) {
      ec = e.error_code();
    }
    return {};
  }

  std::string key_pair_id_;
  private_key key_;
  hash_algorithm hash_;
  std::shared_ptr<EVP_MD> md_;
};

// ---------------------------------------------------------------------------------------------
// Times as the AWS CLI's `cloudfront sign` takes them.

/// Parses a time as `aws cloudfront sign` accepts it: epoch seconds ("1767290400"), a UTC date
/// ("2026-01-01", also "2016-1-1"), a UTC date and time ("2026-01-01T10:00:00", 'T' or a
/// space, seconds optional, an optional 'Z'), or one with an offset ("...+02:00", "-0530").
/// Returns nullopt for anything else, an impossible date, or a time before 1970 or after what
/// time_point holds (2262-04-11 with libstdc++'s 64-bit nanoseconds).
URLMINT_DECL std::optional<time_point> parse_when(std::string_view text);

}  // namespace cloudfront
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/cloudfront.ipp"
#endif

#endif  // URLMINT_CLOUDFRONT_HPP
