#ifndef URLMINT_VERIFY_HPP
#define URLMINT_VERIFY_HPP

// Checking a SigV4 presigned URL the way S3 does, for S3-compatible gateways, proxies and
// tests: parse the URL, rebuild the canonical request with the signing steps of sigv4.hpp,
// compare signatures in constant time (SigV4a, a multi-region access point's: verify the
// ECDSA signature with the key derived from the secret), and enforce the time rules (X-Amz-Expires at most
// 7 days, not expired, not dated in the future beyond the 15-minute skew S3 allows).
// Sans-IO: the caller supplies the time and a function that finds the secret for a key id.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html

#include <chrono>       // std::chrono::seconds
#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>
#include <string_view>
#include <utility>      // std::move
#include <vector>

#include "config.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "function_ref.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace verify {

/// Why a presigned URL was rejected; `none` means it is valid. Ordered roughly as S3 checks.
enum class failure {
  none,                       ///< the URL is valid at the given time
  malformed_url,              ///< not an http(s) URL, bad %-escape, fragment, user info, ...
  missing_parameter,          ///< an X-Amz-* authentication parameter is absent
  duplicate_parameter,        ///< an X-Amz-* authentication parameter appears twice
  unsupported_algorithm,      ///< X-Amz-Algorithm is neither AWS4-HMAC-SHA256 nor AWS4-ECDSA-P256-SHA256
  malformed_credential,       ///< X-Amz-Credential is not KEY/YYYYMMDD/REGION/SERVICE/aws4_request (SigV4a: no REGION)
  malformed_date,             ///< X-Amz-Date is not YYYYMMDDTHHMMSSZ
  scope_date_mismatch,        ///< the credential scope's date is not X-Amz-Date's date
  wrong_region,               ///< the scope's region (SigV4a: X-Amz-Region-Set) is not (or lacks) the expected one
  wrong_service,              ///< the scope's service is not the expected one (s3)
  wrong_terminator,           ///< the scope does not end in aws4_request
  malformed_expires,          ///< X-Amz-Expires is not a whole number of seconds >= 1
  expires_too_long,           ///< X-Amz-Expires is above 604800 (7 days)
  not_yet_valid,              ///< X-Amz-Date is later than now + the allowed skew
  expired,                    ///< now is after X-Amz-Date + X-Amz-Expires
  malformed_signed_headers,   ///< X-Amz-SignedHeaders is not a sorted, lowercase, unique list
  missing_host_header,        ///< X-Amz-SignedHeaders does not include host
  missing_signed_header,      ///< a signed header other than host was not supplied in options
  unsigned_amz_header,        ///< an x-amz-* header is sent but not signed (S3 refuses these)
  unknown_access_key,         ///< the lookup knows no secret for the access key id
  credentials_expired,        ///< the looked-up temporary credentials have expired
  invalid_token,              ///< X-Amz-Security-Token is missing, unexpected or wrong
  malformed_signature,        ///< X-Amz-Signature is not 64 lowercase hex digits (SigV4a: DER in lowercase hex)
  signature_mismatch,         ///< the recomputed signature differs (tampering or wrong secret)
};

/// A short stable name for a failure ("expired", "signature_mismatch", ...), for logs and tests.
URLMINT_DECL std::string_view to_string(failure f) noexcept;

/// Finds the credentials of an access key id, or nullopt when the key is unknown. It may throw
/// urlmint::error (e.g. errc::io); verify_presigned lets that propagate. Pass a lambda or
/// function: the lookup is only referred to, for the length of the call.
using credentials_lookup = function_ref<std::optional<credentials>(std::string_view access_key_id)>;

/// What the request that carries the URL looks like, and what the verifier expects.
struct options {
  /// The HTTP method the client uses (part of what is signed): GET, PUT, HEAD, DELETE, POST.
  std::string method = "GET";
  /// The region the scope must name, e.g. "us-east-1"; empty accepts the URL's own region.
  std::string region;
  /// The service the scope must name.
  std::string service = "s3";
  /// Headers the client sends. Every signed header other than host must be here (names are
  /// case-insensitive); an x-amz-* header here that is not signed is refused, as S3 does.
  std::vector<sigv4::header> headers;
  /// How far X-Amz-Date may lie in the future of `now`: 15 minutes, as S3 allows.
  std::chrono::seconds max_skew = max_clock_skew;
};

