#ifndef URLMINT_IMPL_CREDENTIAL_SOURCES_IPP
#define URLMINT_IMPL_CREDENTIAL_SOURCES_IPP

// Definitions for credential_sources.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../credential_sources.hpp"

namespace urlmint {
namespace providers {

URLMINT_DECL std::optional<std::string> process_environment(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}
namespace detail {

URLMINT_DECL std::optional<std::string> read_text_file(const std::string& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (S_ISDIR(st.st_mode)) throw error(errc::io, std::string(what) + " " + path + " is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io, std::string(what) + " " + path + " exists but cannot be read; check its permissions");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw error(errc::io, std::string(what) + " " + path + " cannot be read");
  return ss.str();
}

URLMINT_DECL std::string expand_home(const std::string& path, const environment& env) {
  if (path.size() >= 1 && path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
    if (auto home = env("HOME")) return *home + path.substr(1);
  }
  return path;
}

URLMINT_DECL bool env_true(const environment& env, const std::string& name) {
  const auto v = env(name);
  return v && sigv4::lowercase(*v) == "true";
}
}  // namespace detail

URLMINT_DECL shared_files load_shared_files(const environment& env) {
  shared_files f;
  const auto home = env("HOME");
  const std::string aws_dir = home ? *home + "/.aws/" : std::string("~/.aws/");
  f.credentials_path = detail::expand_home(env("AWS_SHARED_CREDENTIALS_FILE").value_or(aws_dir + "credentials"), env);
  f.config_path = detail::expand_home(env("AWS_CONFIG_FILE").value_or(aws_dir + "config"), env);
  if (auto text = detail::read_text_file(f.credentials_path, "shared credentials file")) {
    f.credentials_file = parse_ini(*text, f.credentials_path);
    detail::wipe(*text);
  }
  if (auto text = detail::read_text_file(f.config_path, "config file")) {
    f.config_file = parse_ini(*text, f.config_path);
    detail::wipe(*text);
  }
  return f;
}

URLMINT_DECL std::string profile_name(const std::optional<std::string>& explicit_profile,
                                const environment& env) {
  if (explicit_profile && !explicit_profile->empty()) return *explicit_profile;
  if (auto p = env("AWS_PROFILE")) return *p;
  if (auto p = env("AWS_DEFAULT_PROFILE")) return *p;
  return "default";
}

URLMINT_DECL const ini_section* named_section(const ini_document& config, std::string_view kind, std::string_view name) {
  for (const auto& s : config.sections) {
    std::string_view n = s.name;
    if (n.substr(0, kind.size()) != kind) continue;
    n.remove_prefix(kind.size());
    if (n.empty() || (n.front() != ' ' && n.front() != '\t')) continue;
    while (!n.empty() && (n.front() == ' ' || n.front() == '\t')) n.remove_prefix(1);
    if (n.size() >= 2 && (n.front() == '"' || n.front() == '\'') && n.back() == n.front()) n = n.substr(1, n.size() - 2);
    if (n == name) return &s;
  }
  return nullptr;
}

URLMINT_DECL const ini_section* config_section(const ini_document& config, std::string_view name) {
  if (name == "default")
    if (const ini_section* s = config.find("default")) return s;
  return named_section(config, "profile", name);
}

URLMINT_DECL std::optional<profile> find_profile(const shared_files& files, const std::string& name) {
  profile p;
  p.name = name;
  if (files.config_file) {
    if (const ini_section* s = config_section(*files.config_file, name)) {
      p.found_in.push_back(files.config_path);
      for (const auto& e : s->entries) p.settings[e.first] = profile::value{e.second, files.config_path};
    }
  }
  if (files.credentials_file) {
    if (const ini_section* s = files.credentials_file->find(name)) {
      p.found_in.push_back(files.credentials_path);
      for (const auto& e : s->entries) p.settings[e.first] = profile::value{e.second, files.credentials_path};
    }
  }
  if (p.found_in.empty()) return std::nullopt;
  return p;
}

URLMINT_DECL std::string resolve_region(const std::optional<std::string>& flag,
                                  const std::optional<std::string>& explicit_profile,
                                  const environment& env) {
  if (flag && !flag->empty()) return *flag;
  if (auto r = env("AWS_REGION")) return *r;
  if (auto r = env("AWS_DEFAULT_REGION")) return *r;
  const shared_files files = load_shared_files(env);
  if (files.config_file) {
    if (const ini_section* s = config_section(*files.config_file, profile_name(explicit_profile, env)))
      if (const secret_string* r = s->find("region"))
        if (!r->empty()) return std::string(r->reveal());
  }
  return "us-east-1";
}

URLMINT_DECL std::optional<credentials> from_environment(const environment& env) {
  const auto id = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  auto token = env("AWS_SESSION_TOKEN");
  if (!id && !secret) return std::nullopt;
  if (!id)
    throw error(errc::invalid_credentials,
                "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both");
  if (!secret)
    throw error(errc::invalid_credentials,
                "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both");
  credentials c(*id, *secret, token.value_or(""));
  detail::wipe(*secret);
  if (token) detail::wipe(*token);
  if (auto exp = env("AWS_CREDENTIAL_EXPIRATION")) {
    c.expiration = parse_iso8601(*exp);
    if (!c.expiration)
      throw error(errc::invalid_credentials, "environment: AWS_CREDENTIAL_EXPIRATION \"" + exp->substr(0, 40) +
                                                 "\" is not an ISO 8601 time like 2026-01-01T00:00:00Z");
  }
  validate(c);
  return c;
}
namespace detail {

URLMINT_DECL void check_fresh(const credentials& c, time_point now, const std::string& source) {
  validate(c);
  if (c.expiration && *c.expiration <= now)
    throw error(errc::invalid_credentials, source + ": credentials expired at " + format_iso8601(*c.expiration) +
                                               " (now " + format_iso8601(now) + "); refresh the source or check the clock");
}

URLMINT_DECL std::string url_host(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return {};
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    return sigv4::lowercase(rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  return sigv4::lowercase(rest.substr(0, rest.find(':')));
}

URLMINT_DECL std::string url_scheme(std::string_view url) {
  const auto sep = url.find("://");
  return sep == std::string_view::npos ? std::string() : sigv4::lowercase(url.substr(0, sep));
}

URLMINT_DECL bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  return host.substr(0, 4) == "127." && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

URLMINT_DECL std::string trim_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

URLMINT_DECL void read_assumed_role_user(std::string_view xml, assumed_role_user* user) {
  if (user == nullptr) return;
  user->arn = xml_element(xml, "Arn").value_or("");
  user->id = xml_element(xml, "AssumedRoleId").value_or("");
}
}  // namespace detail

URLMINT_DECL http_request web_identity_request(const web_identity_config& cfg, std::string_view token) {
  http_request r;
  r.method = "POST";
  r.url = cfg.sts_endpoint + "/";
  r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  r.headers.push_back({"Accept", "application/xml"});
  r.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + uri_encode(cfg.role_arn) +
           "&RoleSessionName=" + uri_encode(cfg.session_name) + "&WebIdentityToken=" + uri_encode(token);
  r.connect_timeout = std::chrono::milliseconds(5000);
  r.total_timeout = std::chrono::milliseconds(30000);
  return r;
}

URLMINT_DECL credentials assume_role_with_web_identity(const web_identity_config& cfg, const transport& http,
                                                 time_point now, assumed_role_user* user) {
  const std::string source = "web identity (role " + cfg.role_arn + ", token file " + cfg.token_file + ")";
  if (cfg.role_arn.empty())
    throw error(errc::invalid_credentials,
                "web identity: token file " + cfg.token_file + " is set but no role ARN; set AWS_ROLE_ARN or role_arn");
  std::optional<std::string> token;
  try {
    token = detail::read_text_file(cfg.token_file, "web identity token file");
  } catch (const error&) {
    token.reset();
  }
  if (!token || token->empty())
    throw error(errc::io, source + ": cannot read the token file (missing, empty or unreadable); check "
                                   "AWS_WEB_IDENTITY_TOKEN_FILE");
  while (!token->empty() && (token->back() == '\n' || token->back() == '\r' || token->back() == ' ')) token->pop_back();
  if (!http)
    throw error(errc::not_supported, source + ": needs an HTTP transport; include <urlmint/providers_curl.hpp> and "
                                              "set chain_options.http = providers::curl_transport()");
  http_request req = web_identity_request(cfg, *token);
  detail::wipe(*token);
  http_response resp;
  try {
    resp = http(req);
  } catch (const error& e) {
    detail::wipe(req.body);
    throw error(errc::transport, source + ": STS unreachable: " + e.what());
  }
  detail::wipe(req.body);
  if (resp.status != 200 && resp.body.find("<Error") == std::string::npos)
    throw error(errc::service, source + ": STS answered HTTP " + std::to_string(resp.status));
  credentials c = parse_sts_credentials(resp.body, source);
  detail::read_assumed_role_user(resp.body, user);
  detail::wipe(resp.body);
  detail::check_fresh(c, now, source);
  return c;
}

URLMINT_DECL http_request assume_role_request(const assume_role_config& cfg, const credentials& source, time_point now) {
  const std::string& endpoint = cfg.sts_endpoint;
  const auto sep = endpoint.find("://");
  if (sep == std::string::npos)
    throw error(errc::invalid_argument, "assume role: STS endpoint \"" + endpoint + "\" has no scheme; write https://HOST");
  sigv4::request req;
  req.method = "POST";
  req.scheme = sigv4::lowercase(std::string_view(endpoint).substr(0, sep));
  const auto slash = endpoint.find('/', sep + 3);
  req.host = endpoint.substr(sep + 3, slash == std::string::npos ? std::string::npos : slash - sep - 3);
  req.path = slash == std::string::npos ? "/" : endpoint.substr(slash);
  if (req.path.back() != '/') req.path += '/';
  std::string body = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + uri_encode(cfg.role_arn) +
                     "&RoleSessionName=" + uri_encode(cfg.session_name);
  if (!cfg.external_id.empty()) body += "&ExternalId=" + uri_encode(cfg.external_id);
  if (!cfg.duration_seconds.empty()) body += "&DurationSeconds=" + uri_encode(cfg.duration_seconds);
  if (!cfg.mfa_serial.empty())
    body += "&SerialNumber=" + uri_encode(cfg.mfa_serial) + "&TokenCode=" + uri_encode(cfg.mfa_code);
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  req.payload_hash = sha256_hex(body);
  sigv4::params p;
  p.region = cfg.region.empty() ? "us-east-1" : cfg.region;
  p.service = "sts";
  p.time = now;
  p.location = sigv4::signature_location::headers;
  p.path = sigv4::path_encoding::normalize_and_double_encode;
  sigv4::signed_request signed_req = sigv4::sign(req, source, p);
  http_request r;
  r.method = "POST";
  r.url = std::move(signed_req.url);
  r.headers = std::move(signed_req.headers);
  r.body = std::move(body);
  r.connect_timeout = std::chrono::milliseconds(5000);
  r.total_timeout = std::chrono::milliseconds(30000);
  return r;
}

URLMINT_DECL credentials assume_role(const assume_role_config& cfg, const credentials& source, const transport& http,
                               time_point now, const std::string& where, assumed_role_user* user) {
  const std::string src = where + " (assume role " + cfg.role_arn + ")";
  if (!http)
    throw error(errc::not_supported, src + ": needs an HTTP transport; include <urlmint/providers_curl.hpp> and "
                                           "set chain_options.http = providers::curl_transport()");
  http_request req = assume_role_request(cfg, source, now);
  http_response resp;
  try {
    resp = http(req);
  } catch (const error& e) {
    for (auto& h : req.headers) detail::wipe(h.value);
    throw error(errc::transport, src + ": STS unreachable: " + e.what());
  }
  for (auto& h : req.headers) detail::wipe(h.value);
  if (resp.status != 200 && resp.body.find("<Error") == std::string::npos)
    throw error(errc::service, src + ": STS answered HTTP " + std::to_string(resp.status));
  credentials c = parse_sts_credentials(resp.body, src);
  detail::read_assumed_role_user(resp.body, user);
  detail::wipe(resp.body);
  detail::check_fresh(c, now, src);
  return c;
}

URLMINT_DECL std::optional<container_config> container_from_environment(const environment& env) {
  container_config c;
  if (auto rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    c.url = std::string(ecs_host) + (rel->front() == '/' ? "" : "/") + *rel;
  } else if (auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    const std::string scheme = detail::url_scheme(*full);
    const std::string host = detail::url_host(*full);
    const bool allowed = scheme == "https" ||
                         (scheme == "http" && (detail::is_loopback_host(host) || host == "169.254.170.2" ||
                                               host == "169.254.170.23" || host == "fd00:ec2::23"));
    if (!allowed)
      throw error(errc::invalid_argument,
                  "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI \"" + *full +
                      "\" must be https://, or http:// to a loopback address, 169.254.170.2 or 169.254.170.23");
    c.url = *full;
  } else {
    return std::nullopt;
  }
  c.token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  c.token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  return c;
}

URLMINT_DECL credentials fetch_container_credentials(const container_config& cfg, const transport& http, time_point now) {
  const std::string source = "container credentials (" + cfg.url + ")";
  if (!http)
    throw error(errc::not_supported, source + ": needs an HTTP transport; include <urlmint/providers_curl.hpp> and "
                                              "set chain_options.http = providers::curl_transport()");
  http_request req;
  req.url = cfg.url;
  req.headers.push_back({"Accept", "application/json"});
  std::optional<std::string> auth = cfg.token;
  if (cfg.token_file) {
    std::optional<std::string> text;
    try {
      text = detail::read_text_file(*cfg.token_file, "container authorization token file");
    } catch (const error&) {
      text.reset();
    }
    if (!text)
      throw error(errc::io, source + ": cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *cfg.token_file);
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
    auth = std::move(text);
  }
  if (auth) {
    if (auth->find_first_of("\r\n") != std::string::npos)
      throw error(errc::invalid_argument, source + ": the authorization token contains a line break");
    req.headers.push_back({"Authorization", *auth});
    detail::wipe(*auth);
  }
  http_response resp;
  try {
    resp = http(req);
  } catch (const error& e) {
    for (auto& h : req.headers) detail::wipe(h.value);
    throw error(errc::transport, source + ": unreachable: " + e.what());
  }
  for (auto& h : req.headers) detail::wipe(h.value);
  if (resp.status != 200) {
    detail::wipe(resp.body);
    throw error(errc::service, source + ": HTTP " + std::to_string(resp.status) +
                                   (resp.status == 401 || resp.status == 403 ? " (check the authorization token)" : ""));
  }
  credentials c = parse_json_credentials(resp.body, json_credentials_format::metadata, source);
  detail::wipe(resp.body);
  detail::check_fresh(c, now, source);
  return c;
}

URLMINT_DECL std::optional<imds_config> imds_from_environment(const environment& env) {
  if (detail::env_true(env, "AWS_EC2_METADATA_DISABLED")) return std::nullopt;
  imds_config c;
  if (auto e = env("AWS_EC2_METADATA_SERVICE_ENDPOINT")) c.endpoint = detail::trim_slashes(*e);
  else if (auto m = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"); m && sigv4::lowercase(*m) == "ipv6")
    c.endpoint = "http://[fd00:ec2::254]";
  c.v1_disabled = detail::env_true(env, "AWS_EC2_METADATA_V1_DISABLED");
  return c;
}

URLMINT_DECL http_request imds_token_request(const imds_config& cfg) {
  http_request r;
  r.method = "PUT";
  r.url = cfg.endpoint + "/latest/api/token";
  r.headers.push_back({"x-aws-ec2-metadata-token-ttl-seconds", "21600"});
  r.connect_timeout = cfg.connect_timeout;
  r.total_timeout = cfg.total_timeout;
  return r;
}

URLMINT_DECL http_request imds_get_request(const imds_config& cfg, std::string_view path, std::string_view token) {
  http_request r;
  r.url = cfg.endpoint + std::string(path);
  if (!token.empty()) r.headers.push_back({"x-aws-ec2-metadata-token", std::string(token)});
  r.connect_timeout = cfg.connect_timeout;
  r.total_timeout = cfg.total_timeout;
  return r;
}

URLMINT_DECL credentials fetch_imds_credentials(const imds_config& cfg, const transport& http, time_point now) {
  const std::string source = "EC2 instance metadata (" + cfg.endpoint + ")";
  if (!http)
    throw error(errc::not_supported, source + ": needs an HTTP transport; include <urlmint/providers_curl.hpp> and "
                                              "set chain_options.http = providers::curl_transport()");
  const auto send = [&](http_request req) {
    try {
      http_response resp = http(req);
      for (auto& h : req.headers) detail::wipe(h.value);
      return resp;
    } catch (const error& e) {
      for (auto& h : req.headers) detail::wipe(h.value);
      throw error(errc::transport, source + ": unreachable: " + e.what());
    }
  };
  std::string token;
  http_response t = send(imds_token_request(cfg));
  if (t.status == 200) {
    token = std::move(t.body);
  } else if (t.status == 403 || t.status == 404 || t.status == 405) {
    if (cfg.v1_disabled)
      throw error(errc::service, source + ": the token request was refused (HTTP " + std::to_string(t.status) +
                                     ") and AWS_EC2_METADATA_V1_DISABLED forbids tokenless calls");
  } else {
    throw error(errc::service, source + ": the token request (PUT /latest/api/token) answered HTTP " +
                                   std::to_string(t.status));
  }
  const std::string base = "/latest/meta-data/iam/security-credentials/";
  http_response role = send(imds_get_request(cfg, base, token));
  if (role.status != 200) {
    detail::wipe(token);
    if (role.status == 401)
      throw error(errc::service, source + ": HTTP 401: the instance requires IMDSv2 session tokens and none was issued");
    if (role.status == 404)
      throw error(errc::service, source + ": no IAM role is attached to this instance (HTTP 404)");
    throw error(errc::service, source + ": listing the role answered HTTP " + std::to_string(role.status));
  }
  std::string role_name = role.body.substr(0, role.body.find_first_of("\r\n"));
  while (!role_name.empty() && role_name.back() == ' ') role_name.pop_back();
  if (role_name.empty() || role_name.find_first_of("/?#% ") != std::string::npos) {
    detail::wipe(token);
    throw error(errc::service, source + ": the role listing is empty or malformed");
  }
  http_response doc = send(imds_get_request(cfg, base + role_name, token));
  detail::wipe(token);
  if (doc.status != 200) {
    detail::wipe(doc.body);
    throw error(errc::service, source + ": role " + role_name + " credentials answered HTTP " + std::to_string(doc.status));
  }
  const std::string named = "EC2 instance metadata (" + cfg.endpoint + ", role " + role_name + ")";
  credentials c = parse_json_credentials(doc.body, json_credentials_format::metadata, named);
  detail::wipe(doc.body);
  detail::check_fresh(c, now, named);
  return c;
}

URLMINT_DECL credentials run_credential_process(const std::string& command, const process_runner& run,
                                          const std::string& source, time_point now) {
  process_result r = run(command);
  if (r.exit_status != 0) {
    detail::wipe(r.output);
    throw error(errc::io, source + ": credential_process exited with status " + std::to_string(r.exit_status) +
                              "; run the command by hand to see why");
  }
  credentials c = parse_json_credentials(r.output, json_credentials_format::process, source + " credential_process");
  detail::wipe(r.output);
  detail::check_fresh(c, now, source + " credential_process");
  return c;
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_CREDENTIAL_SOURCES_IPP
