#ifndef URLMINT_IMPL_AWS_LOGIN_IPP
#define URLMINT_IMPL_AWS_LOGIN_IPP

// Definitions for aws_login.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include <openssl/rand.h>         // RAND_bytes: the proof's jti
#include "../aws_login.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::string login_cache_directory(const environment& env) {
  return detail::expand_home(env("AWS_LOGIN_CACHE_DIRECTORY").value_or("~/.aws/login/cache"), env);
}

URLMINT_DECL std::string login_cache_key(std::string_view session_name) { return sha256_hex(session_name); }

URLMINT_DECL std::string signin_endpoint(std::string_view region) {
  const std::string r(region);
  if (r.rfind("cn-", 0) == 0) return "https://" + r + ".signin.amazonaws.cn";
  if (r.rfind("us-gov-", 0) == 0) return "https://" + r + ".signin.amazonaws-us-gov.com";
  return "https://" + r + ".signin.aws.amazon.com";
}
namespace detail {

URLMINT_DECL std::string base64url(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

URLMINT_DECL std::string random_uuid4() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw error(errc::crypto, "aws login: RAND_bytes failed: " + urlmint::detail::openssl_errors());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  const std::string hex = hex_encode(b, sizeof b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

URLMINT_DECL std::string bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
    throw error(errc::key, "aws login: the DPoP key has no public point; run: aws login");
  unsigned char out[32];
  const int n = BN_bn2binpad(bn, out, sizeof out);
  BN_free(bn);
  if (n != 32) throw error(errc::key, "aws login: the DPoP key is not on P-256; run: aws login");
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}
}  // namespace detail

URLMINT_DECL std::string dpop_proof(const cloudfront::private_key& key, std::string_view url, time_point now,
                              const std::string& jti) {
  const std::string jwk = "{\"kty\":\"EC\",\"x\":\"" + detail::base64url(detail::bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X)) +
                          "\",\"y\":\"" + detail::base64url(detail::bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y)) +
                          "\",\"crv\":\"P-256\"}";
  const std::string header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk + "}";
  const std::string payload = "{\"htm\":\"POST\",\"htu\":" + python_json_string(url) +
                              ",\"iat\":" + std::to_string(to_unix_seconds(now)) + ",\"jti\":" + python_json_string(jti) + "}";
  const std::string signing_input = detail::base64url(header) + "." + detail::base64url(payload);
  const std::string der = cloudfront::sign_message(key, signing_input, cloudfront::hash_algorithm::sha256);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) throw error(errc::crypto, "aws login: the DPoP signature is not DER: " + urlmint::detail::openssl_errors());
  unsigned char rs[64];
  const bool ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) == 32;
  ECDSA_SIG_free(sig);
  if (!ok) throw error(errc::crypto, "aws login: the DPoP signature does not fit P-256");
  return signing_input + "." + detail::base64url(std::string_view(reinterpret_cast<const char*>(rs), sizeof rs));
}

URLMINT_DECL http_request login_refresh_request(const std::string& endpoint, std::string_view client_id,
                                          std::string_view refresh_token, const std::string& dpop) {
  http_request r;
  r.method = "POST";
  r.url = detail::trim_slashes(endpoint) + "/v1/token";
  r.headers.push_back({"Content-Type", "application/json"});
  r.headers.push_back({"DPoP", dpop});
  r.body = "{\"clientId\":" + python_json_string(client_id) + ",\"grantType\":\"refresh_token\",\"refreshToken\":" +
           python_json_string(refresh_token) + "}";
  r.connect_timeout = std::chrono::milliseconds(5000);
  r.total_timeout = std::chrono::milliseconds(30000);
  return r;
}
namespace detail {

URLMINT_DECL std::string json_value_text(const json_member& m) {
  return m.type == json_member::kind::string ? python_json_string(m.text.reveal())
         : m.type == json_member::kind::null ? std::string("null")
                                             : std::string(m.text.reveal());
}

URLMINT_DECL credentials login_credentials_of(const json_object& access, const std::string& source) {
  const auto field = [&](const char* name) {
    auto v = json_string_member(access, name);
    if (!v || v->empty()) throw error(errc::invalid_credentials, source + ": the cached accessToken has no " + name);
    return std::move(*v);
  };
  std::string secret = field("secretAccessKey"), token = field("sessionToken");
  credentials c(field("accessKeyId"), secret, token);
  wipe(secret);
  wipe(token);
  c.expiration = parse_iso8601(field("expiresAt"));
  if (!c.expiration) throw error(errc::invalid_credentials, source + ": the cached expiresAt is not an ISO 8601 time");
  return c;
}
}  // namespace detail

