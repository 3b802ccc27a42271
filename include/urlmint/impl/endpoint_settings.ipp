#ifndef URLMINT_IMPL_ENDPOINT_SETTINGS_IPP
#define URLMINT_IMPL_ENDPOINT_SETTINGS_IPP

// Definitions for endpoint_settings.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../endpoint_settings.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::optional<std::string> profile_setting(const shared_files& files, const std::string& profile_name,
                                                  std::string_view key, const char* env_name, const environment& env) {
  if (env_name != nullptr)
    if (auto v = env(env_name)) return v;
  if (auto prof = find_profile(files, profile_name))
    if (auto v = prof->get(std::string(key))) return v;
  return std::nullopt;
}

URLMINT_DECL std::string endpoint_service_key(std::string_view service_id) {
  std::string key = sigv4::lowercase(service_id);
  for (char& c : key)
    if (c == '-' || c == ' ') c = '_';
  return key;
}

URLMINT_DECL const ini_section* services_section(const ini_document& config, std::string_view name) {
  return named_section(config, "services", name);
}

URLMINT_DECL std::optional<std::string> nested_setting(std::string_view block, std::string_view key, const std::string& where) {
  if (block.empty() || block.front() != '\n') return std::nullopt;  // a plain value, not a nested block
  std::optional<std::string> found;
  std::size_t pos = 0;
  while (pos <= block.size()) {
    const std::size_t nl = find_or_end(block, '\n', pos);
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

URLMINT_DECL std::optional<std::string> configured_endpoint(std::string_view service_id,
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

URLMINT_DECL std::optional<std::string> configured_endpoint(std::string_view service_id,
                                                      const std::optional<std::string>& endpoint_url_flag,
                                                      const std::optional<std::string>& explicit_profile,
                                                      const environment& env) {
  if (endpoint_url_flag && !endpoint_url_flag->empty()) return endpoint_url_flag;
  return configured_endpoint(service_id, endpoint_url_flag, load_shared_files(env), profile_name(explicit_profile, env),
                             env);
}

URLMINT_DECL service_endpoint sts_service_endpoint(std::string_view region, const shared_files& files,
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

URLMINT_DECL std::string sts_endpoint(std::string_view region, const environment& env) {
  return sts_service_endpoint(region, load_shared_files(env), profile_name(std::nullopt, env), env).url;
}

URLMINT_DECL std::optional<imds_config> imds_settings(const shared_files& files, const std::string& profile_name,
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

#endif  // URLMINT_IMPL_ENDPOINT_SETTINGS_IPP
