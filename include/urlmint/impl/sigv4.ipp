#ifndef URLMINT_IMPL_SIGV4_IPP
#define URLMINT_IMPL_SIGV4_IPP

// Definitions for sigv4.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.


#include "../sigv4.hpp"

namespace urlmint {
namespace sigv4 {

URLMINT_DECL bool is_token(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

URLMINT_DECL bool is_field_value(std::string_view value) noexcept {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

URLMINT_DECL void validate_header(const header& h) {
  if (!is_token(h.name))
    throw error(errc::invalid_argument, "sigv4: header name \"" + h.name +
                                            "\" is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only); fix it");
  if (!is_field_value(h.value))
    throw error(errc::invalid_argument, "sigv4: header \"" + h.name +
                                            "\" has a control character (CR, LF, NUL, ...) in its value; remove it");
}

URLMINT_DECL bool detail::is_scope_field(std::string_view field) noexcept {
  if (field.empty()) return false;
  for (char c : field)
    if (c == '/' || static_cast<unsigned char>(c) <= ' ') return false;
  return true;
}

URLMINT_DECL void validate(const params& p) {
  if (p.region.empty())
    throw error(errc::invalid_argument, "sigv4: region is empty; set it, e.g. \"us-east-1\"");
  if (p.service.empty()) throw error(errc::invalid_argument, "sigv4: service is empty; set it, e.g. \"s3\"");
  if (p.time == unset_time)
    throw error(errc::invalid_argument, "sigv4: the signing time is not set; set params::time, e.g. to urlmint::clock::now()");
  for (std::string_view field : {std::string_view(p.region), std::string_view(p.service)})
    if (!detail::is_scope_field(field))
      throw error(errc::invalid_argument,
                  "sigv4: region and service may not contain '/' or whitespace; check \"" + std::string(field) + "\"");
  if (p.location == signature_location::query && p.expires_in) {
    const auto s = p.expires_in->count();
    if (s < 1 || s > max_presign_expiry_seconds)
      throw error(errc::invalid_argument, "sigv4: expiry of " + std::to_string(s) +
                                              " s is out of range; presigned URLs last 1 to 604800 seconds (7 days)");
  }
}

URLMINT_DECL std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t next = find_or_end(path, '/', pos);
    const std::string_view seg = path.substr(pos, next - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string out;
  for (auto seg : segments) {
    out += '/';
    out += seg;
  }
  const bool trailing = !path.empty() && (path.back() == '/' || path.substr(path.rfind('/') + 1) == "." ||
                                          path.substr(path.rfind('/') + 1) == "..");
  if (out.empty() || (trailing && out.back() != '/')) out += '/';
  return out;
}

URLMINT_DECL std::string canonical_uri(std::string_view wire_path, path_encoding rule) {
  if (wire_path.empty()) return "/";
  switch (rule) {
    case path_encoding::as_is:
      return std::string(wire_path);
    case path_encoding::double_encode:
      return uri_encode(wire_path, slash_encoding::keep);
    case path_encoding::normalize_and_double_encode:
      return uri_encode(normalize_path(wire_path), slash_encoding::keep);
  }
  return std::string(wire_path);
}

URLMINT_DECL std::vector<encoded_param> encode_query(const std::vector<query_param>& query) {
  std::vector<encoded_param> encoded;
  encoded.reserve(query.size());
  for (const auto& q : query) encoded.push_back({uri_encode(q.name), uri_encode(q.value)});
  // Insertion sort, stable: a signed request has a handful of parameters, and std::sort's
  // introsort and heap templates would be compiled again in every header-only TU.
  for (std::size_t i = 1; i < encoded.size(); ++i) {
    encoded_param item = std::move(encoded[i]);
    std::size_t j = i;
    for (; j > 0 && (item.name != encoded[j - 1].name ? item.name < encoded[j - 1].name : item.value < encoded[j - 1].value);
         --j)
      encoded[j] = std::move(encoded[j - 1]);
    encoded[j] = std::move(item);
  }
  return encoded;
}

URLMINT_DECL std::string join_query(const std::vector<encoded_param>& encoded) {
  std::string out;
  for (const auto& e : encoded) {
    if (!out.empty()) out += '&';
    out += e.name;
    out += '=';
    out += e.value;
  }
  return out;
}

URLMINT_DECL std::string canonical_query(const std::vector<query_param>& query) { return join_query(encode_query(query)); }

URLMINT_DECL std::string lowercase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  detail::lowercase_to(out, s);
  return out;
}

URLMINT_DECL std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  detail::canonical_header_value_to(out, value);
  return out;
}

URLMINT_DECL canonical_headers_result canonical_headers(const std::vector<header>& headers) {
  std::size_t total = 0;
  for (const auto& h : headers) total += h.name.size() + h.value.size();
  std::string text;
  text.reserve(total);  // never reallocates below, so the views stay valid
  std::vector<detail::header_view> items;
  items.reserve(headers.size());
  for (const auto& h : headers) {
    const std::size_t name_at = text.size();
    detail::lowercase_to(text, h.name);
    const std::size_t value_at = text.size();
    detail::canonical_header_value_to(text, h.value);
    items.push_back({std::string_view(text.data() + name_at, value_at - name_at),
                     std::string_view(text.data() + value_at, text.size() - value_at)});
  }
  canonical_headers_result out;
  out.canonical.reserve(total + 2 * headers.size());
  detail::join_canonical_headers(items.data(), items.size(), out.canonical, out.signed_headers);
  return out;
}

URLMINT_DECL std::string canonical_request(std::string_view method, std::string_view canonical_uri_,
                                     std::string_view canonical_query_, std::string_view canonical_headers_,
                                     std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri_.size() + canonical_query_.size() + canonical_headers_.size() +
              signed_headers.size() + payload_hash.size() + 5);
  out.append(method).append(1, '\n');
  out.append(canonical_uri_).append(1, '\n');
  out.append(canonical_query_).append(1, '\n');
  out.append(canonical_headers_).append(1, '\n');
  out.append(signed_headers).append(1, '\n');
  out.append(payload_hash);
  return out;
}

URLMINT_DECL std::string credential_scope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 15);
  out.append(date).append(1, '/').append(region).append(1, '/').append(service).append("/aws4_request");
  return out;
}