URLMINT_DECL credentials fetch_login_credentials(const login_config& c, const std::string& endpoint, const environment& env,
                                           const transport& http, time_point now) {
  const std::string source = "profile '" + c.profile_name + "' (aws login session " + c.session_name + ")";
  const std::string again = "; run: aws login --profile " + c.profile_name;
  const std::string dir = login_cache_directory(env), file = login_cache_key(c.session_name) + ".json";
  std::optional<json_object> token = read_json_cache_file(dir + "/" + file);
  if (!token)
    throw error(errc::invalid_credentials, "the login session for profile '" + c.profile_name + "' has no usable token in " +
                                               dir + "/" + file + again);
  std::string missing;
  for (const char* key : {"accessToken", "refreshToken", "dpopKey", "clientId"})
    if (token->find(key) == token->end()) missing += (missing.empty() ? "" : ", ") + std::string(key);
  const std::optional<json_object> access = json_object_member(*token, "accessToken");
  if (!missing.empty() || !access)
    throw error(errc::invalid_credentials, source + ": the cached token in " + dir + "/" + file + " lacks " +
                                               (missing.empty() ? std::string("accessToken") : missing) + again);
  credentials cached = detail::login_credentials_of(*access, source);
  if (*cached.expiration - now > std::chrono::minutes(5)) return cached;

  if (!http)
    throw error(errc::not_supported, source + ": needs an HTTP transport; include <urlmint/providers_curl.hpp> and "
                                              "set chain_options.http = providers::curl_transport()");
  std::optional<cloudfront::private_key> key;
  try {
    key = cloudfront::private_key::from_pem(json_string_member(*token, "dpopKey").value_or(""));
  } catch (const error&) {
    throw error(errc::key, source + ": the cached dpopKey is not a P-256 private key" + again);
  }
  if (key->type() != cloudfront::key_type::ecdsa_p256)
    throw error(errc::key, source + ": the cached dpopKey is not a P-256 private key" + again);
  const std::string url = detail::trim_slashes(endpoint) + "/v1/token";
  http_request req = login_refresh_request(endpoint, json_string_member(*token, "clientId").value_or(""),
                                           json_string_member(*token, "refreshToken").value_or(""),
                                           dpop_proof(*key, url, now, detail::random_uuid4()));
  http_response resp;
  try {
    resp = http(req);
  } catch (const error& e) {
    detail::wipe(req.body);
    throw error(errc::transport, source + ": AWS Sign-In (" + endpoint + ") is unreachable: " + e.what());
  }
  detail::wipe(req.body);
  std::optional<json_object> answer;
  try {
    answer = parse_json_object(resp.body, source);
  } catch (const error&) {
    answer.reset();
  }
  detail::wipe(resp.body);
  if (resp.status != 200) {
    const std::string kind = answer ? json_string_member(*answer, "error").value_or("") : "";
    if (kind == "TOKEN_EXPIRED" || kind == "USER_CREDENTIALS_CHANGED")
      throw error(errc::invalid_credentials, "the login session for profile '" + c.profile_name + "' has expired" + again);
    if (kind == "INSUFFICIENT_PERMISSIONS")
      throw error(errc::service, source + ": refreshing needs permission for signin:CreateOAuth2Token");
    throw error(errc::service, source + ": AWS Sign-In refused the refresh (HTTP " + std::to_string(resp.status) +
                                   (kind.empty() ? "" : ", " + kind) + ")" + again);
  }
  const std::optional<json_object> fresh = answer ? json_object_member(*answer, "accessToken") : std::nullopt;
  const auto seconds = answer ? answer->find("expiresIn") : json_object::const_iterator();
  const std::string digits = answer && seconds != answer->end() ? std::string(seconds->second.text.reveal()) : "";
  const auto refresh = answer ? json_string_member(*answer, "refreshToken") : std::nullopt;
  if (!fresh || !refresh || digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
    throw error(errc::service, source + ": AWS Sign-In's answer is not a token; run 'aws login' again");
  const std::string expires_at = format_iso8601(now + std::chrono::seconds(std::stoll(digits)));

  // botocore: token.update({"accessToken": {...}, "refreshToken": ...}), then json.dumps.
  std::vector<std::pair<std::size_t, std::pair<std::string, std::string>>> members;
  for (const auto& m : *token) {
    std::string text;
    if (m.first == "accessToken") {
      std::vector<std::pair<std::string, std::string>> a;
      for (const char* k : {"accessKeyId", "secretAccessKey", "sessionToken"})
        a.emplace_back(k, python_json_string(json_string_member(*fresh, k).value_or("")));
      a.emplace_back("accountId", python_json_string(json_string_member(*access, "accountId").value_or("")));
      a.emplace_back("expiresAt", python_json_string(expires_at));
      text = json_dumps_object(a);
      for (auto& x : a) detail::wipe(x.second);
    } else if (m.first == "refreshToken") {
      text = python_json_string(*refresh);
    } else {
      text = detail::json_value_text(m.second);
    }
    members.push_back({m.second.order, {m.first, std::move(text)}});
  }
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> ordered;
  for (auto& m : members) ordered.push_back(std::move(m.second));
  std::string text = json_dumps_object(ordered);
  for (auto& m : ordered) detail::wipe(m.second);
  write_cache_file_atomically(dir, file, text, "aws login token cache");
  const json_object saved = parse_json_object(text, source);
  detail::wipe(text);
  credentials out = detail::login_credentials_of(*json_object_member(saved, "accessToken"), source);
  detail::check_fresh(out, now, source);
  return out;
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_AWS_LOGIN_IPP
