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
#include "config.hpp"
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

URLMINT_DECL std::optional<web_identity_config> web_identity_settings(const chain_options& o, const std::optional<profile>& p,
                                                                bool use_env);

// STS for the chain: the region of chain_options (else the profile's), the endpoint settings
// of the profile in effect (botocore's STS client reads the session's profile, not the source's).
URLMINT_DECL service_endpoint sts_for(const shared_files& files, const chain_options& o);

// The AWS CLI's role cache directory, or "" when the cache is off (or there is no HOME).
URLMINT_DECL std::string role_cache_dir(const chain_options& o);

// AssumeRoleWithWebIdentity through the AWS CLI's role cache; `session_configured`: the session
// name came from the settings (botocore leaves a generated one out of the cache key).
URLMINT_DECL credentials cached_web_identity(const web_identity_config& wi, bool session_configured, const chain_options& o,
                                       time_point now);

// Python's int(text) for the integers botocore reads from the config (duration_seconds).
URLMINT_DECL std::optional<long long> python_int(std::string_view text);

URLMINT_DECL std::string profile_where(const profile& prof);

// A profile's own credentials, in the AWS CLI's order: keys in the credentials file,
// credential_process, keys in the config file. nullopt when it has none of them.
URLMINT_DECL std::optional<resolved_credentials> profile_own_credentials(const shared_files& files, const profile& prof,
                                                                   const chain_options& o, time_point now);

// role_arn with source_profile or credential_source, as the AWS CLI's AssumeRoleProvider does:
// the source profile may itself assume a role (a chain), or use its own keys, credential_process
// or web identity; a profile naming itself as source uses its own keys.
URLMINT_DECL resolved_credentials assume_role_profile(const shared_files& files, const profile& prof, const chain_options& o,
                                                time_point now, std::vector<std::string>& visited);

}  // namespace detail

/// Finds credentials once, in the AWS CLI's order, with no caching: explicit credentials →
/// environment → assume role (role_arn with source_profile or credential_source: a signed STS
/// AssumeRole call, through the AWS CLI's role cache) → web identity → profile (SSO,
/// credentials-file keys, `aws login` session, credential_process, config-file keys) → container credentials → EC2 instance metadata. The first source that is
/// configured wins; a configured source that fails throws (naming it). When nothing yields
/// credentials, throws errc::invalid_credentials: "no credentials: tried environment (...), ...".
URLMINT_DECL resolved_credentials resolve_credentials(const chain_options& o, time_point now);

// ---------------------------------------------------------------------------------------------
// Caching, refresh, and presign lifetimes.

/// How long `c` stays valid after `now`: nullopt for long-term keys (no expiration), zero or
/// negative when already expired.
URLMINT_DECL std::optional<std::chrono::seconds> remaining_life(const credentials& c, time_point now);

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
URLMINT_DECL presign_lifetime check_presign_lifetime(const credentials& c, time_point now, std::chrono::seconds expires_in);

/// A one-line warning when a presigned URL would outlive its temporary credentials (for a CLI
/// to print on stderr), or nullopt when it will not. Never contains a secret.
URLMINT_DECL std::optional<std::string> presign_lifetime_warning(const credentials& c, time_point now,
                                                           std::chrono::seconds expires_in);

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

#if defined(URLMINT_HEADER_ONLY)
#include "impl/providers.ipp"
#endif

#endif  // URLMINT_PROVIDERS_HPP
