#ifndef URLMINT_IMPL_SSO_IPP
#define URLMINT_IMPL_SSO_IPP

// Definitions for sso.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../sso.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::optional<sso_config> sso_settings(const shared_files& files, const profile& prof) {
  if (!prof.get("sso_role_name") && !prof.get("sso_account_id")) return std::nullopt;
  const std::string where = "profile '" + prof.name + "'";
  std::vector<std::pair<std::string, std::string>> merged;
  for (const auto& s : prof.settings) merged.emplace_back(s.first, std::string(s.second.text.reveal()));
  const auto get = [&](const std::string& key) -> std::optional<std::string> {
    for (const auto& m : merged)
      if (m.first == key) return m.second;
    return std::nullopt;
  };
  sso_config c;
  c.profile_name = prof.name;
  if (auto session = get("sso_session")) {
    const ini_section* section =
        files.config_file ? named_section(*files.config_file, "sso-session", *session) : nullptr;
    if (section == nullptr)
      throw error(errc::invalid_argument, where + " has sso_session = " + *session + " but " + files.config_path +
                                              " has no [sso-session " + *session + "] section; run: aws configure sso");
    for (const auto& e : section->entries) {
      const std::string value(e.second.reveal());
      if (auto mine = get(e.first); mine && *mine != value)
        throw error(errc::invalid_argument, where + ": " + e.first + " differs between the profile (" + *mine +
                                                ") and [sso-session " + *session + "] (" + value + "); keep one");
      if (!get(e.first)) merged.emplace_back(e.first, value);
    }
    c.session_name = *session;
  }
  std::string missing;
  for (const char* key : {"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"})
    if (!get(key) || get(key)->empty()) missing += (missing.empty() ? "" : ", ") + std::string(key);
  if (!missing.empty())
    throw error(errc::invalid_argument, where + " is configured for SSO but is missing " + missing +
                                            "; run: aws configure sso --profile " + prof.name);
  c.start_url = *get("sso_start_url");
  c.region = *get("sso_region");
  c.account_id = *get("sso_account_id");
  c.role_name = *get("sso_role_name");
  return c;
}

URLMINT_DECL std::string sso_cache_directory(const environment& env) {
  return detail::expand_home("~/.aws/sso/cache", env);
}

URLMINT_DECL std::string sso_cache_key(const sso_config& c) {
  return sha1_hex(c.session_name.empty() ? c.start_url : c.session_name);
}

