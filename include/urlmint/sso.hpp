#ifndef URLMINT_SSO_HPP
#define URLMINT_SSO_HPP

// AWS IAM Identity Center (SSO) profiles, as botocore 1.43 reads them (SSOProvider,
// SSOTokenProvider, SSOTokenLoader): both forms the AWS CLI writes, `sso_session = NAME` with an
// `[sso-session NAME]` section and the legacy `sso_start_url` / `sso_region` in the profile. The
// access token comes from the AWS CLI's cache, ~/.aws/sso/cache/<sha1 hex>.json, named by the
// SHA-1 of the session name (legacy: of the start URL). The sso-session form refreshes a token
// within 15 minutes of expiry through SSO-OIDC CreateToken and rewrites the cache file atomically
// in botocore's format; role credentials come from the portal's GetRoleCredentials. HTTP goes
// through the injectable providers::transport. Libcrypto only.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html

#include <chrono>    // std::chrono::seconds
#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <utility>   // std::move, std::pair
#include <vector>

#include "cache_files.hpp"
#include "config.hpp"
#include "credential_sources.hpp"
#include "credentials.hpp"
#include "error.hpp"
#include "time.hpp"

namespace urlmint {
namespace providers {

/// An SSO profile's settings, resolved from the profile and its [sso-session NAME] section.
struct sso_config {
  std::string profile_name;  ///< the profile with the sso_* settings (for messages)
  std::string start_url;     ///< sso_start_url
  std::string region;        ///< sso_region: where the portal and SSO-OIDC are
  std::string account_id;    ///< sso_account_id
  std::string role_name;     ///< sso_role_name
  std::string session_name;  ///< sso_session; empty for the legacy form
};

/// The SSO settings of `prof`, or nullopt when it has neither sso_role_name nor sso_account_id
/// (botocore's test for an SSO credentials profile). Throws errc::invalid_argument, naming what
/// to add, for a missing setting, an sso_session without its section, or a setting whose value
/// differs between the profile and the section.
URLMINT_DECL std::optional<sso_config> sso_settings(const shared_files& files, const profile& prof);

/// ~/.aws/sso/cache, where the AWS CLI keeps SSO access tokens.
URLMINT_DECL std::string sso_cache_directory(const environment& env = process_environment);

/// The token cache file's name without ".json": SHA-1 hex of the session name, or of the start
/// URL for the legacy form (botocore's SSOTokenLoader._generate_cache_key).
URLMINT_DECL std::string sso_cache_key(const sso_config& c);

/// AWS's SSO portal and SSO-OIDC endpoints for `region` (no configured endpoint).
URLMINT_DECL std::string sso_portal_endpoint(std::string_view region);
URLMINT_DECL std::string sso_oidc_endpoint(std::string_view region);

/// The portal's GetRoleCredentials call: GET /federation/credentials?role_name=R&account_id=A
/// with the access token in x-amz-sso_bearer_token (unsigned).
/// https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
URLMINT_DECL http_request sso_role_credentials_request(const std::string& portal, const sso_config& c,
                                                 std::string_view access_token);

/// SSO-OIDC CreateToken with grant type refresh_token (unsigned JSON POST to /token).
/// https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html
URLMINT_DECL http_request sso_create_token_request(const std::string& oidc, std::string_view client_id,
                                             std::string_view client_secret, std::string_view refresh_token);

namespace detail {

URLMINT_DECL error sso_expired(const sso_config& c);

URLMINT_DECL std::string json_message(std::string_view body);

// The refreshed token as botocore's SSOTokenProvider._attempt_create_token writes it.
URLMINT_DECL std::string sso_token_json(const sso_config& c, const json_object& old, const json_object& answer,
                                  time_point expires_at);

}  // namespace detail

/// The SSO access token for `c`, from the AWS CLI's cache; for the sso-session form refreshed
/// through SSO-OIDC (`oidc`) when it expires within 15 minutes and the cache holds a refresh
/// token and an unexpired client registration, the cache file then rewritten atomically. A
/// failed refresh keeps the cached token while it is still valid, as botocore does. Throws
/// errc::invalid_credentials with what to run when there is no usable token.
URLMINT_DECL secret_string sso_access_token(const sso_config& c, const std::string& oidc, const environment& env,
                                      const transport& http, time_point now);

/// Role credentials for an SSO profile: the cached (maybe refreshed) access token, then the
/// portal's GetRoleCredentials. `portal` and `oidc` are the endpoints (configured_endpoint("sso")
/// / ("sso-oidc"), else sso_portal_endpoint / sso_oidc_endpoint of c.region). Throws
/// errc::invalid_credentials with what to run when the session has expired (or the portal says
/// 401), errc::service naming the role when the portal refuses it, errc::transport when
/// unreachable.
URLMINT_DECL credentials fetch_sso_credentials(const sso_config& c, const std::string& portal, const std::string& oidc,
                                         const environment& env, const transport& http, time_point now);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/sso.ipp"
#endif

#endif  // URLMINT_SSO_HPP