/// The verdict. `reason == failure::none` means valid; otherwise `message` says why in one line
/// (never containing a secret or a session token).
struct result {
  failure reason = failure::none;
  std::string message;         ///< one line; "presigned URL is valid" when valid
  std::string access_key_id;   ///< from X-Amz-Credential, when it could be parsed
  std::string region;          ///< from the credential scope, when it could be parsed
  std::optional<time_point> signed_at;   ///< X-Amz-Date, when it could be parsed
  std::optional<time_point> expires_at;  ///< X-Amz-Date + X-Amz-Expires, when both parsed
  /// The canonical request and string to sign the verifier computed, when it got that far;
  /// compare them with the signer's --debug output to find what differs.
  std::string canonical_request;
  std::string string_to_sign;

  /// Whether the URL is valid.
  bool valid() const noexcept { return reason == failure::none; }
  explicit operator bool() const noexcept { return valid(); }
};

/// The pieces of an http(s) URL as a SigV4 verifier needs them.
struct parsed_url {
  std::string scheme;  ///< "http" or "https", lowercased
  std::string host;    ///< the Host header the client sends: authority without a default port
  std::string path;    ///< as sent, "/" when empty
  std::vector<sigv4::query_param> query;  ///< decoded, in URL order
};

namespace detail {

// Echoed values are attacker-controlled: keep messages one line and short.
URLMINT_DECL std::string printable(std::string_view text, std::size_t limit = 64);

URLMINT_DECL result fail(result r, failure why, std::string message);

URLMINT_DECL std::string amz_text(time_point t);

// "0".."604800" and beyond, digits only (no sign, no spaces); nullopt when not a number.
URLMINT_DECL std::optional<std::int64_t> parse_seconds(std::string_view text) noexcept;

URLMINT_DECL bool is_lower_hex(std::string_view text) noexcept;

// Whether a SigV4a X-Amz-Region-Set ("*", or regions separated by commas) includes `region`.
URLMINT_DECL bool region_set_covers(std::string_view region_set, std::string_view region) noexcept;

}  // namespace detail

/// Splits an http(s) URL into scheme, Host header, path and decoded query. Returns nullopt for
/// another scheme, an empty host, user info, a fragment, a non-numeric port or a bad %-escape.
/// The host keeps its case (it is signed as the client sends it); a default port is dropped.
URLMINT_DECL std::optional<parsed_url> parse_url(std::string_view url);

/// Checks a SigV4 presigned URL at time `now` the way S3 does, and says why it fails.
/// `lookup` maps the URL's access key id to credentials (nullopt: unknown key). Checks, in
/// order: URL syntax; each X-Amz-* parameter present exactly once; algorithm
/// AWS4-HMAC-SHA256; credential scope KEY/DATE/REGION/SERVICE/aws4_request with DATE equal to
/// X-Amz-Date's day and REGION/SERVICE as expected; X-Amz-Expires in 1..604800 s; X-Amz-Date
/// at most opts.max_skew (15 min) after `now`; `now` not after X-Amz-Date + X-Amz-Expires;
/// signed headers sorted, lowercase, including host and supplied in opts.headers; the session
/// token equal to the credentials'; and finally the signature, recomputed with the steps of
/// sigv4.hpp over UNSIGNED-PAYLOAD and compared in constant time.
/// A SigV4a URL (AWS4-ECDSA-P256-SHA256, a multi-region access point's) has no region in its
/// scope and needs X-Amz-Region-Set, which must cover opts.region ("*" covers every region);
/// its signature is verified with the P-256 key derived from the secret (sigv4a::key_pair).
/// Throws errc::invalid_argument only for unusable `opts` (empty method or service).
URLMINT_DECL result verify_presigned(std::string_view url, const credentials_lookup& lookup, time_point now,
                               const options& opts = {});

/// verify_presigned against one set of credentials (any other access key id is unknown).
URLMINT_DECL result verify_presigned(std::string_view url, const credentials& creds, time_point now,
                               const options& opts = {});

}  // namespace verify
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/verify.ipp"
#endif

#endif  // URLMINT_VERIFY_HPP
