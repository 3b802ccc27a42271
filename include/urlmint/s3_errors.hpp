#ifndef URLMINT_S3_ERRORS_HPP
#define URLMINT_S3_ERRORS_HPP

// S3's error answers, sans-IO: the XML error body and headers parsed into error_details, the
// one-line message with its cause and fix, and the retry decisions (which answers to retry,
// how long to back off, when an answer names the bucket's real region). s3::client
// (s3_client.hpp) sends the requests; this is what it makes of a refusal.

#include <chrono>    // std::chrono::milliseconds
#include <cstdint>   // std::int64_t
#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "multipart.hpp"  // xml_element_text
#include "s3.hpp"         // config
#include "sigv4.hpp"      // header, lowercase

namespace urlmint {
namespace s3 {

// ---------------------------------------------------------------------------------------------
// Errors.

/// What S3 said when it refused a request, from its XML error body and headers.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
struct error_details {
  long status = 0;                ///< HTTP status
  std::string code;               ///< e.g. "SignatureDoesNotMatch", "NoSuchBucket" ("" when the body had none)
  std::string message;            ///< S3's human-readable message
  std::string request_id;         ///< <RequestId> or x-amz-request-id
  std::string host_id;            ///< <HostId> or x-amz-id-2
  std::string region;             ///< the bucket's real region when S3 named it (redirects, wrong region)
  std::string endpoint;           ///< <Endpoint> of a redirect
  std::string string_to_sign;     ///< the server's StringToSign (SignatureDoesNotMatch)
  std::string canonical_request;  ///< the server's CanonicalRequest (SignatureDoesNotMatch)
  std::string body_excerpt;       ///< the start of a body that was not S3 XML, printable ASCII only
};

/// An S3 error answer: a urlmint::error (code errc::service, errc::signature_mismatch or
/// errc::invalid_credentials) that also carries the parsed details.
class service_error : public error {
 public:
  service_error(errc code, const std::string& message, error_details details)
      : error(code, message), details_(std::move(details)) {}
  /// The parsed answer.
  const error_details& details() const noexcept { return details_; }

