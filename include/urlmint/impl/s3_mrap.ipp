#ifndef URLMINT_IMPL_S3_MRAP_IPP
#define URLMINT_IMPL_S3_MRAP_IPP

// Definitions for s3_mrap.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3_mrap.hpp"

namespace urlmint {
namespace s3 {
namespace mrap {
namespace detail {

URLMINT_DECL std::vector<std::string_view> arn_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  while (fields.size() < 5) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) break;
    fields.push_back(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  fields.push_back(text);
  return fields;
}

URLMINT_DECL std::string_view partition_of_region(std::string_view region) noexcept {
  if (region.substr(0, 3) == "cn-") return "aws-cn";
  if (region.substr(0, 7) == "us-gov-") return "aws-us-gov";
  return "aws";
}

URLMINT_DECL bool valid_host_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto dot = find_or_end(name, '.', start);
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    start = dot + 1;
  }
  return true;
}
}  // namespace detail

URLMINT_DECL bool is_mrap_arn(std::string_view bucket) {
  if (bucket.substr(0, 4) != "arn:") return false;
  const auto f = detail::arn_fields(bucket);
  return f.size() == 6 && f[2] == "s3" && f[3].empty() && f[5].substr(0, 12) == "accesspoint/";
}

URLMINT_DECL arn parse_arn(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "s3: multi-region access point ARN \"" + std::string(text.substr(0, 128)) +
                                             "\" is invalid: " + why +
                                             "; write arn:aws:s3::ACCOUNT:accesspoint/ALIAS.mrap");
  };
  const auto f = detail::arn_fields(text);
  if (f.size() != 6 || f[0] != "arn") throw bad("it is not an ARN");
  if (f[1] != "aws" && f[1] != "aws-cn" && f[1] != "aws-us-gov") throw bad("its partition is unknown");
  if (f[2] != "s3") throw bad("its service is not s3");
  if (!f[3].empty()) throw bad("it has a region, so it is a regional access point");
  if (f[4].size() != 12 || f[4].find_first_not_of("0123456789") != std::string_view::npos)
    throw bad("the account id must be 12 digits");
  if (f[5].substr(0, 12) != "accesspoint/") throw bad("its resource is not accesspoint/NAME");
  const std::string_view name = f[5].substr(12);
  if (!detail::valid_host_name(name)) throw bad("the access point alias is not a valid host name");
  return arn{std::string(f[1]), std::string(f[4]), std::string(name)};
}

URLMINT_DECL std::string host(const arn& a) {
  return a.name + ".accesspoint.s3-global." + (a.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com");
}

URLMINT_DECL void check(const arn& a, const settings& s) {
  const auto refuse = [](const std::string& why) { return error(errc::invalid_argument, "s3: " + why); };
  if (s.disabled)
    throw refuse("multi-region access point ARNs are disabled (s3_disable_multiregion_access_points); "
                 "enable them or use a bucket name");
  if (s.custom_endpoint)
    throw refuse("a multi-region access point is reached on AWS's global endpoint only; drop --endpoint-url "
                 "(and AWS_ENDPOINT_URL / endpoint_url) to use it");
  if (s.dualstack) throw refuse("S3 MRAP does not support dual-stack; turn off use_dualstack_endpoint");
  if (s.fips) throw refuse("S3 MRAP does not support FIPS; turn off use_fips_endpoint");
  if (s.accelerate) throw refuse("S3 MRAP does not support S3 Accelerate; turn off use_accelerate_endpoint");
  if (!s.region.empty() && detail::partition_of_region(s.region) != a.partition)
    throw refuse("the client is configured for partition " + std::string(detail::partition_of_region(s.region)) +
                 " but the multi-region access point is in " + a.partition + "; pass a --region of " + a.partition);
}

URLMINT_DECL sigv4a::params signing_params(sigv4a::params p) {
  p.region.assign(sigv4a::all_regions);
  p.service = "s3";
  return p;
}
}  // namespace mrap
}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_MRAP_IPP
