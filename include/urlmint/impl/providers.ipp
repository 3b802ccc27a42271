#ifndef URLMINT_IMPL_PROVIDERS_IPP
#define URLMINT_IMPL_PROVIDERS_IPP

// Definitions for providers.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../providers.hpp"

namespace urlmint {
namespace providers {
namespace detail {

URLMINT_DECL std::optional<web_identity_config> web_identity_settings(const chain_options& o, const std::optional<profile>& p,
                                                                bool use_env) {
  const auto get = [&](const char* env_name, const char* key) -> std::optional<std::string> {
    if (use_env)
      if (auto v = o.env(env_name)) return v;
    if (p)
      if (auto v = p->get(key); v && !v->empty()) return v;
    return std::nullopt;
  };
  auto file = get("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (!file) return std::nullopt;
  web_identity_config c;
  c.token_file = *file;
  c.role_arn = get("AWS_ROLE_ARN", "role_arn").value_or("");
  return c;
}

URLMINT_DECL service_endpoint sts_for(const shared_files& files, const chain_options& o) {
  const std::string region = o.region.empty() ? resolve_region(std::nullopt, o.profile, o.env) : o.region;
  return sts_service_endpoint(region, files, profile_name(o.profile, o.env), o.env);
}

URLMINT_DECL std::string role_cache_dir(const chain_options& o) {
  return o.use_cli_cache && o.env("HOME") ? role_cache_directory(o.env) : std::string();
}

URLMINT_DECL credentials cached_web_identity(const web_identity_config& wi, bool session_configured, const chain_options& o,
                                       time_point now) {
  role_cache_args key_args;
  key_args.role_arn = wi.role_arn;
  if (session_configured) key_args.session_name = wi.session_name;
  const std::string dir = role_cache_dir(o), key = role_cache_key(key_args);
  if (!dir.empty())
    if (auto hit = read_role_cache(dir, key, now)) return std::move(*hit);
  assumed_role_user user;
  credentials c = assume_role_with_web_identity(wi, o.http, now, &user);
  if (!dir.empty()) write_role_cache(dir, key, c, user);
  return c;
}

URLMINT_DECL std::optional<long long> python_int(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  const long long v = std::stoll(std::string(text));
  return negative ? -v : v;
}

URLMINT_DECL std::string profile_where(const profile& prof) {
  return "profile '" + prof.name + "' in " +
         (prof.found_in.size() == 1 ? prof.found_in[0] : prof.found_in[0] + " and " + prof.found_in[1]);
}

URLMINT_DECL std::optional<resolved_credentials> profile_own_credentials(const shared_files& files, const profile& prof,
                                                                   const chain_options& o, time_point now) {
  const std::string where = profile_where(prof);
  if (auto sso = sso_settings(files, prof)) {
    // botocore's SSO client reads the endpoint settings of the session's profile.
    const std::string top = profile_name(o.profile, o.env);
    const std::string portal =
        configured_endpoint("sso", std::nullopt, files, top, o.env).value_or(sso_portal_endpoint(sso->region));
    const std::string oidc =
        configured_endpoint("sso-oidc", std::nullopt, files, top, o.env).value_or(sso_oidc_endpoint(sso->region));
    credentials c = fetch_sso_credentials(*sso, portal, oidc, o.env, o.http, now);
    return resolved_credentials{std::move(c), where + " (SSO role " + sso->role_name + " in account " +
                                                  sso->account_id + ")"};
  }
  const auto keys_from = [&](const std::string& file) -> std::optional<resolved_credentials> {
    if (!prof.from("aws_access_key_id", file)) return std::nullopt;
    const std::string src = "profile '" + prof.name + "' in " + file;
    const auto secret = prof.settings.find("aws_secret_access_key");
    if (secret == prof.settings.end() || secret->second.text.empty())
      throw error(errc::invalid_credentials, src + " has aws_access_key_id but no aws_secret_access_key; add it");
    if (prof.get("aws_access_key_id")->empty())
      throw error(errc::invalid_credentials, src + " has an empty aws_access_key_id; fill it in");
    const auto token = prof.settings.find("aws_session_token");
    credentials c(*prof.get("aws_access_key_id"), secret->second.text.reveal(),
                  token != prof.settings.end() ? token->second.text.reveal() : std::string_view());
    try {
      validate(c);
    } catch (const error& e) {
      throw error(e.code(), src + ": " + e.what());
    }
    return resolved_credentials{std::move(c), src};
  };
  if (auto r = keys_from(files.credentials_path)) return r;
  if (auto session = prof.get("login_session")) {
    // botocore's signin client: the session's region and endpoint settings.
    const std::string region = o.region.empty() ? resolve_region(std::nullopt, o.profile, o.env) : o.region;
    const std::string endpoint = configured_endpoint("signin", std::nullopt, files, profile_name(o.profile, o.env), o.env)
                                     .value_or(signin_endpoint(region));
    credentials c = fetch_login_credentials(login_config{prof.name, *session}, endpoint, o.env, o.http, now);
    return resolved_credentials{std::move(c), where + " (aws login session " + *session + ")"};
  }
  if (auto cmd = prof.get("credential_process")) {
    if (cmd->empty()) throw error(errc::invalid_credentials, where + ": credential_process is empty");
    credentials c = run_credential_process(*cmd, o.run, where, now);
    return resolved_credentials{std::move(c), where + " (credential_process)"};
  }
  if (auto r = keys_from(files.config_path)) return r;
  if (prof.from("aws_secret_access_key", files.credentials_path) || prof.from("aws_secret_access_key", files.config_path))
    throw error(errc::invalid_credentials, where + " has aws_secret_access_key but no aws_access_key_id; add it");
  return std::nullopt;
}

URLMINT_DECL resolved_credentials assume_role_profile(const shared_files& files, const profile& prof, const chain_options& o,
                                                time_point now, std::vector<std::string>& visited) {
  const std::string where = profile_where(prof);
  for (const auto& v : visited)
    if (v == prof.name)
      throw error(errc::invalid_argument, where + ": source_profile chain loops back to '" + prof.name + "'; break the loop");
  if (visited.size() >= 8) throw error(errc::invalid_argument, where + ": source_profile chain is longer than 8 profiles");
  visited.push_back(prof.name);
  const auto source_profile = prof.get("source_profile");
  const auto credential_source = prof.get("credential_source");
  if (source_profile && credential_source)
    throw error(errc::invalid_argument, where + " has both source_profile and credential_source; keep one");
  assume_role_config cfg;
  cfg.role_arn = *prof.get("role_arn");
  role_cache_args key_args;
  key_args.role_arn = cfg.role_arn;
  key_args.session_name = prof.get("role_session_name");
  cfg.session_name = key_args.session_name.value_or("urlmint-" + std::to_string(to_unix_seconds(now)));
  key_args.external_id = prof.get("external_id");
  cfg.external_id = key_args.external_id.value_or("");
  key_args.serial_number = prof.get("mfa_serial");
  cfg.mfa_serial = key_args.serial_number.value_or("");
  // botocore sends duration_seconds only when int() reads it.
  key_args.duration_seconds = python_int(prof.get("duration_seconds").value_or(""));
  if (key_args.duration_seconds) cfg.duration_seconds = std::to_string(*key_args.duration_seconds);
  const std::string described = where + " (assume role " + cfg.role_arn + ")";
  const std::string dir = role_cache_dir(o), key = role_cache_key(key_args);
  if (!dir.empty())
    if (auto hit = read_role_cache(dir, key, now))
      return resolved_credentials{std::move(*hit), described + " from " + dir + "/" + key + ".json"};

  credentials source;
  if (credential_source) {
    const std::string kind = *credential_source;
    if (kind == "Environment") {
      auto c = from_environment(o.env);
      if (!c) throw error(errc::invalid_credentials, where + ": credential_source Environment but AWS_ACCESS_KEY_ID is not set");
      source = std::move(*c);
    } else if (kind == "EcsContainer") {
      auto cfg = container_from_environment(o.env);
      if (!cfg)
        throw error(errc::invalid_credentials, where + ": credential_source EcsContainer but "
                                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set");
      source = fetch_container_credentials(*cfg, o.http, now);
    } else if (kind == "Ec2InstanceMetadata") {
      auto cfg = imds_settings(files, profile_name(o.profile, o.env), o.env);
      if (!cfg) throw error(errc::invalid_credentials, where + ": credential_source Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED is set");
      source = fetch_imds_credentials(*cfg, o.http, now);
    } else {
      throw error(errc::invalid_argument, where + ": credential_source \"" + kind +
                                              "\" is unknown; use Environment, EcsContainer or Ec2InstanceMetadata");
    }
  } else {
    std::optional<profile> src = find_profile(files, *source_profile);
    if (!src)
      throw error(errc::invalid_credentials, where + ": source_profile '" + *source_profile + "' not found in " +
                                                 files.credentials_path + " or " + files.config_path);
    const bool src_assumes = src->get("role_arn") && (src->get("source_profile") || src->get("credential_source"));
    if (src_assumes && !(src->name == prof.name)) {
      source = assume_role_profile(files, *src, o, now, visited).creds;
    } else if (auto own = profile_own_credentials(files, *src, o, now)) {
      source = std::move(own->creds);
    } else if (auto wi = web_identity_settings(o, src, false)) {
      wi->session_name = src->get("role_session_name").value_or("urlmint-" + std::to_string(to_unix_seconds(now)));
      wi->sts_endpoint = sts_for(files, o).url;
      source = cached_web_identity(*wi, src->get("role_session_name").has_value(), o, now);
    } else {
      throw error(errc::invalid_credentials, where + ": source_profile '" + *source_profile +
                                                 "' has no credentials (keys, credential_process or web identity)");
    }
  }
  const service_endpoint sts = sts_for(files, o);
  cfg.region = sts.signing_region;
  cfg.sts_endpoint = sts.url;
  if (!cfg.mfa_serial.empty()) {
    if (!o.mfa_code)
      throw error(errc::invalid_credentials, where + ": the role needs an MFA code from " + cfg.mfa_serial +
                                                 " (mfa_serial) but nothing can ask for it; set chain_options::mfa_code");
    try {
      cfg.mfa_code = o.mfa_code(cfg.mfa_serial);
    } catch (const error& e) {
      throw error(e.code(), where + ": " + e.what());
    }
  }
  assumed_role_user user;
  credentials c = assume_role(cfg, source, o.http, now, where, &user);
  detail::wipe(cfg.mfa_code);
  if (!dir.empty()) write_role_cache(dir, key, c, user);
  return resolved_credentials{std::move(c), described};
}
}  // namespace detail

URLMINT_DECL resolved_credentials resolve_credentials(const chain_options& o, time_point now) {
  if (o.explicit_credentials) {
    validate(*o.explicit_credentials);
    return {*o.explicit_credentials, "explicit credentials"};
  }
  std::vector<std::string> tried;
  const bool explicit_profile = o.profile && !o.profile->empty();
  const std::string name = profile_name(o.profile, o.env);

  if (explicit_profile) {
    tried.push_back("environment (skipped: a profile was named with --profile)");
  } else if (auto c = from_environment(o.env)) {
    detail::check_fresh(*c, now, "environment");
    return {std::move(*c), "environment"};
  } else {
    tried.push_back("environment (AWS_ACCESS_KEY_ID is not set)");
  }

  const shared_files files = load_shared_files(o.env);
  std::optional<profile> prof = find_profile(files, name);
  if (!prof && (explicit_profile || name != "default"))
    throw error(errc::invalid_credentials, "profile '" + name + "' not found in " + files.credentials_path + " or " +
                                               files.config_path + "; check --profile / AWS_PROFILE or add [" +
                                               (name == "default" ? name : "profile " + name) + "] to the config file");

  if (prof && prof->get("role_arn") && (prof->get("source_profile") || prof->get("credential_source"))) {
    std::vector<std::string> visited;
    return detail::assume_role_profile(files, *prof, o, now, visited);
  }

  if (auto wi = detail::web_identity_settings(o, prof, !explicit_profile)) {
    bool configured = true;
    if (auto s = o.env("AWS_ROLE_SESSION_NAME"); s && !explicit_profile) wi->session_name = *s;
    else if (prof && prof->get("role_session_name")) wi->session_name = *prof->get("role_session_name");
    else {
      configured = false;
      wi->session_name = "urlmint-" + std::to_string(to_unix_seconds(now));
    }
    wi->sts_endpoint = detail::sts_for(files, o).url;
    credentials c = detail::cached_web_identity(*wi, configured, o, now);
    return {std::move(c), "web identity (role " + wi->role_arn + ")"};
  }
  tried.push_back(explicit_profile ? "web identity (no web_identity_token_file in the profile)"
                                   : "web identity (AWS_WEB_IDENTITY_TOKEN_FILE is not set)");

  if (!prof) {
    tried.push_back("profile '" + name + "' (not in " + files.credentials_path + " or " + files.config_path + ")");
  } else {
    const std::string where = "profile '" + name + "' in " +
                              (prof->found_in.size() == 1 ? prof->found_in[0]
                                                          : prof->found_in[0] + " and " + prof->found_in[1]);
    if (auto r = detail::profile_own_credentials(files, *prof, o, now)) return std::move(*r);
    tried.push_back(where + " (no aws_access_key_id or credential_process)");
  }

  if (auto container = container_from_environment(o.env)) {
    credentials c = fetch_container_credentials(*container, o.http, now);
    return {std::move(c), "container credentials (" + container->url + ")"};
  }
  tried.push_back("container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set)");

  if (auto imds = imds_settings(files, name, o.env)) {
    if (!o.http) {
      tried.push_back("EC2 instance metadata (skipped: no HTTP transport)");
    } else {
      try {
        credentials c = fetch_imds_credentials(*imds, o.http, now);
        return {std::move(c), "EC2 instance metadata (" + imds->endpoint + ")"};
      } catch (const error& e) {
        // Off EC2 the endpoint is simply absent; say why it gave nothing and move on.
        tried.push_back(e.what());
      }
    }
  } else {
    tried.push_back("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
  }

  std::string message = "no credentials: tried ";
  for (std::size_t i = 0; i < tried.size(); ++i) message += (i ? ", " : "") + tried[i];
  message += "; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile (aws configure)";
  throw error(errc::invalid_credentials, message);
}

URLMINT_DECL std::optional<std::chrono::seconds> remaining_life(const credentials& c, time_point now) {
  if (!c.expiration) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(*c.expiration - now);
}

URLMINT_DECL presign_lifetime check_presign_lifetime(const credentials& c, time_point now, std::chrono::seconds expires_in) {
  presign_lifetime out;
  out.requested = expires_in;
  out.effective = expires_in;
  out.credentials_expiration = c.expiration;
  if (const auto left = remaining_life(c, now); left && *left < expires_in) {
    out.outlives_credentials = true;
    out.effective = std::max(std::chrono::seconds(0), *left);
  }
  return out;
}

URLMINT_DECL std::optional<std::string> presign_lifetime_warning(const credentials& c, time_point now,
                                                           std::chrono::seconds expires_in) {
  const presign_lifetime l = check_presign_lifetime(c, now, expires_in);
  if (!l.outlives_credentials) return std::nullopt;
  return "the URL asks for " + std::to_string(l.requested.count()) + " s but the temporary credentials expire at " +
         format_iso8601(*l.credentials_expiration) + " (in " + std::to_string(l.effective.count()) +
         " s); S3 will reject it after that. Use long-term keys or a shorter --expires-in";
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_PROVIDERS_IPP