URLMINT_DECL std::string string_to_sign(std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_) {
  return detail::string_to_sign(algorithm, timestamp, scope, canonical_request_);
}

URLMINT_DECL std::string signature(const signing_key& key, std::string_view string_to_sign_) {
  const auto mac = key.mac(string_to_sign_);
  return hex_encode(mac.data(), mac.size());
}
namespace detail {

URLMINT_DECL bool has_header(const std::vector<header>& headers, std::string_view lower_name) {
  for (const auto& h : headers)
    if (lowercase(h.name) == lower_name) return true;
  return false;
}

URLMINT_DECL std::shared_ptr<const signing_key> key_for(const credentials& creds, std::string_view date,
                                                  const params& p, signing_key_cache* cache) {
  if (cache != nullptr) return cache->get(creds.secret_access_key.reveal(), date, p.region, p.service);
  return std::make_shared<const signing_key>(creds.secret_access_key.reveal(), date, p.region, p.service);
}
}  // namespace detail

namespace detail {

URLMINT_DECL std::string regionless_scope(std::string_view date, std::string_view service) {
  std::string out;
  out.reserve(date.size() + service.size() + 14);
  out.append(date).append(1, '/').append(service).append("/aws4_request");
  return out;
}

URLMINT_DECL std::string string_to_sign(std::string_view algorithm_, std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_) {
  std::string out;
  out.reserve(algorithm_.size() + timestamp.size() + scope.size() + 67);
  out.append(algorithm_).append(1, '\n').append(timestamp).append(1, '\n').append(scope).append(1, '\n');
  const auto digest = sha256_of(canonical_request_);
  hex_encode_to(out, digest.data(), digest.size());
  return out;
}

URLMINT_DECL void check_signing_inputs(std::string_view name, const credentials& creds, const params& p,
                                       std::string_view host, std::string_view method,
                                       const std::vector<header>& headers, std::string_view path) {
  validate(creds);
  validate(p);
  if (host.empty()) throw error(errc::invalid_argument, std::string(name) + ": request host is empty");
  if (method.empty()) throw error(errc::invalid_argument, std::string(name) + ": request method is empty");
  for (const auto& h : headers) validate_header(h);
  for (char ch : path)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
      throw error(errc::invalid_argument,
                  std::string(name) + ": the request path has a control character; percent-encode it");
}

URLMINT_DECL signing_steps steps_to_sign(const request& req, const credentials& creds, const params& p,
                                   const signing_scheme& scheme) {
  check_signing_inputs(scheme.name, creds, p, req.host, req.method, req.headers, req.path);

  signing_steps s;
  const amz_date when = format_amz_date(p.time);
  s.timestamp.assign(when.timestamp());
  s.scope = scheme.region_in_scope ? credential_scope(when.date(), p.region, p.service)
                                   : regionless_scope(when.date(), p.service);
  const bool in_query = p.location == signature_location::query;
  const bool token_signed = creds.is_temporary() && p.token_mode == session_token_mode::included;

  std::vector<header> to_sign = req.headers;
  if (!has_header(to_sign, "host")) to_sign.push_back({"host", req.host});
  if (!in_query) {
    to_sign.push_back({"x-amz-date", s.timestamp});
    if (scheme.region_set) to_sign.push_back({"x-amz-region-set", p.region});
    if (p.content_sha256 == content_sha256_header::include && !has_header(to_sign, "x-amz-content-sha256"))
      to_sign.push_back({"x-amz-content-sha256", req.payload_hash});
    if (token_signed) to_sign.push_back({"x-amz-security-token", std::string(creds.session_token.reveal())});
  }
  const canonical_headers_result ch = canonical_headers(to_sign);
  s.signed_headers = ch.signed_headers;

  std::vector<query_param> query = req.query;
  if (in_query) {
    query.push_back({"X-Amz-Algorithm", std::string(scheme.algorithm)});
    query.push_back({"X-Amz-Credential", creds.access_key_id + "/" + s.scope});
    query.push_back({"X-Amz-Date", s.timestamp});
    if (p.expires_in) query.push_back({"X-Amz-Expires", std::to_string(p.expires_in->count())});
    query.push_back({"X-Amz-SignedHeaders", s.signed_headers});
    if (scheme.region_set) query.push_back({"X-Amz-Region-Set", p.region});
    if (token_signed) query.push_back({"X-Amz-Security-Token", std::string(creds.session_token.reveal())});
  }
  s.query = encode_query(query);

  s.canonical_request = canonical_request(req.method, canonical_uri(req.path, p.path), join_query(s.query),
                                          ch.canonical, ch.signed_headers, req.payload_hash);
  s.string_to_sign = string_to_sign(scheme.algorithm, s.timestamp, s.scope, s.canonical_request);

  if (!in_query) {
    for (auto& h : to_sign)
      if (lowercase(h.name) != "host") s.headers.push_back(std::move(h));
    if (creds.is_temporary() && !token_signed)
      s.headers.push_back({"x-amz-security-token", std::string(creds.session_token.reveal())});
  }
  return s;
}

URLMINT_DECL void add_authorization(signing_steps& s, const credentials& creds, const params& p,
                              std::string_view algorithm_) {
  if (p.location != signature_location::headers) return;
  s.headers.push_back({"Authorization", std::string(algorithm_) + " Credential=" + creds.access_key_id + "/" +
                                            s.scope + ", SignedHeaders=" + s.signed_headers +
                                            ", Signature=" + s.signature});
}

URLMINT_DECL signed_request signed_request_of(const request& req, signing_steps&& s) {
  return signed_request{req.method, build_url(req, join_query(s.query)), std::move(s.headers)};
}

URLMINT_DECL std::string presigned_url(const request& req, const credentials& creds, const params& p,
                                 const signing_steps& s) {
  std::string query = join_query(s.query);
  if (creds.is_temporary() && p.token_mode == session_token_mode::appended_after_signing)
    query.append("&X-Amz-Security-Token=").append(uri_encode(creds.session_token.reveal()));
  query.append("&X-Amz-Signature=").append(s.signature);
  return build_url(req, query);
}

}  // namespace detail

