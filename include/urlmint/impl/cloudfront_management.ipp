#ifndef URLMINT_IMPL_CLOUDFRONT_MANAGEMENT_IPP
#define URLMINT_IMPL_CLOUDFRONT_MANAGEMENT_IPP

// Definitions for cloudfront_management.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include <openssl/rand.h>  // RAND_bytes (caller references)
#include "../cloudfront_management.hpp"

namespace urlmint {
namespace cloudfront {

URLMINT_DECL void validate_distribution_id(std::string_view id) {
  bool ok = id.size() >= 2 && id.size() <= 32 && id[0] == 'E';
  for (char c : id) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (!ok)
    throw error(errc::invalid_argument, "cloudfront: distribution ID \"" + std::string(id) +
                                            "\" is malformed; it starts with E and has only uppercase letters and "
                                            "digits, e.g. EDFDVBD6EXAMPLE (see the CloudFront console)");
}

URLMINT_DECL std::string make_caller_reference(time_point now) {
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1)
    throw error(errc::crypto, "cloudfront: RAND_bytes failed: " + urlmint::detail::openssl_errors());
  return "urlmint-" + std::to_string(to_unix_seconds(now)) + "-" + hex_encode(random, sizeof random);
}

URLMINT_DECL std::string invalidation_batch_xml(const std::vector<std::string>& paths, std::string_view caller_reference) {
  if (paths.empty())
    throw error(errc::invalid_argument, "cloudfront: no paths to invalidate; give at least one, e.g. /charts/*");
  if (paths.size() > max_invalidation_paths)
    throw error(errc::invalid_argument, "cloudfront: " + std::to_string(paths.size()) +
                                            " paths in one invalidation; CloudFront takes at most 3000 (use wildcards)");
  if (caller_reference.empty())
    throw error(errc::invalid_argument, "cloudfront: caller reference is empty; use make_caller_reference()");
  for (const auto& p : paths) {
    if (p.empty() || p[0] != '/')
      throw error(errc::invalid_argument,
                  "cloudfront: invalidation path \"" + p + "\" must start with '/', e.g. /charts/*");
    for (char c : p)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        throw error(errc::invalid_argument, "cloudfront: invalidation path contains a control character; remove it");
  }
  std::string xml;
  xml.append(R"(<?xml version="1.0" encoding="UTF-8"?>)");
  xml.append(R"(<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/)").append(api_version).append("/\">");
  xml.append("<Paths><Quantity>").append(std::to_string(paths.size())).append("</Quantity><Items>");
  for (const auto& p : paths) xml.append("<Path>").append(xml_escape(p)).append("</Path>");
  xml.append("</Items></Paths><CallerReference>").append(xml_escape(caller_reference));
  xml.append("</CallerReference></InvalidationBatch>");
  return xml;
}
namespace detail {

URLMINT_DECL sigv4::signed_request sign_api_request(const credentials& creds, std::string_view method,
                                              std::string_view resource, std::vector<sigv4::query_param> query,
                                              std::string_view body, time_point now,
                                              std::string_view endpoint_url) {
  const s3::endpoint ep = s3::parse_endpoint(endpoint_url.empty() ? api_endpoint : endpoint_url);
  sigv4::request req;
  req.method = std::string(method);
  req.scheme = ep.scheme;
  req.host = ep.authority();
  req.path = ep.base_path + "/" + std::string(api_version) + "/" + std::string(resource);
  req.query = std::move(query);
  if (!body.empty()) req.headers = {{"Content-Type", "application/xml"}};
  req.payload_hash = sha256_hex(body);
  sigv4::params p;
  p.region = "us-east-1";
  p.service = "cloudfront";
  p.time = now;
  p.path = sigv4::path_encoding::normalize_and_double_encode;
  return sigv4::sign(req, creds, p);
}
}  // namespace detail

URLMINT_DECL invalidation_request create_invalidation(const credentials& creds, std::string_view distribution_id,
                                                const std::vector<std::string>& paths,
                                                std::string_view caller_reference, time_point now,
                                                std::string_view endpoint_url) {
  validate_distribution_id(distribution_id);
  invalidation_request out;
  out.body = invalidation_batch_xml(paths, caller_reference);
  out.request = detail::sign_api_request(creds, "POST", "distribution/" + std::string(distribution_id) + "/invalidation",
                                         {}, out.body, now, endpoint_url);
  return out;
}
namespace detail {

URLMINT_DECL std::string xml_text(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto b = xml.find(open);
  if (b == std::string_view::npos) return {};
  const auto e = xml.find(close, b + open.size());
  if (e == std::string_view::npos) return {};
  return std::string(xml.substr(b + open.size(), e - b - open.size()));
}
}  // namespace detail

URLMINT_DECL invalidation parse_invalidation_response(long status, std::string_view body) {
  if (status == 201 || status == 200) {
    invalidation inv{detail::xml_text(body, "Id"), detail::xml_text(body, "Status"), detail::xml_text(body, "CreateTime")};
    if (inv.id.empty())
      throw error(errc::service, "cloudfront: HTTP " + std::to_string(status) + " without an invalidation Id in the body");
    return inv;
  }
  const std::string code = detail::xml_text(body, "Code");
  std::string message = detail::xml_text(body, "Message");
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  throw error(code == "SignatureDoesNotMatch" ? errc::signature_mismatch : errc::service,
              "cloudfront: CreateInvalidation failed with HTTP " + std::to_string(status) +
                  (code.empty() ? std::string() : " " + code) + (message.empty() ? std::string() : ": " + message));
}

URLMINT_DECL void validate_account_id(std::string_view id) {
  bool ok = id.size() == 12;
  for (char c : id) ok = ok && c >= '0' && c <= '9';
  if (!ok)
    throw error(errc::invalid_argument, "cloudfront: account ID \"" + std::string(id) +
                                            "\" must be 12 digits, e.g. 123456789012 (aws sts get-caller-identity)");
}

URLMINT_DECL std::string oac_bucket_policy(std::string_view bucket, std::string_view account_id,
                                     std::string_view distribution_id) {
  const std::string problem = s3::aws_bucket_name_problem(bucket);
  if (!problem.empty())
    throw error(errc::invalid_argument, "cloudfront: bucket name \"" + std::string(bucket) + "\" " + problem);
  validate_account_id(account_id);
  validate_distribution_id(distribution_id);
  std::string out;
  out.append("{\n");
  out.append("    \"Version\": \"2012-10-17\",\n");
  out.append("    \"Statement\": [\n");
  out.append("        {\n");
  out.append("            \"Sid\": \"AllowCloudFrontServicePrincipal\",\n");
  out.append("            \"Effect\": \"Allow\",\n");
  out.append("            \"Principal\": {\n");
  out.append("                \"Service\": \"cloudfront.amazonaws.com\"\n");
  out.append("            },\n");
  out.append("            \"Action\": \"s3:GetObject\",\n");
  out.append("            \"Resource\": \"arn:aws:s3:::").append(bucket).append("/*\",\n");
  out.append("            \"Condition\": {\n");
  out.append("                \"StringEquals\": {\n");
  out.append("                    \"AWS:SourceArn\": \"arn:aws:cloudfront::").append(account_id);
  out.append(":distribution/").append(distribution_id).append("\"\n");
  out.append("                }\n");
  out.append("            }\n");
  out.append("        }\n");
  out.append("    ]\n");
  out.append("}\n");
  return out;
}
}  // namespace cloudfront
}  // namespace urlmint

#endif  // URLMINT_IMPL_CLOUDFRONT_MANAGEMENT_IPP
