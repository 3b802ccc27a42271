#ifndef URLMINT_IMPL_S3EXPRESS_IPP
#define URLMINT_IMPL_S3EXPRESS_IPP

// Definitions for s3express.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3express.hpp"

namespace urlmint {
namespace s3express {

URLMINT_DECL bool is_directory_bucket(std::string_view bucket) noexcept {
  if (bucket.size() <= bucket_suffix.size() || bucket.substr(bucket.size() - bucket_suffix.size()) != bucket_suffix)
    return false;
  const std::string_view rest = bucket.substr(0, bucket.size() - bucket_suffix.size());
  const auto sep = rest.rfind("--");
  return sep != std::string_view::npos && sep > 0 && sep + 2 < rest.size();
}

URLMINT_DECL std::string_view zone_id(std::string_view bucket) noexcept {
  if (!is_directory_bucket(bucket)) return {};
  const std::string_view rest = bucket.substr(0, bucket.size() - bucket_suffix.size());
  return rest.substr(rest.rfind("--") + 2);
}

URLMINT_DECL std::string bucket_name_problem(std::string_view bucket) {
  if (!is_directory_bucket(bucket)) return "is not of the form NAME--ZONEID--x-s3";
  if (bucket.size() < 3 || bucket.size() > 63) return "must be 3 to 63 characters long";
  for (char c : bucket)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return "may contain only lowercase letters, digits and '-'";
  const char first = bucket.front();
  if (first == '-') return "must start with a letter or digit";
  const std::string_view zone = zone_id(bucket);
  if (zone.front() == '-' || zone.back() == '-' || zone.find("--") != std::string_view::npos)
    return "has a malformed zone ID \"" + std::string(zone) + "\" (e.g. usw2-az1)";
  return {};
}

URLMINT_DECL void validate_bucket(std::string_view bucket) {
  const std::string problem = bucket_name_problem(bucket);
  if (!problem.empty())
    throw error(errc::invalid_argument, "s3express: directory bucket name \"" + std::string(bucket) +
                                            "\" is invalid: it " + problem);
}

URLMINT_DECL std::string zonal_host_suffix(std::string_view bucket, std::string_view region) {
  std::string host = "s3express-";
  host.append(zone_id(bucket)).append(1, '.').append(region);
  host.append(region.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com");
  return host;
}

URLMINT_DECL std::string zonal_host(std::string_view bucket, std::string_view region) {
  return std::string(bucket) + "." + zonal_host_suffix(bucket, region);
}

URLMINT_DECL session_signing for_session(sigv4::request req, sigv4::params p, const credentials& session) {
  p.service.assign(service);
  if (session.is_temporary()) {
    if (p.location == sigv4::signature_location::query)
      req.query.push_back({std::string(token_parameter), std::string(session.session_token.reveal())});
    else
      req.headers.push_back({std::string(token_header), std::string(session.session_token.reveal())});
  }
  credentials creds(session.access_key_id, session.secret_access_key.reveal());
  creds.expiration = session.expiration;
  return {std::move(req), std::move(p), std::move(creds)};
}

URLMINT_DECL sigv4::signing_steps compute(const sigv4::request& req, const credentials& session, const sigv4::params& p,
                                    sigv4::signing_key_cache* cache) {
  const session_signing s = for_session(req, p, session);
  return sigv4::compute(s.request, s.creds, s.params, cache);
}

URLMINT_DECL sigv4::signed_request sign(const sigv4::request& req, const credentials& session, sigv4::params p,
                                  sigv4::signing_key_cache* cache) {
  p.location = sigv4::signature_location::headers;
  const session_signing s = for_session(req, p, session);
  return sigv4::sign(s.request, s.creds, s.params, cache);
}

URLMINT_DECL std::string presign(const sigv4::request& req, const credentials& session, sigv4::params p,
                           sigv4::signing_key_cache* cache) {
  p.location = sigv4::signature_location::query;
  const session_signing s = for_session(req, p, session);
  return sigv4::presign(s.request, s.creds, s.params, cache);
}

}  // namespace s3express
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3EXPRESS_IPP
