#ifndef URLMINT_S3_SETTINGS_HPP
#define URLMINT_S3_SETTINGS_HPP

// The S3 endpoint settings of the AWS shared config, read as botocore 1.43 reads them:
// AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint, AWS_USE_FIPS_ENDPOINT / use_fips_endpoint,
// AWS_S3_USE_ARN_REGION / s3_use_arn_region, and the nested `s3 =` block (use_accelerate_endpoint,
// addressing_style, use_dualstack_endpoint, use_arn_region). s3_endpoints.hpp turns them into
// hosts. Libcrypto only (the shared files are parsed in credential_sources.hpp).
// https://docs.aws.amazon.com/cli/latest/topic/s3-config.html

#include <optional>  // std::optional
#include <string>
#include <string_view>

#include "config.hpp"
#include "credential_sources.hpp"
#include "endpoint_settings.hpp"
#include "error.hpp"
#include "s3_endpoints.hpp"

namespace urlmint {
namespace providers {

/// The S3 endpoint settings found; nullopt where nothing set one.
struct s3_endpoint_settings {
  std::optional<bool> use_dualstack;
  std::optional<bool> use_fips;
  std::optional<bool> use_accelerate;
  std::optional<bool> use_arn_region;
  std::optional<s3::addressing_style> style;

  /// Copies what was set into `cfg` (what is unset keeps cfg's value).
  void apply_to(s3::config& cfg) const {
    if (use_dualstack) cfg.use_dualstack = *use_dualstack;
    if (use_fips) cfg.use_fips = *use_fips;
    if (use_accelerate) cfg.use_accelerate = *use_accelerate;
    if (use_arn_region) cfg.use_arn_region = *use_arn_region;
    if (style) cfg.style = *style;
  }
};

namespace detail {

// botocore's ensure_boolean on a text setting: "true" in any case is true, anything else false.
URLMINT_DECL std::optional<bool> setting_bool(const std::optional<std::string>& text);

}  // namespace detail

/// The S3 settings of profile `profile_name` in `files`, with the environment's variables first
/// where botocore has one. A nested `s3 = use_dualstack_endpoint = true` turns dual-stack on
/// whatever the general setting says; a nested false leaves it to the general one (botocore). Throws errc::invalid_argument for a
/// malformed `s3 =` block or an unknown addressing_style.
URLMINT_DECL s3_endpoint_settings s3_settings(const shared_files& files, const std::string& profile_name,
                                        const environment& env);

/// s3_settings() for the profile in effect (`explicit_profile`, else AWS_PROFILE, else default).
URLMINT_DECL s3_endpoint_settings s3_settings(const std::optional<std::string>& explicit_profile = std::nullopt,
                                        const environment& env = process_environment);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3_settings.ipp"
#endif

#endif  // URLMINT_S3_SETTINGS_HPP