URLMINT_DECL signing_steps compute(const request& req, const credentials& creds, const params& p,
                             signing_key_cache* cache) {
  signing_steps s = detail::steps_to_sign(req, creds, p, {algorithm, "sigv4"});
  s.signature = signature(*detail::key_for(creds, std::string_view(s.timestamp).substr(0, 8), p, cache), s.string_to_sign);
  detail::add_authorization(s, creds, p, algorithm);
  return s;
}

URLMINT_DECL std::string build_url(const request& req, std::string_view encoded_query) {
  std::string url;
  url.reserve(req.scheme.size() + 3 + req.host.size() + req.path.size() + 1 + encoded_query.size());
  url.append(req.scheme).append("://").append(req.host).append(req.path.empty() ? "/" : req.path);
  if (!encoded_query.empty()) url.append(1, '?').append(encoded_query);
  return url;
}

URLMINT_DECL signed_request sign(const request& req, const credentials& creds, params p,
                           signing_key_cache* cache) {
  p.location = signature_location::headers;
  return detail::signed_request_of(req, compute(req, creds, p, cache));
}

URLMINT_DECL std::string presign(const request& req, const credentials& creds, params p,
                           signing_key_cache* cache) {
  p.location = signature_location::query;
  return detail::presigned_url(req, creds, p, compute(req, creds, p, cache));
}
}  // namespace sigv4
}  // namespace urlmint

#endif  // URLMINT_IMPL_SIGV4_IPP
