#ifndef URLMINT_CREDENTIAL_SOURCES_HPP
#define URLMINT_CREDENTIAL_SOURCES_HPP

// The places credentials come from, one function each, as providers.hpp's chain tries them:
// the environment, the shared credentials and config files (profiles, credential_process),
// web identity and assume-role through STS, ECS container credentials and EC2 IMDSv2. The
// injectable edges (environment lookup, HTTP transport, process runner) are declared here, so
// every source is testable without the network. Libcrypto only.
// https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html

#include <sys/stat.h>  // stat: tell a missing shared file from an unreadable one

#include <algorithm>   // std::min, std::max
#include <chrono>      // std::chrono::seconds
#include <cstdint>     // std::int64_t
#include <cstdlib>     // std::getenv
#include <fstream>     // std::ifstream: the shared files and token files
#include <functional>  // std::function
#include <map>         // std::map
#include <memory>      // std::shared_ptr
#include <optional>    // std::optional
#include <sstream>     // std::ostringstream
#include <string>
#include <string_view>
#include <utility>     // std::move, std::pair
#include <vector>

#include "config.hpp"
#include "credential_formats.hpp"
#include "credential_process.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace providers {

// ---------------------------------------------------------------------------------------------
// Injectable edges: environment, HTTP (processes: credential_process.hpp).

/// Looks up an environment variable; nullopt when unset or empty. Tests pass a map instead
/// of the process environment.
using environment = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment (getenv). Empty values count as unset, as the AWS CLI treats them.
URLMINT_DECL std::optional<std::string> process_environment(const std::string& name);

/// One HTTP request from a credentials source. `headers` and `body` may carry a token
/// (IMDS token, container authorization, web identity token): transports must not log them.
struct http_request {
  std::string method = "GET";                  ///< GET, PUT (IMDS token) or POST (STS)
  std::string url;                             ///< "http://127.0.0.1:1338/latest/api/token"
  std::vector<sigv4::header> headers;          ///< headers to send as given
  std::string body;                            ///< request body (STS form); empty for GET
  std::chrono::milliseconds connect_timeout{1000};  ///< metadata endpoints: 1 s so laptops do not hang
  std::chrono::milliseconds total_timeout{3000};    ///< whole exchange
};

/// The answer to an http_request. `body` may carry credentials; it is wiped after parsing.
struct http_response {
  long status = 0;   ///< HTTP status code
  std::string body;  ///< the whole body
};

/// Sends one request and returns the response, whatever its status. Throws
/// urlmint::error(errc::transport) when no response arrives (refused, unreachable, timeout);
/// the message must not contain the request's headers or body.
using transport = std::function<http_response(const http_request&)>;

namespace detail {

// The whole file, or nullopt when it does not exist; errc::io when it exists but cannot be read.
URLMINT_DECL std::optional<std::string> read_text_file(const std::string& path, std::string_view what);

URLMINT_DECL std::string expand_home(const std::string& path, const environment& env);

URLMINT_DECL bool env_true(const environment& env, const std::string& name);

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Shared files and profiles.

/// The AWS CLI's two shared files, loaded. A file that does not exist is simply absent.
struct shared_files {
  std::string credentials_path;  ///< AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials
  std::string config_path;       ///< AWS_CONFIG_FILE, default ~/.aws/config
  std::optional<ini_document> credentials_file;
  std::optional<ini_document> config_file;
};

/// Reads both shared files named by the environment. Throws errc::io for a file that exists
/// but cannot be read and errc::invalid_argument for a malformed one.
URLMINT_DECL shared_files load_shared_files(const environment& env = process_environment);

/// The profile name in effect: `explicit_profile` (--profile), else AWS_PROFILE, else
/// AWS_DEFAULT_PROFILE, else "default".
URLMINT_DECL std::string profile_name(const std::optional<std::string>& explicit_profile,
                                const environment& env = process_environment);

/// One profile's settings from both files, credentials file winning over config file (as the
/// AWS CLI merges them), each value remembering the file it came from.
struct profile {
  /// One setting and the file that set it.
  struct value {
    secret_string text;  ///< the value (a secret for aws_secret_access_key)
    std::string file;    ///< path of the file it came from
  };
  std::string name;                       ///< the profile name, without "profile "
  std::map<std::string, value> settings;  ///< by lowercase key
  std::vector<std::string> found_in;  ///< the files that have a section for it

