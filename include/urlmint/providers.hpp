#ifndef URLMINT_PROVIDERS_HPP
#define URLMINT_PROVIDERS_HPP

// Where credentials come from, in the AWS CLI's order: explicit credentials, the environment,
// web identity (STS AssumeRoleWithWebIdentity), the shared credentials and config files
// (profiles, credential_process), ECS container credentials, EC2 instance metadata (IMDSv2).
// Then a thread-safe provider that caches temporary credentials and refreshes them before
// they expire, once however many threads ask.
//
// Libcrypto only: the sources that speak HTTP (STS, ECS, IMDS) go through an injectable
// `providers::transport`; <urlmint/providers_curl.hpp> plugs the curl client into it.
// Everything that builds a request or parses a response is a pure function, testable alone.
// https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html

#include <atomic>      // std::atomic
#include <chrono>      // std::chrono::seconds
#include <functional>  // std::function: chain_options::mfa_code
#include <memory>      // std::shared_ptr
#include <mutex>       // std::mutex
#include <optional>    // std::optional
#include <string>
#include <string_view>
#include <utility>     // std::move
#include <vector>

#include "aws_login.hpp"
#include "credential_sources.hpp"
#include "endpoint_settings.hpp"
#include "role_cache.hpp"
#include "sso.hpp"
#include "credentials.hpp"
#include "error.hpp"
#include "time.hpp"

