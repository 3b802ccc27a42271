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

#include "checksums.hpp"
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
inline std::string_view canonical_method(std::string_view name, bool allow_post = false) {
  for (std::string_view m : {method::get, method::put, method::head, method::delete_})
    if (ascii_iequals(name, m)) return m;
  if (allow_post && ascii_iequals(name, method::post)) return method::post;
  throw error(errc::invalid_argument, "s3: method \"" + std::string(name.substr(0, 32)) +
                                          "\" is not supported; use GET, PUT, HEAD" +
                                          (allow_post ? ", DELETE or POST" : " or DELETE"));
}

/// Throws errc::invalid_argument unless `method` is GET, PUT, HEAD, DELETE or POST, in any case.
inline void validate_method(std::string_view method, bool allow_post = false) { canonical_method(method, allow_post); }

/// The sigv4::request for `method` on bucket/key (key may be empty for bucket operations).
inline sigv4::request make_request(location loc, std::string_view method, std::vector<sigv4::query_param> query = {},
                                   std::vector<sigv4::header> headers = {}) {
  sigv4::request req;
  req.method.assign(method);
  req.scheme = std::move(loc.scheme);
  req.host = std::move(loc.host);
  req.path = std::move(loc.path);
  req.query = std::move(query);
  req.headers = std::move(headers);
  return req;
}

/// The sigv4::request for `method` on bucket/key (key may be empty for bucket operations).
inline sigv4::request make_request(const config& cfg, std::string_view method, std::string_view bucket,
                                   std::string_view key, std::vector<sigv4::query_param> query = {},
                                   std::vector<sigv4::header> headers = {}) {
  return make_request(resolve(cfg, bucket, key), method, std::move(query), std::move(headers));
}

/// Signing parameters for S3 in `cfg`'s region at `now`.
inline sigv4::params s3_params(const config& cfg, time_point now, sigv4::signature_location where) {
  sigv4::params p;
  p.region = cfg.region;
  p.service = "s3";
  p.time = now;
  p.location = where;
  p.path = sigv4::path_encoding::as_is;
  p.content_sha256 = sigv4::content_sha256_header::include;
  return p;
}

/// Signing parameters for a resolved location: its signing region and service (an access
/// point ARN's region, s3-object-lambda) instead of the configured ones.
inline sigv4::params s3_params(const config& cfg, const location& loc, time_point now,
                               sigv4::signature_location where) {
  sigv4::params p = s3_params(cfg, now, where);
  if (!loc.signing_region.empty()) p.region = loc.signing_region;
  p.service = loc.signing_service;
  return p;
}

namespace detail {

// The request and parameters of a presign: what presign() signs and presign_steps() shows.
struct presign_inputs {
  sigv4::request request;
  sigv4::params params;
};

inline presign_inputs make_presign_inputs(const config& cfg, std::string_view bucket, std::string_view key,
                                          const presign_options& opts, time_point now) {
  const std::string_view method = canonical_method(opts.method);
  validate_key(key);
  location loc = resolve(cfg, bucket, key);
  sigv4::params params = s3_params(cfg, loc, now, sigv4::signature_location::query);
  presign_inputs in{make_request(std::move(loc), method, opts.query, opts.headers), std::move(params)};
  in.request.payload_hash.assign(sigv4::unsigned_payload);
  in.params.expires_in = opts.expires_in;
  return in;
}

}  // namespace detail

/// The intermediates of s3::presign (s3_presign.hpp), by the general SigV4 steps, for --debug
/// output and tests.
inline sigv4::signing_steps presign_steps(const credentials& creds, const config& cfg, std::string_view bucket,
                                          std::string_view key, const presign_options& opts, time_point now) {
  const detail::presign_inputs in = detail::make_presign_inputs(cfg, bucket, key, opts, now);
  if (mrap::is_mrap_arn(bucket))
    return sigv4a::compute(in.request, creds, mrap::signing_params(in.params), &sigv4a::process_key_cache());
  if (s3express::is_directory_bucket(bucket)) return s3express::compute(in.request, creds, in.params);
  return sigv4::compute(in.request, creds, in.params);
}

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
inline sigv4::signed_request sign_request(const credentials& creds, const config& cfg, request_options r,
                                          time_point now, sigv4::signing_key_cache* cache = nullptr) {
  location loc = resolve(cfg, r.bucket, r.key);
  const sigv4::params p = s3_params(cfg, loc, now, sigv4::signature_location::headers);
  sigv4::request req = make_request(std::move(loc), canonical_method(r.method, true), std::move(r.query), std::move(r.headers));
  if (r.payload_hash == sigv4::unsigned_payload && req.scheme != "https")
    throw error(errc::invalid_argument,
                "s3: UNSIGNED-PAYLOAD needs an https:// endpoint; hash the body over plain http");
  req.payload_hash.assign(r.payload_hash);
  if (mrap::is_mrap_arn(r.bucket)) return sigv4a::sign(req, creds, mrap::signing_params(p), &sigv4a::process_key_cache());
  if (s3express::is_directory_bucket(r.bucket)) return s3express::sign(req, creds, p, cache);
  return sigv4::sign(req, creds, p, cache);
}

