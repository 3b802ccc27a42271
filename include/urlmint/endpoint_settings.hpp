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

#include "config.hpp"
#include "credential_sources.hpp"
#include "error.hpp"

namespace urlmint {
namespace providers {

/// A setting as botocore's config store finds it: the environment variable `env_name` when set
/// (non-empty), else `key` in the profile `profile_name` (config file, overridden by the
/// credentials file, as botocore merges them), else nullopt.
URLMINT_DECL std::optional<std::string> profile_setting(const shared_files& files, const std::string& profile_name,
                                                  std::string_view key, const char* env_name, const environment& env);

/// A service id as the endpoint settings spell it: lowercase, '-' and ' ' become '_'
/// ("sso-oidc" -> "sso_oidc"). AWS_ENDPOINT_URL_<upper case of this> is its variable.
URLMINT_DECL std::string endpoint_service_key(std::string_view service_id);

/// The `[services NAME]` section of the config file, or nullptr.
URLMINT_DECL const ini_section* services_section(const ini_document& config, std::string_view name);

/// The value of `key` in a nested INI setting ("s3 =\n  endpoint_url = http://..."), parsed as
/// botocore's _parse_nested does (each non-empty line is "key = value"), or nullopt. Throws
/// errc::invalid_argument naming `where` for a line without '='.
URLMINT_DECL std::optional<std::string> nested_setting(std::string_view block, std::string_view key, const std::string& where);

/// The endpoint URL configured for `service_id` ("s3", "sts", "sso", "sso-oidc", "cloudfront",
/// "signin", ...), in botocore 1.43's order: `endpoint_url_flag` (--endpoint-url), then, unless
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's ignore_configured_endpoint_urls) is
/// "true": AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, `endpoint_url` under the service's key
/// in the `[services NAME]` section the profile names with `services = NAME`, the profile's own
/// `endpoint_url`. nullopt: use AWS's endpoint. Throws errc::invalid_argument when the profile
/// names a services section that does not exist (botocore refuses it too).
URLMINT_DECL std::optional<std::string> configured_endpoint(std::string_view service_id,
                                                      const std::optional<std::string>& endpoint_url_flag,
                                                      const shared_files& files, const std::string& profile_name,
                                                      const environment& env);

/// configured_endpoint() for the profile in effect (`explicit_profile`, else AWS_PROFILE, ...),
/// reading the shared files named by `env`.
URLMINT_DECL std::optional<std::string> configured_endpoint(std::string_view service_id,
                                                      const std::optional<std::string>& endpoint_url_flag = std::nullopt,
                                                      const std::optional<std::string>& explicit_profile = std::nullopt,
                                                      const environment& env = process_environment);

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
URLMINT_DECL service_endpoint sts_service_endpoint(std::string_view region, const shared_files& files,
                                             const std::string& profile_name, const environment& env);

/// The STS endpoint URL for `region` and the profile in effect (see sts_service_endpoint).
URLMINT_DECL std::string sts_endpoint(std::string_view region, const environment& env = process_environment);

/// The IMDS configuration as botocore reads it: nullopt when AWS_EC2_METADATA_DISABLED=true;
/// the endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
/// ec2_metadata_service_endpoint, else by AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE /
/// ec2_metadata_service_endpoint_mode (IPv6: http://[fd00:ec2::254]); v1 fallback refused by
/// AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled.
URLMINT_DECL std::optional<imds_config> imds_settings(const shared_files& files, const std::string& profile_name,
                                                const environment& env);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/endpoint_settings.ipp"
#endif

#endif  // URLMINT_ENDPOINT_SETTINGS_HPP