  /// The setting's text, or nullopt. Do not call it for secrets you then print.
  std::optional<std::string> get(const std::string& key) const {
    const auto it = settings.find(key);
    if (it == settings.end()) return std::nullopt;
    return std::string(it->second.text.reveal());
  }
  /// Whether the setting exists and came from `file`.
  bool from(const std::string& key, const std::string& file) const {
    const auto it = settings.find(key);
    return it != settings.end() && it->second.file == file;
  }
};

/// The config file section "[KIND NAME]" ("services", "sso-session"; botocore splits the
/// header shell-style into exactly two words, so NAME may be quoted), or nullptr.
URLMINT_DECL const ini_section* named_section(const ini_document& config, std::string_view kind, std::string_view name);

/// The config file section of a profile: "[default]" or "[profile default]" for default,
/// "[profile NAME]" otherwise (quotes around NAME allowed, as shlex would strip them).
URLMINT_DECL const ini_section* config_section(const ini_document& config, std::string_view name);

/// Looks up profile `name` in both files; nullopt when neither has it.
URLMINT_DECL std::optional<profile> find_profile(const shared_files& files, const std::string& name);

// ---------------------------------------------------------------------------------------------
// Region.

/// The region as the AWS CLI picks it: `flag` (--region), AWS_REGION, AWS_DEFAULT_REGION, the
/// profile's `region` in the config file, else "us-east-1". Reads the config file only when
/// the earlier places are empty.
URLMINT_DECL std::string resolve_region(const std::optional<std::string>& flag,
                                  const std::optional<std::string>& explicit_profile,
                                  const environment& env = process_environment);

// ---------------------------------------------------------------------------------------------
// Sources. Each returns credentials, or nullopt when it is not configured at all; a source
// that is configured but fails throws an error naming itself.

/// The environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and
/// AWS_CREDENTIAL_EXPIRATION, ISO 8601, for temporary keys). nullopt when neither key is set.
URLMINT_DECL std::optional<credentials> from_environment(const environment& env = process_environment);

namespace detail {

URLMINT_DECL void check_fresh(const credentials& c, time_point now, const std::string& source);

// "host" of "http://host:port/path" (IPv6 brackets removed), lowercased.
URLMINT_DECL std::string url_host(std::string_view url);

URLMINT_DECL std::string url_scheme(std::string_view url);

URLMINT_DECL bool is_loopback_host(std::string_view host);

URLMINT_DECL std::string trim_slashes(std::string s);

}  // namespace detail

/// Who STS says the credentials belong to (<AssumedRoleUser>), for the AWS CLI's role cache.
struct assumed_role_user {
  std::string arn;  ///< e.g. "arn:aws:sts::123456789012:assumed-role/app/s1"
  std::string id;   ///< e.g. "AROA...:s1"
};

namespace detail {

URLMINT_DECL void read_assumed_role_user(std::string_view xml, assumed_role_user* user);

}  // namespace detail

/// Web identity settings: a token file (e.g. an EKS service-account token) exchanged for
/// role credentials with STS AssumeRoleWithWebIdentity.
struct web_identity_config {
  std::string token_file;    ///< AWS_WEB_IDENTITY_TOKEN_FILE or web_identity_token_file
  std::string role_arn;      ///< AWS_ROLE_ARN or role_arn
  std::string session_name;  ///< AWS_ROLE_SESSION_NAME or role_session_name; default urlmint-<unix time>
  std::string sts_endpoint;  ///< e.g. "https://sts.us-east-1.amazonaws.com" (AWS_ENDPOINT_URL_STS overrides)
};

/// The unsigned AssumeRoleWithWebIdentity call for `token` (a POST form; the token is a
/// secret, so the request body must not be logged).
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
URLMINT_DECL http_request web_identity_request(const web_identity_config& cfg, std::string_view token);

/// Reads the token file, calls STS through `http` and returns the role's temporary credentials.
/// Throws errc::io for an unreadable token file, errc::service for an STS error (its code and
/// message), errc::transport when STS cannot be reached.
URLMINT_DECL credentials assume_role_with_web_identity(const web_identity_config& cfg, const transport& http,
                                                 time_point now, assumed_role_user* user = nullptr);

/// An assume-role profile's settings (role_arn with source_profile or credential_source).
struct assume_role_config {
  std::string role_arn;          ///< role_arn
  std::string session_name;      ///< role_session_name; default urlmint-<unix time>
  std::string external_id;       ///< external_id (optional)
  std::string duration_seconds;  ///< duration_seconds (optional, 900..43200)
  std::string mfa_serial;        ///< mfa_serial: sent as SerialNumber (optional)
  std::string mfa_code;          ///< the code the user typed: sent as TokenCode with mfa_serial
  std::string sts_endpoint;      ///< e.g. "https://sts.us-east-1.amazonaws.com" (AWS_ENDPOINT_URL_STS overrides)
  std::string region;            ///< the region STS requests are signed for
};

/// The SigV4-signed STS AssumeRole call made with `source` credentials (a POST form).
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
URLMINT_DECL http_request assume_role_request(const assume_role_config& cfg, const credentials& source, time_point now);

/// Assumes `cfg.role_arn` with `source` credentials through `http`. Throws errc::service with
/// STS's code and message, errc::transport when STS cannot be reached.
URLMINT_DECL credentials assume_role(const assume_role_config& cfg, const credentials& source, const transport& http,
                               time_point now, const std::string& where, assumed_role_user* user = nullptr);

/// Where ECS / EKS Pod Identity container credentials come from.
struct container_config {
  std::string url;                          ///< full URL of the credentials endpoint
  std::optional<std::string> token;         ///< AWS_CONTAINER_AUTHORIZATION_TOKEN, sent as Authorization
  std::optional<std::string> token_file;    ///< AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read per call; wins)
};

/// The ECS task-role endpoint host that AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to.
inline constexpr std::string_view ecs_host = "http://169.254.170.2";

/// The container configuration from the environment, or nullopt when neither
/// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set.
/// A full URI must be https, or http to a loopback address or an ECS/EKS link-local host
/// (the AWS CLI's rule); anything else throws errc::invalid_argument.
URLMINT_DECL std::optional<container_config> container_from_environment(const environment& env = process_environment);

/// Fetches container credentials. Throws naming the endpoint (errc::io for an unreadable token
/// file, errc::transport when unreachable, errc::service for an error status).
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
URLMINT_DECL credentials fetch_container_credentials(const container_config& cfg, const transport& http, time_point now);

/// Where EC2 instance metadata lives.
struct imds_config {
  std::string endpoint = "http://169.254.169.254";  ///< AWS_EC2_METADATA_SERVICE_ENDPOINT overrides
  bool v1_disabled = false;                         ///< AWS_EC2_METADATA_V1_DISABLED: never fall back to tokenless calls
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds total_timeout{2000};
};

/// The IMDS configuration from the environment, or nullopt when AWS_EC2_METADATA_DISABLED=true.
/// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 selects http://[fd00:ec2::254].
URLMINT_DECL std::optional<imds_config> imds_from_environment(const environment& env = process_environment);

/// The IMDSv2 session-token request: PUT /latest/api/token with a 6-hour TTL header.
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
URLMINT_DECL http_request imds_token_request(const imds_config& cfg);

/// A GET of `path` under the metadata endpoint, with the session token when there is one.
URLMINT_DECL http_request imds_get_request(const imds_config& cfg, std::string_view path, std::string_view token);

/// Fetches the instance role's credentials with IMDSv2: a session token first, then the role
/// name and its credentials with that token. Falls back to tokenless calls (IMDSv1) only when
/// the token request is refused with 403, 404 or 405, as the AWS CLI does. Throws naming the
/// endpoint: errc::transport when it cannot be reached, errc::service for an error status or
/// no role attached, errc::invalid_credentials for a bad document.
URLMINT_DECL credentials fetch_imds_credentials(const imds_config& cfg, const transport& http, time_point now);

/// Runs `command` with `run` and parses its stdout as credential_process JSON. Throws naming
/// the profile and file: errc::io when it exits non-zero, errc::invalid_credentials for bad output.
URLMINT_DECL credentials run_credential_process(const std::string& command, const process_runner& run,
                                          const std::string& source, time_point now);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/credential_sources.ipp"
#endif

#endif  // URLMINT_CREDENTIAL_SOURCES_HPP
