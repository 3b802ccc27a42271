#ifndef URLMINT_AWS_LOGIN_HPP
#define URLMINT_AWS_LOGIN_HPP

// `aws login` sessions (AWS CLI 2.32+), as botocore 1.43 reads them (LoginProvider,
// LoginCredentialFetcher, LoginTokenLoader): a profile's `login_session = NAME` names a token
// in ~/.aws/login/cache/<sha256 hex of NAME>.json (AWS_LOGIN_CACHE_DIRECTORY overrides) holding
// 15-minute credentials, a refresh token, the client id and the DPoP private key. Credentials
// with more than 5 minutes left are used as they are; otherwise AWS Sign-In's CreateOAuth2Token
// (POST /v1/token on https://REGION.signin.aws.amazon.com) is called with the refresh token and
// a DPoP proof (an ES256 JWT over the request, signed with the cached P-256 key), and the cache
// file is rewritten atomically as botocore rewrites it. Libcrypto only.

#include <openssl/bn.h>           // BN_bn2binpad
#include <openssl/core_names.h>   // OSSL_PKEY_PARAM_EC_PUB_X
#include <openssl/ec.h>           // ECDSA_SIG

#include <algorithm>  // std::sort
#include <optional>   // std::optional
#include <string>
#include <string_view>
#include <utility>    // std::pair
#include <vector>

#include "cache_files.hpp"
#include "cloudfront.hpp"
#include "config.hpp"
#include "credential_sources.hpp"
#include "credentials.hpp"
#include "error.hpp"
#include "time.hpp"

namespace urlmint {
namespace providers {

/// An `aws login` profile's settings.
struct login_config {
  std::string profile_name;  ///< the profile with login_session (for messages)
  std::string session_name;  ///< login_session
};

/// Where `aws login` keeps its tokens: AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache.
URLMINT_DECL std::string login_cache_directory(const environment& env = process_environment);

/// The token file's name without ".json": SHA-256 hex of the session name
/// (botocore.utils.generate_login_cache_key).
URLMINT_DECL std::string login_cache_key(std::string_view session_name);

/// AWS Sign-In's endpoint for `region` (botocore's signin endpoint rules, no configured endpoint).
URLMINT_DECL std::string signin_endpoint(std::string_view region);

namespace detail {

URLMINT_DECL std::string base64url(std::string_view bytes);

URLMINT_DECL std::string random_uuid4();

URLMINT_DECL std::string bn_param(EVP_PKEY* key, const char* name);

}  // namespace detail

/// The DPoP proof botocore's _build_dpop_header makes for a POST to `url`: base64url of the
/// header {"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","x":..,"y":..,"crv":"P-256"}} and
/// payload {"htm":"POST","htu":url,"iat":SECONDS,"jti":UUID}, then the ES256 signature (r || s).
URLMINT_DECL std::string dpop_proof(const cloudfront::private_key& key, std::string_view url, time_point now,
                              const std::string& jti);

/// Sign-In's CreateOAuth2Token refresh: an unsigned JSON POST to /v1/token with the DPoP proof.
URLMINT_DECL http_request login_refresh_request(const std::string& endpoint, std::string_view client_id,
                                          std::string_view refresh_token, const std::string& dpop);

namespace detail {

// A top-level JSON value written back as json.dumps writes it (strings re-escaped; numbers,
// literals and nested values as they were read).
URLMINT_DECL std::string json_value_text(const json_member& m);

URLMINT_DECL credentials login_credentials_of(const json_object& access, const std::string& source);

}  // namespace detail

/// Credentials of an `aws login` session: the cached ones while more than 5 minutes remain,
/// else refreshed through Sign-In at `endpoint` (configured_endpoint("signin"), else
/// signin_endpoint(region)) and written back to the cache. Throws errc::invalid_credentials with
/// what to run when the session is missing, unusable or expired, errc::transport when Sign-In
/// cannot be reached.
URLMINT_DECL credentials fetch_login_credentials(const login_config& c, const std::string& endpoint, const environment& env,
                                           const transport& http, time_point now);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/aws_login.ipp"
#endif

#endif  // URLMINT_AWS_LOGIN_HPP