/// sign_request() with the fields of request_options in order (prefer request_options).
inline sigv4::signed_request sign_request(const credentials& creds, const config& cfg, std::string_view method,
                                          std::string_view bucket, std::string_view key,
                                          std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                                          std::string_view payload_hash, time_point now,
                                          sigv4::signing_key_cache* cache = nullptr) {
  return sign_request(creds, cfg, request_options{method, bucket, key, std::move(query), std::move(headers), payload_hash},
                      now, cache);
}

/// CreateSession for a directory bucket (GET /?session on its zonal host), signed with the
/// caller's own credentials and service s3express. Its answer's session credentials then sign
/// the bucket's requests: s3::sign_request(), s3::presign() and friends treat the credentials
/// they are given for a directory bucket as a session (see s3express.hpp).
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html
inline sigv4::signed_request sign_create_session(const credentials& creds, const config& cfg, std::string_view bucket,
                                                 time_point now, sigv4::signing_key_cache* cache = nullptr) {
  if (!s3express::is_directory_bucket(bucket))
    throw error(errc::invalid_argument, "s3: CreateSession is for directory buckets (NAME--ZONEID--x-s3), not \"" +
                                            std::string(bucket) + "\"");
  sigv4::request req = make_request(cfg, "GET", bucket, "", {{"session", ""}});
  sigv4::params p = s3_params(cfg, now, sigv4::signature_location::headers);
  p.service.assign(s3express::service);
  return sigv4::sign(req, creds, p, cache);
}

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
inline std::string quoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

/// The If-None-Match / If-Match headers of a conditional write. Throws errc::invalid_argument
/// for an If-None-Match other than "*" (all S3 accepts on writes) or both conditions at once.
inline std::vector<sigv4::header> condition_headers(const put_options& opts) {
  std::vector<sigv4::header> h;
  if (!opts.if_none_match.empty() && !opts.if_match.empty())
    throw error(errc::invalid_argument, "s3: a write takes one condition; use --no-overwrite or --if-match, not both");
  if (!opts.if_none_match.empty()) {
    if (opts.if_none_match != "*")
      throw error(errc::invalid_argument, "s3: If-None-Match on a write must be \"*\" (S3 accepts nothing else)");
    h.push_back({"If-None-Match", "*"});
  }
  if (!opts.if_match.empty()) h.push_back({"If-Match", quoted_etag(opts.if_match)});
  return h;
}

/// The headers a PutObject sends for `opts` (before signing).
inline std::vector<sigv4::header> put_headers(const put_options& opts) {
  std::vector<sigv4::header> h;
  if (!opts.content_type.empty()) h.push_back({"Content-Type", opts.content_type});
  if (!opts.cache_control.empty()) h.push_back({"Cache-Control", opts.cache_control});
  if (!opts.content_disposition.empty()) h.push_back({"Content-Disposition", opts.content_disposition});
  if (!opts.content_encoding.empty()) h.push_back({"Content-Encoding", opts.content_encoding});
  if (!opts.storage_class.empty()) h.push_back({"x-amz-storage-class", opts.storage_class});
  for (const auto& m : opts.metadata) {
    if (m.name.empty())
      throw error(errc::invalid_argument, "s3: metadata name is empty; write --metadata name=value");
    h.push_back({"x-amz-meta-" + sigv4::lowercase(m.name), m.value});
  }
  for (const auto& e : opts.extra_headers) h.push_back(e);
  return h;
}

/// A header-signed PutObject whose body has hex SHA-256 `payload_hash`.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
inline sigv4::signed_request sign_put_object(const credentials& creds, const config& cfg, std::string_view bucket,
                                             std::string_view key, const put_options& opts,
                                             std::string_view payload_hash, time_point now,
                                             sigv4::signing_key_cache* cache = nullptr) {
  validate_key(key);
  std::vector<sigv4::header> headers = put_headers(opts);
  for (auto& h : condition_headers(opts)) headers.push_back(std::move(h));
  return sign_request(creds, cfg, "PUT", bucket, key, {}, std::move(headers), payload_hash, now, cache);
}

}  // namespace s3
}  // namespace urlmint

// The presign path and s3::signer (they need everything above).
#include "s3_presign.hpp"

#endif  // URLMINT_S3_HPP