namespace urlmint {
namespace providers {

// ---------------------------------------------------------------------------------------------
// The chain.

/// How the chain looks for credentials. The defaults read the real environment and files; an
/// empty `http` skips nothing silently: HTTP sources that are configured then fail with "needs
/// an HTTP transport", and instance metadata is reported as skipped.
struct chain_options {
  /// Credentials given in code: used as they are, nothing else is consulted.
  std::optional<credentials> explicit_credentials;
  /// The --profile value. Naming a profile explicitly skips the environment keys and the web
  /// identity variables, as the AWS CLI does; AWS_PROFILE does not.
  std::optional<std::string> profile;
  /// The region for STS (web identity); empty: resolve_region(nullopt, profile, env).
  std::string region;
  /// Where environment variables come from (tests pass a map).
  environment env = process_environment;
  /// HTTP for STS, ECS and IMDS; providers::curl_transport() from <urlmint/providers_curl.hpp>.
  transport http;
  /// How credential_process commands run.
  process_runner run = run_command;
  /// Asks for the MFA code of an assume-role profile with mfa_serial: receives the serial (the
  /// MFA device ARN), returns the code the user typed (sent to STS as TokenCode). Empty: such
  /// profiles fail with a one-line error. The CLI prompts on the terminal; GUI apps ask their way.
  std::function<std::string(const std::string& mfa_serial)> mfa_code;
  /// Read and write the AWS CLI's assumed-role cache (~/.aws/cli/cache; see role_cache.hpp), so
  /// that urlmint and the AWS CLI share assumed-role and web identity credentials across runs.
  bool use_cli_cache = true;
};

/// Credentials and a one-line description of where they came from (no secrets).
struct resolved_credentials {
  credentials creds;   ///< the credentials found
  std::string source;  ///< e.g. "profile 'dev' in /home/me/.aws/credentials"
};

namespace detail {

inline std::optional<web_identity_config> web_identity_settings(const chain_options& o, const std::optional<profile>& p,
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

// STS for the chain: the region of chain_options (else the profile's), the endpoint settings
// of the profile in effect (botocore's STS client reads the session's profile, not the source's).
inline service_endpoint sts_for(const shared_files& files, const chain_options& o) {
  const std::string region = o.region.empty() ? resolve_region(std::nullopt, o.profile, o.env) : o.region;
  return sts_service_endpoint(region, files, profile_name(o.profile, o.env), o.env);
}

// The AWS CLI's role cache directory, or "" when the cache is off (or there is no HOME).
inline std::string role_cache_dir(const chain_options& o) {
  return o.use_cli_cache && o.env("HOME") ? role_cache_directory(o.env) : std::string();
}

// AssumeRoleWithWebIdentity through the AWS CLI's role cache; `session_configured`: the session
// name came from the settings (botocore leaves a generated one out of the cache key).
inline credentials cached_web_identity(const web_identity_config& wi, bool session_configured, const chain_options& o,
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

// Python's int(text) for the integers botocore reads from the config (duration_seconds).
inline std::optional<long long> python_int(std::string_view text) {
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

inline std::string profile_where(const profile& prof) {
  return "profile '" + prof.name + "' in " +
         (prof.found_in.size() == 1 ? prof.found_in[0] : prof.found_in[0] + " and " + prof.found_in[1]);
}

// A profile's own credentials, in the AWS CLI's order: keys in the credentials file,
// credential_process, keys in the config file. nullopt when it has none of them.
inline std::optional<resolved_credentials> profile_own_credentials(const shared_files& files, const profile& prof,
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

// role_arn with source_profile or credential_source, as the AWS CLI's AssumeRoleProvider does:
// the source profile may itself assume a role (a chain), or use its own keys, credential_process
// or web identity; a profile naming itself as source uses its own keys.
inline resolved_credentials assume_role_profile(const shared_files& files, const profile& prof, const chain_options& o,
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

/// Finds credentials once, in the AWS CLI's order, with no caching: explicit credentials →
/// environment → assume role (role_arn with source_profile or credential_source: a signed STS
/// AssumeRole call, through the AWS CLI's role cache) → web identity → profile (SSO,
/// credentials-file keys, `aws login` session, credential_process, config-file keys) → container credentials → EC2 instance metadata. The first source that is
/// configured wins; a configured source that fails throws (naming it). When nothing yields
/// credentials, throws errc::invalid_credentials: "no credentials: tried environment (...), ...".
inline resolved_credentials resolve_credentials(const chain_options& o, time_point now) {
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

// ---------------------------------------------------------------------------------------------
// Caching, refresh, and presign lifetimes.

/// How long `c` stays valid after `now`: nullopt for long-term keys (no expiration), zero or
/// negative when already expired.
inline std::optional<std::chrono::seconds> remaining_life(const credentials& c, time_point now) {
  if (!c.expiration) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(*c.expiration - now);
}

/// What happens to a presigned URL signed at `now` for `expires_in` with `c`. S3 rejects a
/// presigned URL once the session token that signed it expires, whatever X-Amz-Expires says;
/// urlmint never shortens the expiry silently, it reports the shortfall here instead.
struct presign_lifetime {
  bool outlives_credentials = false;  ///< the URL's expiry is later than the credentials'
  std::chrono::seconds requested{0};  ///< expires_in
  std::chrono::seconds effective{0};  ///< how long the URL will really work (≤ requested)
  std::optional<time_point> credentials_expiration;
};

/// Compares a presign's expiry with the credentials' remaining life (see presign_lifetime).
inline presign_lifetime check_presign_lifetime(const credentials& c, time_point now, std::chrono::seconds expires_in) {
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

/// A one-line warning when a presigned URL would outlive its temporary credentials (for a CLI
/// to print on stderr), or nullopt when it will not. Never contains a secret.
inline std::optional<std::string> presign_lifetime_warning(const credentials& c, time_point now,
                                                           std::chrono::seconds expires_in) {
  const presign_lifetime l = check_presign_lifetime(c, now, expires_in);
  if (!l.outlives_credentials) return std::nullopt;
  return "the URL asks for " + std::to_string(l.requested.count()) + " s but the temporary credentials expire at " +
         format_iso8601(*l.credentials_expiration) + " (in " + std::to_string(l.effective.count()) +
         " s); S3 will reject it after that. Use long-term keys or a shorter --expires-in";
}

/// A function that fetches credentials (the chain, or any source), for provider.
using fetch_function = std::function<resolved_credentials(time_point now)>;

/// Credentials for the life of an application: fetched on first use, cached, and refreshed
/// `refresh_margin` before their Expiration (long-term keys are fetched once). Thread-safe:
/// when many threads ask at once, one fetches and the rest wait for it, or keep using the
/// still-valid old credentials if the refresh is only advisory (inside the margin).
/// A failed advisory refresh keeps the old credentials and retries after `retry_after`.
class provider {
 public:
  /// Refresh this long before Expiration (the AWS SDKs use 5 to 15 minutes).
  static constexpr std::chrono::seconds default_refresh_margin{300};

  /// A provider over the default chain.
  explicit provider(chain_options options = {}, std::chrono::seconds refresh_margin = default_refresh_margin)
      : provider(fetch_function([o = std::move(options)](time_point now) { return resolve_credentials(o, now); }),
                 refresh_margin) {}

  /// A provider over any fetch function (one source, or a test double).
  explicit provider(fetch_function fetch, std::chrono::seconds refresh_margin = default_refresh_margin)
      : fetch_(std::move(fetch)), margin_(refresh_margin) {}

  provider(const provider&) = delete;
  provider& operator=(const provider&) = delete;

  /// Credentials valid at `now`, fetching or refreshing when needed. The returned snapshot
  /// stays valid (and unchanged) however the cache moves on. Throws what the fetch throws when
  /// there are no usable credentials.
  std::shared_ptr<const credentials> get(time_point now) {
    time_point until;
    return get(now, until);
  }

  /// The same, and the time until which the answer stays current: callers that cache it (a
  /// credentials_source user such as s3::signer) need not ask again before `current_until`.
  std::shared_ptr<const credentials> get(time_point now, time_point& current_until) {
    std::shared_ptr<const credentials> fresh = get_current(now);
    std::lock_guard<std::mutex> lock(state_mutex_);
    current_until = fresh == current_ ? refresh_at_ : now;
    return fresh;
  }

 private:
  std::shared_ptr<const credentials> get_current(time_point now) {
    std::shared_ptr<const credentials> snapshot;
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      if (current_ && now < refresh_at_) return current_;
      snapshot = current_;
    }
    const bool still_valid = snapshot && (!snapshot->expiration || now < *snapshot->expiration);
    if (still_valid) {
      std::unique_lock<std::mutex> refreshing(refresh_mutex_, std::try_to_lock);
      if (!refreshing.owns_lock()) return snapshot;  // another thread is refreshing already
      {
        std::lock_guard<std::mutex> lock(state_mutex_);
        if (current_ && now < refresh_at_) return current_;
      }
      try {
        return refresh(now);
      } catch (const error&) {
        std::lock_guard<std::mutex> lock(state_mutex_);
        refresh_at_ = snapshot->expiration ? std::min(*snapshot->expiration, now + retry_after) : now + retry_after;
        return current_;
      }
    }
    std::lock_guard<std::mutex> refreshing(refresh_mutex_);
    {
      std::lock_guard<std::mutex> lock(state_mutex_);
      if (current_ && now < refresh_at_) return current_;
    }
    return refresh(now);
  }

 public:
  /// Credentials valid now (system clock).
  std::shared_ptr<const credentials> get() { return get(clock::now()); }

  /// Where the cached credentials came from ("" before the first get()).
  std::string source() const {
    std::lock_guard<std::mutex> lock(state_mutex_);
    return source_;
  }

  /// How many times credentials were fetched (1 for long-term keys).
  std::size_t fetch_count() const noexcept { return fetches_.load(); }

  /// After a failed advisory refresh, wait this long before trying again.
  static constexpr std::chrono::seconds retry_after{30};

 private:
  // Called with refresh_mutex_ held.
  std::shared_ptr<const credentials> refresh(time_point now) {
    resolved_credentials r = fetch_(now);
    fetches_.fetch_add(1);
    // The chain's sources check this already; a custom fetch function might not, and an
    // expired (or clamped year-1677) expiration would make the arithmetic below meaningless.
    detail::check_fresh(r.creds, now, r.source);
    auto fresh = std::make_shared<const credentials>(std::move(r.creds));
    time_point refresh_at = time_point::max();
    if (fresh->expiration) {
      refresh_at = *fresh->expiration - margin_;
      // Credentials that arrive already inside the margin are used, and the next refresh is
      // at half their remaining life, so a short-lived source is not asked on every call.
      if (refresh_at <= now) refresh_at = now + (*fresh->expiration - now) / 2;
    }
    std::lock_guard<std::mutex> lock(state_mutex_);
    current_ = fresh;
    source_ = std::move(r.source);
    refresh_at_ = refresh_at;
    return fresh;
  }

  fetch_function fetch_;
  std::chrono::seconds margin_;
  mutable std::mutex state_mutex_;  // guards current_, source_, refresh_at_
  std::mutex refresh_mutex_;        // one fetch at a time
  std::shared_ptr<const credentials> current_;
  std::string source_;
  time_point refresh_at_{};
  std::atomic<std::size_t> fetches_{0};
};

}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_PROVIDERS_HPP
