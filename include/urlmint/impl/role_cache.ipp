#ifndef URLMINT_IMPL_ROLE_CACHE_IPP
#define URLMINT_IMPL_ROLE_CACHE_IPP

// Definitions for role_cache.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../role_cache.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::string role_cache_key(const role_cache_args& a) {
  std::vector<std::pair<std::string, std::string>> m;  // in sorted key order
  if (a.duration_seconds) m.emplace_back("DurationSeconds", std::to_string(*a.duration_seconds));
  if (a.external_id) m.emplace_back("ExternalId", python_json_string(*a.external_id));
  m.emplace_back("RoleArn", python_json_string(a.role_arn));
  if (a.session_name) m.emplace_back("RoleSessionName", python_json_string(*a.session_name));
  if (a.serial_number) m.emplace_back("SerialNumber", python_json_string(*a.serial_number));
  return sha1_hex(json_dumps_object(m));
}

URLMINT_DECL std::string role_cache_directory(const environment& env) {
  return detail::expand_home("~/.aws/cli/cache", env);
}

URLMINT_DECL std::optional<credentials> read_role_cache(const std::string& dir, const std::string& key, time_point now) {
  const std::optional<json_object> doc = read_json_cache_file(dir + "/" + key + ".json");
  if (!doc) return std::nullopt;
  const std::optional<json_object> c = json_object_member(*doc, "Credentials");
  if (!c) return std::nullopt;
  auto id = json_string_member(*c, "AccessKeyId"), secret = json_string_member(*c, "SecretAccessKey");
  auto token = json_string_member(*c, "SessionToken");
  const auto expiration = parse_iso8601(json_string_member(*c, "Expiration").value_or(""));
  std::optional<credentials> out;
  if (id && secret && token && expiration && !id->empty() && !secret->empty() &&
      *expiration - now > std::chrono::minutes(15)) {
    out = credentials(*id, *secret, *token);
    out->expiration = expiration;
    try {
      validate(*out);
    } catch (const error&) {
      out.reset();
    }
  }
  if (secret) detail::wipe(*secret);
  if (token) detail::wipe(*token);
  return out;
}

URLMINT_DECL std::string role_cache_json(const credentials& c, const assumed_role_user& user) {
  std::string account;
  if (user.arn.rfind("arn:", 0) == 0) {  // arn:PARTITION:sts::ACCOUNT:assumed-role/...
    std::size_t field = 0, start = 0;
    for (std::size_t i = 0; i <= user.arn.size() && field < 5; ++i)
      if (i == user.arn.size() || user.arn[i] == ':') {
        if (field == 4) account = user.arn.substr(start, i - start);
        ++field;
        start = i + 1;
      }
  }
  std::string expiration = c.expiration ? format_iso8601(*c.expiration) : std::string();
  if (!expiration.empty()) expiration = expiration.substr(0, expiration.size() - 1) + "UTC";
  std::vector<std::pair<std::string, std::string>> creds = {
      {"AccessKeyId", python_json_string(c.access_key_id)},
      {"SecretAccessKey", python_json_string(c.secret_access_key.reveal())},
      {"SessionToken", python_json_string(c.session_token.reveal())},
      {"Expiration", python_json_string(expiration)}};
  if (!account.empty()) creds.emplace_back("AccountId", python_json_string(account));
  std::vector<std::pair<std::string, std::string>> doc;
  doc.emplace_back("Credentials", json_dumps_object(creds));
  if (!user.arn.empty())
    doc.emplace_back("AssumedRoleUser", json_dumps_object({{"AssumedRoleId", python_json_string(user.id)},
                                                           {"Arn", python_json_string(user.arn)}}));
  std::string out = json_dumps_object(doc);
  for (auto& m : creds) detail::wipe(m.second);
  for (auto& m : doc) detail::wipe(m.second);
  return out;
}

URLMINT_DECL bool write_role_cache(const std::string& dir, const std::string& key, const credentials& c,
                             const assumed_role_user& user) noexcept {
  try {
    std::string text = role_cache_json(c, user);
    write_cache_file_atomically(dir, key + ".json", text, "role credential cache");
    detail::wipe(text);
    return true;
  } catch (...) {
    return false;
  }
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_ROLE_CACHE_IPP