 private:
  error_details details_;
};

namespace detail {

inline std::optional<std::string> find_header(const std::vector<sigv4::header>& headers, std::string_view name) {
  for (const auto& h : headers)
    if (sigv4::lowercase(h.name) == name) return h.value;
  return std::nullopt;
}

// Keeps a server's text printable and on one line: it ends up in a one-line error message.
inline std::string printable_excerpt(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c >= ' ' && c < 0x7f) ? c : ' ';
  return out;
}

}  // namespace detail

/// Parses an error answer (status, headers, body). Works for bodies that are not S3 XML (an
/// HTML error page from a proxy, an empty HEAD answer): code stays empty and body_excerpt
/// keeps the start of the body.
inline error_details parse_error_response(long status, const std::vector<sigv4::header>& headers,
                                          std::string_view body) {
  error_details d;
  d.status = status;
  const auto text = [&](std::string_view tag) { return multipart::xml_element_text(body, tag).value_or(""); };
  if (body.find("<Error") != std::string_view::npos) {
    d.code = text("Code");
    d.message = text("Message");
    d.request_id = text("RequestId");
    d.host_id = text("HostId");
    d.region = text("Region");
    d.endpoint = text("Endpoint");
    d.string_to_sign = text("StringToSign");
    d.canonical_request = text("CanonicalRequest");
  } else {
    d.body_excerpt = detail::printable_excerpt(body, 120);
  }
  if (d.request_id.empty()) d.request_id = detail::find_header(headers, "x-amz-request-id").value_or("");
  if (d.host_id.empty()) d.host_id = detail::find_header(headers, "x-amz-id-2").value_or("");
  if (d.region.empty()) d.region = detail::find_header(headers, "x-amz-bucket-region").value_or("");
  if (d.region.empty()) {
    // "... the region 'us-east-1' is wrong; expecting 'eu-west-1'"
    const auto at = d.message.find("expecting '");
    if (at != std::string::npos) {
      const auto end = d.message.find('\'', at + 11);
      if (end != std::string::npos) d.region = d.message.substr(at + 11, end - at - 11);
    }
  }
  if (d.code.empty() && body.empty()) {
    // HEAD answers have no body: name the status the way S3's SDKs do.
    switch (status) {
      case 301: d.code = "PermanentRedirect"; break;
      case 307: d.code = "TemporaryRedirect"; break;
      case 400: d.code = "BadRequest"; break;
      case 403: d.code = "Forbidden"; break;
      case 404: d.code = "NotFound"; break;
      default: break;
    }
  }
  return d;
}

/// Whether an answer is worth retrying: 429, 500, 502, 503, 504, or the throttling and transient
/// codes of S3 (SlowDown, InternalError, RequestTimeout) and of CloudFront and STS (Throttling).
/// Never other 4xx: the same request would fail the same way.
inline bool is_retryable(long status, std::string_view code) {
  if (status == 500 || status == 502 || status == 503 || status == 504) return true;
  return status == 429 || code == "SlowDown" || code == "InternalError" || code == "RequestTimeout" ||
         code == "ServiceUnavailable" || code == "Throttling" || code == "ThrottlingException";
}

/// Whether an answer is a failed write condition: 412 PreconditionFailed, or the 409
/// ConditionalRequestConflict S3 sends when conditional writes to one key race.
inline bool is_precondition_failure(const error_details& d) {
  return d.status == 412 || d.code == "PreconditionFailed" || d.code == "ConditionalRequestConflict";
}

/// Whether a failed attempt (an urlmint::error from the transport) is worth retrying: a
/// connection error or a timeout (a stall included), never a refused argument or a cap.
inline bool is_retryable(errc code) { return code == errc::transport || code == errc::timeout; }

/// The region an answer says the bucket really is in, when the request was signed for another
/// one: 301, 307 or 400 AuthorizationHeaderMalformed naming a region.
inline std::optional<std::string> redirect_region(const error_details& d, std::string_view signed_region) {
  if (d.region.empty() || d.region == signed_region) return std::nullopt;
  const bool redirect = d.status == 301 || d.status == 307 || d.code == "PermanentRedirect" ||
                        d.code == "TemporaryRedirect" || d.code == "AuthorizationHeaderMalformed";
  if (!redirect) return std::nullopt;
  return d.region;
}

/// The one-line message for an error answer to `operation` (e.g. "PUT s3://b/k") under
/// `cfg`, with the cause and the fix.
inline std::string describe(const error_details& d, std::string_view operation, const config& cfg) {
  std::string msg = "s3: " + std::string(operation) + " failed: HTTP " + std::to_string(d.status);
  if (!d.code.empty()) msg += " " + d.code;
  if (!d.message.empty()) {
    std::string m = detail::printable_excerpt(d.message, 300);
    while (!m.empty() && (m.back() == '.' || m.back() == ' ')) m.pop_back();  // the fix follows after "; "
    msg += ": " + m;
  }
  std::string fix;
  const bool wrong_region = !d.region.empty() && d.region != cfg.region;
  if (wrong_region) {
    fix = "the bucket is in region " + d.region + ", not " + cfg.region + "; pass --region " + d.region +
          " (or set AWS_REGION=" + d.region + ")";
  } else if (d.status == 301 || d.status == 307 || d.code == "PermanentRedirect" || d.code == "TemporaryRedirect") {
    fix = "the bucket lives in another region" + (d.endpoint.empty() ? std::string() : " (endpoint " + d.endpoint + ")") +
          "; pass its --region";
  } else if (d.code == "SignatureDoesNotMatch") {
    fix = "the secret access key is wrong for this access key id (check AWS_SECRET_ACCESS_KEY), or the request "
          "changed after signing; compare the server's StringToSign with --debug";
  } else if (d.code == "InvalidAccessKeyId") {
    fix = "the access key id is unknown to this server; check AWS_ACCESS_KEY_ID and --endpoint-url";
  } else if (d.code == "RequestTimeTooSkewed") {
    fix = "this machine's clock is more than 15 minutes off; sync it (e.g. with NTP)";
  } else if (d.code == "NoSuchBucket") {
    fix = "the bucket does not exist; check its name, --endpoint-url and --region, or create it";
  } else if (d.code == "NoSuchKey" || (d.code == "NotFound" && d.status == 404)) {
    fix = "no object has this key; check the key (it is case-sensitive)";
  } else if (d.code == "AccessDenied" || d.code == "Forbidden") {
    fix = "the credentials are not allowed to do this; check the bucket policy and IAM permissions";
  } else if (d.code == "BadDigest" || d.code == "XAmzContentSHA256Mismatch" || d.code == "InvalidDigest") {
    fix = "the body changed between hashing and sending; retry, and do not modify the file while it uploads";
  } else if (is_precondition_failure(d)) {
    fix = "the write's condition did not hold (an object already has this key, or its ETag is no longer the one "
          "given); nothing was changed";
  } else if (d.code == "AuthorizationHeaderMalformed") {
    fix = "check --region";
  } else if (d.code.empty() && !d.body_excerpt.empty()) {
    fix = "the answer is not S3 XML (\"" + d.body_excerpt + "\"); is --endpoint-url really an S3 server?";
  } else if (d.status >= 500) {
    fix = "the server failed; retry later";
  }
  if (!fix.empty()) msg += "; " + fix;
  if (!d.request_id.empty()) msg += " (request id " + detail::printable_excerpt(d.request_id, 80) + ")";
  return msg;
}

/// The service_error for an answer (errc::signature_mismatch for SignatureDoesNotMatch,
/// errc::invalid_credentials for InvalidAccessKeyId, errc::service otherwise).
inline service_error make_service_error(const error_details& d, std::string_view operation, const config& cfg) {
  errc code = errc::service;
  if (d.code == "SignatureDoesNotMatch") code = errc::signature_mismatch;
  else if (d.code == "InvalidAccessKeyId") code = errc::invalid_credentials;
  else if (is_precondition_failure(d)) code = errc::precondition_failed;
  return service_error(code, describe(d, operation, cfg), d);
}

// ---------------------------------------------------------------------------------------------
// Retries.

/// How many times to try and how long to wait in between: "full jitter" backoff, each wait a
/// uniform draw in [0, min(max_delay, base_delay * 2^(retry-1))].
/// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
struct retry_policy {
  int max_attempts = 4;                              ///< first try included; 1 disables retries
  std::chrono::milliseconds base_delay{100};         ///< milliseconds
  std::chrono::milliseconds max_delay{5000};         ///< cap of one wait, milliseconds
};

/// The wait before retry number `retry` (1 = the first retry), given `unit_random` in [0, 1).
inline std::chrono::milliseconds backoff_delay(const retry_policy& p, int retry, double unit_random) {
  double ceiling = static_cast<double>(p.base_delay.count());
  for (int i = 1; i < retry && ceiling < static_cast<double>(p.max_delay.count()); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<double>(p.max_delay.count()));
  if (unit_random < 0) unit_random = 0;
  if (unit_random >= 1) unit_random = 0.999999;
  return std::chrono::milliseconds(static_cast<std::int64_t>(ceiling * unit_random));
}

}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_S3_ERRORS_HPP
