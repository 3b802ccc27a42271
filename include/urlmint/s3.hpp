#ifndef URLMINT_S3_HPP
#define URLMINT_S3_HPP

// Amazon S3 on top of SigV4: presigned URLs and header-signed requests, addressed by
// s3_endpoints.hpp (bucket and key rules, AWS's hosts and S3-compatible servers). Sans-IO:
// requests are signed here and sent by curl.hpp (or anything else).

#include <chrono>    // std::chrono::seconds
#include <cstdint>   // std::uint16_t
#include <atomic>    // std::atomic
#include <cstring>   // std::memcpy
#include <memory>    // std::unique_ptr
#include <mutex>     // std::mutex
#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <utility>   // std::swap
#include <vector>

#include "checksum_algorithm.hpp"
#include "config.hpp"
#include "credentials.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "s3_endpoints.hpp"
#include "s3_mrap.hpp"
#include "s3express.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace s3 {

/// Options of a presigned URL.
struct presign_options {
  std::string method = "GET";             ///< GET, PUT, HEAD or DELETE
  std::chrono::seconds expires_in{3600};  ///< 1..604800
  std::vector<sigv4::header> headers;     ///< extra signed headers the client must send (e.g. Content-Type)
  std::vector<sigv4::query_param> query;  ///< extra signed query (response-content-disposition, versionId, ...)
};

/// The HTTP methods S3 signs, as named constants: `opts.method = s3::method::put;`.
namespace method {
inline constexpr std::string_view get = "GET";
inline constexpr std::string_view put = "PUT";
inline constexpr std::string_view head = "HEAD";
inline constexpr std::string_view delete_ = "DELETE";
inline constexpr std::string_view post = "POST";
}  // namespace method

/// The method as S3 signs it (upper case) for `method` in any case ("get" is GET). Throws
/// errc::invalid_argument unless it is GET, PUT, HEAD, DELETE or (with allow_post) POST.
URLMINT_DECL std::string_view canonical_method(std::string_view name, bool allow_post = false);

/// Throws errc::invalid_argument unless `method` is GET, PUT, HEAD, DELETE or POST, in any case.
URLMINT_DECL void validate_method(std::string_view method, bool allow_post = false);

/// The sigv4::request for `method` on bucket/key (key may be empty for bucket operations).
URLMINT_DECL sigv4::request make_request(location loc, std::string_view method, std::vector<sigv4::query_param> query = {},
                                   std::vector<sigv4::header> headers = {});

/// The sigv4::request for `method` on bucket/key (key may be empty for bucket operations).
URLMINT_DECL sigv4::request make_request(const config& cfg, std::string_view method, std::string_view bucket,
                                   std::string_view key, std::vector<sigv4::query_param> query = {},
                                   std::vector<sigv4::header> headers = {});

/// Signing parameters for S3 in `cfg`'s region at `now`.
URLMINT_DECL sigv4::params s3_params(const config& cfg, time_point now, sigv4::signature_location where);

/// Signing parameters for a resolved location: its signing region and service (an access
/// point ARN's region, s3-object-lambda) instead of the configured ones.
URLMINT_DECL sigv4::params s3_params(const config& cfg, const location& loc, time_point now,
                               sigv4::signature_location where);

namespace detail {

// The request and parameters of a presign: what presign() signs and presign_steps() shows.
struct presign_inputs {
  sigv4::request request;
  sigv4::params params;
};

URLMINT_DECL presign_inputs make_presign_inputs(const config& cfg, std::string_view bucket, std::string_view key,
                                          const presign_options& opts, time_point now);

}  // namespace detail

/// The intermediates of s3::presign (s3_presign.hpp), by the general SigV4 steps, for --debug
/// output and tests.
URLMINT_DECL sigv4::signing_steps presign_steps(const credentials& creds, const config& cfg, std::string_view bucket,
                                          std::string_view key, const presign_options& opts, time_point now);

