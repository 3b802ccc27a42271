#ifndef URLMINT_IMPL_S3_SETTINGS_IPP
#define URLMINT_IMPL_S3_SETTINGS_IPP

// Definitions for s3_settings.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3_settings.hpp"

namespace urlmint {
namespace providers {
namespace detail {

URLMINT_DECL std::optional<bool> setting_bool(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return sigv4::lowercase(*text) == "true";
}
}  // namespace detail

URLMINT_DECL s3_endpoint_settings s3_settings(const shared_files& files, const std::string& profile_name,
                                        const environment& env) {
  s3_endpoint_settings s;
  const std::optional<profile> prof = find_profile(files, profile_name);
  std::optional<std::string> block;
  if (prof) block = prof->get("s3");
  const std::string where = "config file " + files.config_path + " [profile " + profile_name + "] s3";
  const auto nested = [&](std::string_view key) -> std::optional<std::string> {
    return block ? nested_setting("\n" + *block, key, where) : std::nullopt;
  };
  // The nested setting can only turn dual-stack on (botocore's _is_s3_dualstack_mode).
  if (detail::setting_bool(nested("use_dualstack_endpoint")).value_or(false)) s.use_dualstack = true;
  else
    s.use_dualstack = detail::setting_bool(
        profile_setting(files, profile_name, "use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT", env));
  s.use_fips = detail::setting_bool(profile_setting(files, profile_name, "use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT", env));
  s.use_accelerate = detail::setting_bool(nested("use_accelerate_endpoint"));
  s.use_arn_region =
      detail::setting_bool(profile_setting(files, profile_name, "s3_use_arn_region", "AWS_S3_USE_ARN_REGION", env));
  if (!s.use_arn_region) s.use_arn_region = detail::setting_bool(nested("use_arn_region"));
  if (auto style = nested("addressing_style")) s.style = s3::parse_addressing_style(*style);
  return s;
}

URLMINT_DECL s3_endpoint_settings s3_settings(const std::optional<std::string>& explicit_profile,
                                        const environment& env) {
  return s3_settings(load_shared_files(env), profile_name(explicit_profile, env), env);
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_SETTINGS_IPP
