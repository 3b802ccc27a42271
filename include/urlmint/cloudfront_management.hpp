#ifndef URLMINT_CLOUDFRONT_MANAGEMENT_HPP
#define URLMINT_CLOUDFRONT_MANAGEMENT_HPP

// Managing a CloudFront distribution, sans-IO: the SigV4-signed CreateInvalidation request (the
// seed's cache-maintenance step) returned as a sigv4::signed_request plus its XML body for
// curl.hpp (or anything) to send, the parsing of its answer, and the S3 bucket policy of an
// origin access control (the seed's step 2).
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html


#include <string>
#include <string_view>
#include <vector>

#include "cloudfront.hpp"
#include "config.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace cloudfront {

// ---------------------------------------------------------------------------------------------
// Invalidations (sans-IO: a signed request and its body).

/// Throws errc::invalid_argument unless `id` looks like a distribution ID: 'E' then 1 to 31
/// uppercase letters or digits (e.g. "EDFDVBD6EXAMPLE").
URLMINT_DECL void validate_distribution_id(std::string_view id);

/// A caller reference unique per call: "urlmint-<unix seconds>-<16 random hex digits>".
/// CloudFront uses it to make CreateInvalidation idempotent, so a retry must reuse it.
URLMINT_DECL std::string make_caller_reference(time_point now);

/// The InvalidationBatch XML for `paths`. Each path starts with '/' ('*' allowed at the end,
/// e.g. "/charts/*"); paths are XML-escaped but not otherwise changed. Throws
/// errc::invalid_argument for no paths, too many, a path without a leading '/', control bytes
/// or an empty caller reference.
URLMINT_DECL std::string invalidation_batch_xml(const std::vector<std::string>& paths, std::string_view caller_reference);

/// A request to send and its body.
struct invalidation_request {
  sigv4::signed_request request;  ///< POST .../distribution/ID/invalidation with Authorization
  std::string body;               ///< the InvalidationBatch XML
};

namespace detail {

// Signs one call of the CloudFront API (SigV4, service "cloudfront", region us-east-1): `method`
// on /2020-05-31/`resource` with `query` and an XML `body` (empty for none). `endpoint_url`
// defaults to AWS; a test server such as "http://127.0.0.1:8080" works too.
URLMINT_DECL sigv4::signed_request sign_api_request(const credentials& creds, std::string_view method,
                                              std::string_view resource, std::vector<sigv4::query_param> query,
                                              std::string_view body, time_point now,
                                              std::string_view endpoint_url);

}  // namespace detail

/// Builds and signs CreateInvalidation (SigV4, service "cloudfront", region us-east-1) for
/// `distribution_id` at `now`. `endpoint_url` defaults to AWS; a test server such as
/// "http://127.0.0.1:8080" works too. Nothing is sent.
URLMINT_DECL invalidation_request create_invalidation(const credentials& creds, std::string_view distribution_id,
                                                const std::vector<std::string>& paths,
                                                std::string_view caller_reference, time_point now,
                                                std::string_view endpoint_url = api_endpoint);

/// What CreateInvalidation answered.
struct invalidation {
  std::string id;           ///< e.g. "I2J0I21PCUYOIK"
  std::string status;       ///< "InProgress" or "Completed"
  std::string create_time;  ///< ISO 8601, as CloudFront wrote it
};

namespace detail {

URLMINT_DECL std::string xml_text(std::string_view xml, std::string_view tag);

}  // namespace detail

/// Reads an HTTP answer to CreateInvalidation. 201 gives the invalidation; any other status
/// throws errc::service with CloudFront's error code and message (or errc::signature_mismatch
/// for SignatureDoesNotMatch).
URLMINT_DECL invalidation parse_invalidation_response(long status, std::string_view body);

// ---------------------------------------------------------------------------------------------
// The S3 bucket policy of an origin access control.

/// Throws errc::invalid_argument unless `id` is 12 digits (an AWS account ID).
URLMINT_DECL void validate_account_id(std::string_view id);

/// The bucket policy that lets distribution `distribution_id` of account `account_id` read
/// `bucket` through an origin access control (OAC), formatted as the CloudFront console shows it.
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
URLMINT_DECL std::string oac_bucket_policy(std::string_view bucket, std::string_view account_id,
                                     std::string_view distribution_id);

}  // namespace cloudfront
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/cloudfront_management.ipp"
#endif

#endif  // URLMINT_CLOUDFRONT_MANAGEMENT_HPP