/// An S3 request to sign in the Authorization header (see sign_request): named fields instead of
/// a row of positional strings, so a bucket and a key cannot trade places.
struct request_options {
  std::string_view method = method::get;   ///< GET, PUT, HEAD, DELETE or POST, in any case
  std::string_view bucket;
  std::string_view key;                     ///< empty addresses the bucket (e.g. GET /?lifecycle)
  std::vector<sigv4::query_param> query;    ///< decoded query parameters
  std::vector<sigv4::header> headers;       ///< headers to sign and send
  /// The hex SHA-256 of the body (sha256_hex), sigv4::empty_payload_sha256 for none, or
  /// sigv4::unsigned_payload (https only).
  std::string_view payload_hash = sigv4::empty_payload_sha256;
};

/// Signs an S3 request in the Authorization header.
URLMINT_DECL sigv4::signed_request sign_request(const credentials& creds, const config& cfg, request_options r,
                                          time_point now, sigv4::signing_key_cache* cache = nullptr);

/// sign_request() with the fields of request_options in order (prefer request_options).
URLMINT_DECL sigv4::signed_request sign_request(const credentials& creds, const config& cfg, std::string_view method,
                                          std::string_view bucket, std::string_view key,
                                          std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                                          std::string_view payload_hash, time_point now,
                                          sigv4::signing_key_cache* cache = nullptr);

/// CreateSession for a directory bucket (GET /?session on its zonal host), signed with the
/// caller's own credentials and service s3express. Its answer's session credentials then sign
/// the bucket's requests: s3::sign_request(), s3::presign() and friends treat the credentials
/// they are given for a directory bucket as a session (see s3express.hpp).
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html
URLMINT_DECL sigv4::signed_request sign_create_session(const credentials& creds, const config& cfg, std::string_view bucket,
                                                 time_point now, sigv4::signing_key_cache* cache = nullptr);

/// Headers of an object upload (PutObject). Empty fields are not sent.
struct put_options {
  std::string content_type;         ///< e.g. "image/png"
  std::string cache_control;        ///< e.g. "max-age=31536000"
  std::string content_disposition;  ///< e.g. "inline; filename=\"chart.png\""
  std::string content_encoding;
  std::string storage_class;        ///< e.g. "STANDARD_IA"
  std::vector<sigv4::header> metadata;  ///< user metadata, names without the "x-amz-meta-" prefix
  std::vector<sigv4::header> extra_headers;  ///< anything else to sign and send (SSE, ACL, ...)
  /// Conditional write (PutObject and CompleteMultipartUpload, never UploadPart): "*" stores
  /// the object only when no object has the key (If-None-Match: *; `s3 cp --no-overwrite`).
  /// A failed condition is errc::precondition_failed.
  std::string if_none_match;
  /// Conditional write: an ETag; the object is replaced only while it still has that ETag
  /// (If-Match; `s3 cp --if-match ETAG`). Quotes are added when missing.
  std::string if_match;
  /// With a value, the upload carries x-amz-checksum-<alg> (per part, and listed in
  /// CompleteMultipartUpload) instead of Content-MD5; without one (the default) no checksum
  /// header is sent at all, which S3-compatible servers that lack them need.
  std::optional<checksums::algorithm> checksum;
};

/// An ETag as S3 writes it in headers: in double quotes (added when missing).
URLMINT_DECL std::string quoted_etag(std::string_view etag);

/// The If-None-Match / If-Match headers of a conditional write. Throws errc::invalid_argument
/// for an If-None-Match other than "*" (all S3 accepts on writes) or both conditions at once.
URLMINT_DECL std::vector<sigv4::header> condition_headers(const put_options& opts);

/// The headers a PutObject sends for `opts` (before signing).
URLMINT_DECL std::vector<sigv4::header> put_headers(const put_options& opts);

/// A header-signed PutObject whose body has hex SHA-256 `payload_hash`.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
URLMINT_DECL sigv4::signed_request sign_put_object(const credentials& creds, const config& cfg, std::string_view bucket,
                                             std::string_view key, const put_options& opts,
                                             std::string_view payload_hash, time_point now,
                                             sigv4::signing_key_cache* cache = nullptr);

}  // namespace s3
}  // namespace urlmint

// The presign path and s3::signer (they need everything above).
#include "s3_presign.hpp"

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3.ipp"
#endif

#endif  // URLMINT_S3_HPP
