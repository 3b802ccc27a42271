#ifndef URLMINT_ENDPOINT_SETTINGS_HPP
#define URLMINT_ENDPOINT_SETTINGS_HPP

// AWS's standard settings that say where a service lives ("service-specific endpoints"), read
// as botocore 1.43 reads them: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, a `[services NAME]`
// section named by the profile's `services`, the profile's `endpoint_url`, and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / `ignore_configured_endpoint_urls`. Also the other
// per-profile endpoint settings the credential sources need: `sts_regional_endpoints` and the
// EC2 instance-metadata endpoint. Libcrypto only.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html

#include <array>        // std::array: the legacy global STS regions
#include <optional>     // std::optional
#include <string>
#include <string_view>

#include "credential_sources.hpp"
#include "error.hpp"

namespace urlmint {
namespace providers {

/// A setting as botocore's config store finds it: the environment variable `env_name` when set
/// (non-empty), else `key` in the profile `profile_name` (config file, overridden by the
/// credentials file, as botocore merges them), else nullopt.
inline std::optional<std::string> profile_setting(const shared_files& files, const std::string& profile_name,
                                                  std::string_view key, const char* env_name, const environment& env) {
  if (env_name != nullptr)
    if (auto v = env(env_name)) return v;
  if (auto prof = find_profile(files, profile_name))
    if (auto v = prof->get(std::string(key))) return v;
  return std::nullopt;
}

/// A service id as the endpoint settings spell it: lowercase, '-' and ' ' become '_'
/// ("sso-oidc" -> "sso_oidc"). AWS_ENDPOINT_URL_<upper case of this> is its variable.
inline std::string endpoint_service_key(std::string_view service_id) {
  std::string key = sigv4::lowercase(service_id);
  for (char& c : key)
    if (c == '-' || c == ' ') c = '_';
  return key;
}

/// The `[services NAME]` section of the config file, or nullptr.
inline const ini_section* services_section(const ini_document& config, std::string_view name) {
  return named_section(config, "services", name);
}

/// The value of `key` in a nested INI setting ("s3 =\n  endpoint_url = http://..."), parsed as
/// botocore's _parse_nested does (each non-empty line is "key = value"), or nullopt. Throws
/// errc::invalid_argument naming `where` for a line without '='.
inline std::optional<std::string> nested_setting(std::string_view block, std::string_view key, const std::string& where) {
  if (block.empty() || block.front() != '\n') return std::nullopt;  // a plain value, not a nested block
  std::optional<std::string> found;
  std::size_t pos = 0;
  while (pos <= block.size()) {
    const std::size_t nl = std::min(block.find('\n', pos), block.size());
    std::string_view line = block.substr(pos, nl - pos);
    pos = nl + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos)
      throw error(errc::invalid_argument, where + ": a nested setting line has no '='; write 'key = value'");
    std::string_view k = line.substr(0, eq), v = line.substr(eq + 1);
    while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.remove_suffix(1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    if (k == key) found = std::string(v);  // a repeated key: the last wins, as in a Python dict
  }
  return found;
}

/// The endpoint URL configured for `service_id` ("s3", "sts", "sso", "sso-oidc", "cloudfront",
/// "signin", ...), in botocore 1.43's order: `endpoint_url_flag` (--endpoint-url), then, unless
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's ignore_configured_endpoint_urls) is
/// "true": AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, `endpoint_url` under the service's key
/// in the `[services NAME]` section the profile names with `services = NAME`, the profile's own
/// `endpoint_url`. nullopt: use AWS's endpoint. Throws errc::invalid_argument when the profile
/// names a services section that does not exist (botocore refuses it too).
inline std::optional<std::string> configured_endpoint(std::string_view service_id,
                                                      const std::optional<std::string>& endpoint_url_flag,
                                                      const shared_files& files, const std::string& profile_name,
                                                      const environment& env) {
  if (endpoint_url_flag && !endpoint_url_flag->empty()) return endpoint_url_flag;
  const std::optional<profile> prof = find_profile(files, profile_name);
  std::optional<std::string> ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (!ignore && prof) ignore = prof->get("ignore_configured_endpoint_urls");
  if (ignore && sigv4::lowercase(*ignore) == "true") return std::nullopt;

  const std::string key = endpoint_service_key(service_id);
  std::string var = "AWS_ENDPOINT_URL_";
  for (char c : key) var += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (auto v = env(var)) return v;
  if (auto v = env("AWS_ENDPOINT_URL")) return v;
  if (!prof) return std::nullopt;
  if (auto services = prof->get("services")) {
    const ini_section* section = files.config_file ? services_section(*files.config_file, *services) : nullptr;
    if (section == nullptr)
      throw error(errc::invalid_argument, "profile '" + profile_name + "' has services = " + *services +
                                              " but " + files.config_path + " has no [services " + *services +
                                              "] section; add it or remove the setting");
    if (const secret_string* block = section->find(key))
      if (auto v = nested_setting(block->reveal(), "endpoint_url",
                                  "config file " + files.config_path + " [services " + *services + "] " + key);
          v && !v->empty())
        return v;
  }
  if (auto v = prof->get("endpoint_url"); v && !v->empty()) return v;
  return std::nullopt;
}

/// configured_endpoint() for the profile in effect (`explicit_profile`, else AWS_PROFILE, ...),
/// reading the shared files named by `env`.
inline std::optional<std::string> configured_endpoint(std::string_view service_id,
                                                      const std::optional<std::string>& endpoint_url_flag = std::nullopt,
                                                      const std::optional<std::string>& explicit_profile = std::nullopt,
                                                      const environment& env = process_environment) {
  if (endpoint_url_flag && !endpoint_url_flag->empty()) return endpoint_url_flag;
  return configured_endpoint(service_id, endpoint_url_flag, load_shared_files(env), profile_name(explicit_profile, env),
                             env);
}

/// Where a service request goes and the region it is signed for.
struct service_endpoint {
  std::string url;             ///< scheme://host[:port][/path], no trailing '/'
  std::string signing_region;  ///< the SigV4 region
};

/// The regions botocore sends to the global https://sts.amazonaws.com when
/// sts_regional_endpoints = legacy (botocore/args.py LEGACY_GLOBAL_STS_REGIONS).
inline constexpr std::array<std::string_view, 16> legacy_global_sts_regions = {
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
    "eu-central-1",   "eu-north-1", "eu-west-1",      "eu-west-2",      "eu-west-3",  "sa-east-1",
    "us-east-1",      "us-east-2",  "us-west-1",      "us-west-2"};

/// The STS endpoint for `region` as botocore picks it: a configured endpoint (see
/// configured_endpoint), else with AWS_STS_REGIONAL_ENDPOINTS / sts_regional_endpoints = legacy
/// and a region in legacy_global_sts_regions the global https://sts.amazonaws.com (signed for
/// us-east-1), else the regional https://sts.REGION.amazonaws.com (the default, "regional").
/// Throws errc::invalid_argument for a value other than legacy or regional.
inline service_endpoint sts_service_endpoint(std::string_view region, const shared_files& files,
                                             const std::string& profile_name, const environment& env) {
  const std::string r(region.empty() ? std::string_view("us-east-1") : region);
  if (auto e = configured_endpoint("sts", std::nullopt, files, profile_name, env)) return {detail::trim_slashes(*e), r};
  const auto mode = profile_setting(files, profile_name, "sts_regional_endpoints", "AWS_STS_REGIONAL_ENDPOINTS", env);
  if (mode && *mode != "legacy" && *mode != "regional")
    throw error(errc::invalid_argument, "sts_regional_endpoints \"" + *mode + "\" is not valid; use legacy or regional");
  if (mode && *mode == "legacy")
    for (std::string_view legacy : legacy_global_sts_regions)
      if (legacy == r) return {"https://sts.amazonaws.com", "us-east-1"};
  return {"https://sts." + r + (r.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com"), r};
}

/// The STS endpoint URL for `region` and the profile in effect (see sts_service_endpoint).
inline std::string sts_endpoint(std::string_view region, const environment& env = process_environment) {
  return sts_service_endpoint(region, load_shared_files(env), profile_name(std::nullopt, env), env).url;
}

/// The IMDS configuration as botocore reads it: nullopt when AWS_EC2_METADATA_DISABLED=true;
/// the endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
/// ec2_metadata_service_endpoint, else by AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE /
/// ec2_metadata_service_endpoint_mode (IPv6: http://[fd00:ec2::254]); v1 fallback refused by
/// AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled.
inline std::optional<imds_config> imds_settings(const shared_files& files, const std::string& profile_name,
                                                const environment& env) {
  if (detail::env_true(env, "AWS_EC2_METADATA_DISABLED")) return std::nullopt;
  imds_config c;
  const auto get = [&](std::string_view key, const char* var) { return profile_setting(files, profile_name, key, var, env); };
  if (auto e = get("ec2_metadata_service_endpoint", "AWS_EC2_METADATA_SERVICE_ENDPOINT"))
    c.endpoint = detail::trim_slashes(*e);
  else if (auto m = get("ec2_metadata_service_endpoint_mode", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
           m && sigv4::lowercase(*m) == "ipv6")
    c.endpoint = "http://[fd00:ec2::254]";
  if (auto v1 = get("ec2_metadata_v1_disabled", "AWS_EC2_METADATA_V1_DISABLED")) c.v1_disabled = sigv4::lowercase(*v1) == "true";
  return c;
}

}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_ENDPOINT_SETTINGS_HPP
