#ifndef URLMINT_ROLE_CACHE_HPP
#define URLMINT_ROLE_CACHE_HPP

// The AWS CLI's cache of assumed-role credentials, ~/.aws/cli/cache/<key>.json, shared with the
// AWS CLI: the key is botocore's (BaseAssumeRoleCredentialFetcher._create_cache_key: SHA-1 hex
// of json.dumps(the AssumeRole arguments, sort_keys=True)), the layout that of botocore's
// JSONFileCache (the STS response: {"Credentials": {...}, "AssumedRoleUser": {...}}), files
// written atomically with mode 0600. Cached credentials are used while more than 15 minutes
// remain (CachedCredentialFetcher's expiry window). A corrupt or foreign file is a miss.
// Libcrypto only.

#include <chrono>    // std::chrono::minutes
#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <utility>   // std::move, std::pair
#include <vector>

#include "cache_files.hpp"
#include "config.hpp"
#include "credential_sources.hpp"
#include "credentials.hpp"
#include "time.hpp"

namespace urlmint {
namespace providers {

/// The AssumeRole / AssumeRoleWithWebIdentity arguments botocore hashes into the cache key.
/// Absent members are left out; RoleSessionName only when the profile sets one (a generated
/// default name is not part of the key).
struct role_cache_args {
  std::string role_arn;                       ///< RoleArn
  std::optional<std::string> session_name;    ///< RoleSessionName (role_session_name)
  std::optional<std::string> external_id;     ///< ExternalId
  std::optional<std::string> serial_number;   ///< SerialNumber (mfa_serial)
  std::optional<long long> duration_seconds;  ///< DurationSeconds, an integer
};

/// The cache file name without ".json": SHA-1 hex of
/// json.dumps({"DurationSeconds": 900, "ExternalId": ..., "RoleArn": ..., ...}, sort_keys=True).
URLMINT_DECL std::string role_cache_key(const role_cache_args& a);

/// ~/.aws/cli/cache, where the AWS CLI caches assumed-role credentials.
URLMINT_DECL std::string role_cache_directory(const environment& env = process_environment);

/// Cached credentials for `key` in `dir` that are still good for more than 15 minutes at `now`,
/// or nullopt (missing, corrupt, foreign or nearly expired: never an error).
URLMINT_DECL std::optional<credentials> read_role_cache(const std::string& dir, const std::string& key, time_point now);

/// The cache file's JSON for `c`, as botocore's JSONFileCache writes an STS response: the
/// Expiration as strftime('%Y-%m-%dT%H:%M:%S%Z') of a UTC time ("...UTC"), AccountId taken from
/// the assumed role's ARN.
URLMINT_DECL std::string role_cache_json(const credentials& c, const assumed_role_user& user);

/// Writes `c` to `dir`/`key`.json (atomically, 0600). Returns false instead of throwing when it
/// cannot: a cache that cannot be written only costs an STS call next time.
URLMINT_DECL bool write_role_cache(const std::string& dir, const std::string& key, const credentials& c,
                             const assumed_role_user& user) noexcept;

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/role_cache.ipp"
#endif

#endif  // URLMINT_ROLE_CACHE_HPP
