#ifndef URLMINT_S3EXPRESS_HPP
#define URLMINT_S3EXPRESS_HPP

// S3 Express One Zone: directory buckets ("NAME--AZID--x-s3") on zonal endpoints, reached
// with short-lived session credentials from CreateSession. Sans-IO like s3.hpp, which calls
// this header for directory buckets: the names and hosts, how a request is signed with a
// session (SigV4, service "s3express", the token in x-amz-s3session-token or, presigned,
// X-Amz-S3session-Token); the CreateSession answer and a thread-safe per-bucket session cache
// whose CreateSession call is supplied by the caller (s3::client sends it with curl) are in
// s3express_sessions.hpp.
// botocore 1.43 is the reference for hosts, canonical requests and headers.

#include <chrono>      // std::chrono::seconds
#include <memory>      // std::shared_ptr
#include <string>
#include <string_view>

#include "config.hpp"
#include "credentials.hpp"
#include "error.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace s3express {

/// The signing name of every directory-bucket request (CreateSession and object requests).
inline constexpr std::string_view service = "s3express";
/// The suffix that makes a bucket name a directory bucket.
inline constexpr std::string_view bucket_suffix = "--x-s3";
/// How long a CreateSession session lasts.
inline constexpr std::chrono::minutes session_lifetime{5};
/// The header that carries the session token on requests, and its presigned-URL parameter.
inline constexpr std::string_view token_header = "x-amz-s3session-token";
inline constexpr std::string_view token_parameter = "X-Amz-S3session-Token";

/// Whether `bucket` has the directory-bucket form NAME--AZID--x-s3.
URLMINT_DECL bool is_directory_bucket(std::string_view bucket) noexcept;

/// The zone ID of a directory bucket ("usw2-az1" in "charts--usw2-az1--x-s3"); empty for
/// other names.
URLMINT_DECL std::string_view zone_id(std::string_view bucket) noexcept;

/// Why `bucket` is not a valid directory bucket name, or an empty string when it is: 3 to 63
/// characters of a-z, 0-9 and '-', starting with a letter or digit, a base name, a zone ID of
/// letters, digits and single hyphens, and the --x-s3 suffix.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-naming-rules.html
URLMINT_DECL std::string bucket_name_problem(std::string_view bucket);

/// Throws errc::invalid_argument when `bucket` is not a valid directory bucket name.
URLMINT_DECL void validate_bucket(std::string_view bucket);

/// The zonal endpoint's host under the bucket label: "s3express-AZID.REGION.amazonaws.com"
/// (".amazonaws.com.cn" in China), so the bucket's host is BUCKET + "." + this.
URLMINT_DECL std::string zonal_host_suffix(std::string_view bucket, std::string_view region);

/// The virtual-hosted zonal host of a directory bucket:
/// "NAME--AZID--x-s3.s3express-AZID.REGION.amazonaws.com".
URLMINT_DECL std::string zonal_host(std::string_view bucket, std::string_view region);

// ---------------------------------------------------------------------------------------------
// Signing with a session.

/// A request, its parameters and the credentials to sign it with, once the session token
/// has been moved to where S3 Express wants it.
struct session_signing {
  sigv4::request request;
  sigv4::params params;
  credentials creds;  ///< the session's key id and secret, without the token
};

/// Rewrites an S3 request for a session: service s3express, and the session token as the
/// signed header x-amz-s3session-token (header mode) or query parameter X-Amz-S3session-Token
/// (presigned), never as x-amz-security-token.
URLMINT_DECL session_signing for_session(sigv4::request req, sigv4::params p, const credentials& session);

/// Every signing step of `req` under a session (see for_session()).
URLMINT_DECL sigv4::signing_steps compute(const sigv4::request& req, const credentials& session, const sigv4::params& p,
                                    sigv4::signing_key_cache* cache = nullptr);

/// `req` header-signed with a session.
URLMINT_DECL sigv4::signed_request sign(const sigv4::request& req, const credentials& session, sigv4::params p,
                                  sigv4::signing_key_cache* cache = nullptr);

/// `req` presigned with a session: the URL carries X-Amz-S3session-Token.
URLMINT_DECL std::string presign(const sigv4::request& req, const credentials& session, sigv4::params p,
                           sigv4::signing_key_cache* cache = nullptr);


/// Where a signer gets a directory bucket's session credentials (s3::signer::use_sessions).
/// session_cache (s3express_sessions.hpp) is urlmint's: it calls CreateSession and renews.
class session_source {
 public:
  virtual ~session_source() = default;
  /// The session for `bucket` under the caller's credentials `base` at `now`.
  virtual std::shared_ptr<const credentials> get(std::string_view bucket, const credentials& base, time_point now) = 0;
};

}  // namespace s3express
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3express.ipp"
#endif

#endif  // URLMINT_S3EXPRESS_HPP