URLMINT_DECL std::string sso_portal_endpoint(std::string_view region) {
  const std::string r(region);
  return "https://portal.sso." + r + (r.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com");
}

URLMINT_DECL std::string sso_oidc_endpoint(std::string_view region) {
  const std::string r(region);
  return "https://oidc." + r + (r.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com");
}

URLMINT_DECL http_request sso_role_credentials_request(const std::string& portal, const sso_config& c,
                                                 std::string_view access_token) {
  http_request r;
  r.url = detail::trim_slashes(portal) + "/federation/credentials?role_name=" + uri_encode(c.role_name) +
          "&account_id=" + uri_encode(c.account_id);
  r.headers.push_back({"x-amz-sso_bearer_token", std::string(access_token)});
  r.headers.push_back({"Accept", "application/json"});
  r.connect_timeout = std::chrono::milliseconds(5000);
  r.total_timeout = std::chrono::milliseconds(30000);
  return r;
}

URLMINT_DECL http_request sso_create_token_request(const std::string& oidc, std::string_view client_id,
                                             std::string_view client_secret, std::string_view refresh_token) {
  http_request r;
  r.method = "POST";
  r.url = detail::trim_slashes(oidc) + "/token";
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = "{\"clientId\":" + python_json_string(client_id) + ",\"clientSecret\":" + python_json_string(client_secret) +
           ",\"grantType\":\"refresh_token\",\"refreshToken\":" + python_json_string(refresh_token) + "}";
  r.connect_timeout = std::chrono::milliseconds(5000);
  r.total_timeout = std::chrono::milliseconds(30000);
  return r;
}
namespace detail {

URLMINT_DECL error sso_expired(const sso_config& c) {
  return error(errc::invalid_credentials, "the SSO session for profile '" + c.profile_name +
                                              "' has expired; run: aws sso login --profile " + c.profile_name);
}

URLMINT_DECL std::string json_message(std::string_view body) {
  try {
    const json_object doc = parse_json_object(body, "SSO");
    for (const char* name : {"message", "Message", "error_description"})
      if (auto m = json_string_member(doc, name)) return m->substr(0, 200);
  } catch (const error&) {
  }
  return {};
}

URLMINT_DECL std::string sso_token_json(const sso_config& c, const json_object& old, const json_object& answer,
                                  time_point expires_at) {
  std::vector<std::pair<std::string, std::string>> m;
  m.emplace_back("startUrl", python_json_string(c.start_url));
  m.emplace_back("region", python_json_string(c.region));
  m.emplace_back("accessToken", python_json_string(json_string_member(answer, "accessToken").value_or("")));
  m.emplace_back("expiresAt", python_json_string(format_iso8601(expires_at)));
  for (const char* key : {"clientId", "clientSecret", "registrationExpiresAt"})
    m.emplace_back(key, python_json_string(json_string_member(old, key).value_or("")));
  if (auto r = json_string_member(answer, "refreshToken")) m.emplace_back("refreshToken", python_json_string(*r));
  std::string out = json_dumps_object(m);
  for (auto& member : m) wipe(member.second);
  return out;
}
}  // namespace detail

URLMINT_DECL secret_string sso_access_token(const sso_config& c, const std::string& oidc, const environment& env,
                                      const transport& http, time_point now) {
  const std::string dir = sso_cache_directory(env);
  const std::string file = sso_cache_key(c) + ".json";
  std::optional<json_object> token = read_json_cache_file(dir + "/" + file);
  const auto expires = [](const json_object& t) {
    return parse_iso8601(json_string_member(t, "expiresAt").value_or("")).value_or(time_point::min());
  };
  if (!token || !json_string_member(*token, "accessToken") || !json_string_member(*token, "expiresAt"))
    throw error(errc::invalid_credentials, "the SSO session for profile '" + c.profile_name + "' has no usable token in " +
                                               dir + "/" + file + "; run: aws sso login --profile " + c.profile_name);
  time_point expires_at = expires(*token);
  if (!c.session_name.empty() && expires_at - now < std::chrono::minutes(15)) {
    const auto id = json_string_member(*token, "clientId"), client_secret = json_string_member(*token, "clientSecret");
    const auto refresh = json_string_member(*token, "refreshToken");
    const auto registration = parse_iso8601(json_string_member(*token, "registrationExpiresAt").value_or(""));
    if (id && client_secret && refresh && registration && *registration > now && http) {
      http_request req = sso_create_token_request(oidc, *id, *client_secret, *refresh);
      std::optional<http_response> resp;
      try {
        resp = http(req);
      } catch (const error& e) {
        detail::wipe(req.body);
        if (expires_at <= now)
          throw error(errc::transport, "profile '" + c.profile_name + "': SSO-OIDC (" + oidc +
                                           ") unreachable while refreshing the expired SSO token: " + e.what());
      }
      detail::wipe(req.body);
      if (resp && resp->status == 200) {
        std::optional<json_object> answer;
        try {
          answer = parse_json_object(resp->body, "SSO-OIDC CreateToken");
        } catch (const error&) {
          answer.reset();
        }
        const auto seconds = answer ? answer->find("expiresIn") : json_object::const_iterator();
        const std::string digits = answer && seconds != answer->end() ? std::string(seconds->second.text.reveal()) : "";
        if (answer && !digits.empty() && seconds->second.type == json_member::kind::number &&
            json_string_member(*answer, "accessToken") && digits.size() < 10 && digits.find_first_not_of("0123456789") == std::string::npos) {
          const time_point new_expiry = now + std::chrono::seconds(std::stoll(digits));
          std::string text = detail::sso_token_json(c, *token, *answer, new_expiry);
          write_cache_file_atomically(dir, file, text, "SSO token cache");
          token = parse_json_object(text, "SSO token cache");
          detail::wipe(text);
          expires_at = new_expiry;
        }
      }
      if (resp) detail::wipe(resp->body);
    }
  }
  if (expires_at <= now) throw detail::sso_expired(c);
  return secret_string(json_string_member(*token, "accessToken").value_or(""));
}

URLMINT_DECL credentials fetch_sso_credentials(const sso_config& c, const std::string& portal, const std::string& oidc,
                                         const environment& env, const transport& http, time_point now) {
  const std::string source = "profile '" + c.profile_name + "' (SSO role " + c.role_name + " in account " + c.account_id + ")";
  if (!http)
    throw error(errc::not_supported, source + ": needs an HTTP transport; include <urlmint/providers_curl.hpp> and "
                                              "set chain_options.http = providers::curl_transport()");
  secret_string access_token = sso_access_token(c, oidc, env, http, now);
  http_request req = sso_role_credentials_request(portal, c, access_token.reveal());
  http_response resp;
  try {
    resp = http(req);
  } catch (const error& e) {
    for (auto& h : req.headers) detail::wipe(h.value);
    throw error(errc::transport, source + ": the SSO portal (" + portal + ") is unreachable: " + e.what());
  }
  for (auto& h : req.headers) detail::wipe(h.value);
  if (resp.status == 401) throw detail::sso_expired(c);
  if (resp.status != 200) {
    const std::string message = detail::json_message(resp.body);
    detail::wipe(resp.body);
    throw error(errc::service, source + ": the SSO portal refused it (HTTP " + std::to_string(resp.status) +
                                   (message.empty() ? "" : ": " + message) +
                                   "); check sso_account_id and sso_role_name, or run: aws sso login --profile " +
                                   c.profile_name);
  }
  const json_object doc = parse_json_object(resp.body, source);
  detail::wipe(resp.body);
  const std::optional<json_object> role = json_object_member(doc, "roleCredentials");
  if (!role) throw error(errc::invalid_credentials, source + ": the portal's answer has no roleCredentials");
  const auto field = [&](const char* name) {
    auto v = json_string_member(*role, name);
    if (!v || v->empty()) throw error(errc::invalid_credentials, source + ": the portal's roleCredentials has no " + name);
    return std::move(*v);
  };
  std::string secret = field("secretAccessKey"), token = field("sessionToken");
  credentials out(field("accessKeyId"), secret, token);
  detail::wipe(secret);
  detail::wipe(token);
  const auto ms = role->find("expiration");
  if (ms == role->end() || ms->second.type != json_member::kind::number)
    throw error(errc::invalid_credentials, source + ": the portal's roleCredentials has no expiration");
  const std::string digits(ms->second.text.reveal());
  if (digits.empty() || digits.size() > 15 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw error(errc::invalid_credentials, source + ": the portal's expiration is not a millisecond time");
  out.expiration = from_unix_seconds(std::stoll(digits) / 1000);
  detail::check_fresh(out, now, source);
  return out;
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_SSO_IPP
