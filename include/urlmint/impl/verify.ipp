#ifndef URLMINT_IMPL_VERIFY_IPP
#define URLMINT_IMPL_VERIFY_IPP

// Definitions for verify.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../verify.hpp"
#include "../sigv4a.hpp"  // multi-region access points' URLs (AWS4-ECDSA-P256-SHA256)

namespace urlmint {
namespace verify {

URLMINT_DECL std::string_view to_string(failure f) noexcept {
  switch (f) {
    case failure::none: return "none";
    case failure::malformed_url: return "malformed_url";
    case failure::missing_parameter: return "missing_parameter";
    case failure::duplicate_parameter: return "duplicate_parameter";
    case failure::unsupported_algorithm: return "unsupported_algorithm";
    case failure::malformed_credential: return "malformed_credential";
    case failure::malformed_date: return "malformed_date";
    case failure::scope_date_mismatch: return "scope_date_mismatch";
    case failure::wrong_region: return "wrong_region";
    case failure::wrong_service: return "wrong_service";
    case failure::wrong_terminator: return "wrong_terminator";
    case failure::malformed_expires: return "malformed_expires";
    case failure::expires_too_long: return "expires_too_long";
    case failure::not_yet_valid: return "not_yet_valid";
    case failure::expired: return "expired";
    case failure::malformed_signed_headers: return "malformed_signed_headers";
    case failure::missing_host_header: return "missing_host_header";
    case failure::missing_signed_header: return "missing_signed_header";
    case failure::unsigned_amz_header: return "unsigned_amz_header";
    case failure::unknown_access_key: return "unknown_access_key";
    case failure::credentials_expired: return "credentials_expired";
    case failure::invalid_token: return "invalid_token";
    case failure::malformed_signature: return "malformed_signature";
    case failure::signature_mismatch: return "signature_mismatch";
  }
  return "unknown";
}
namespace detail {

URLMINT_DECL std::string printable(std::string_view text, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c >= 0x7f || c == '"') ? '?' : static_cast<char>(c);
  }
  if (text.size() > limit) out += "...";
  return out;
}

URLMINT_DECL result fail(result r, failure why, std::string message) {
  r.reason = why;
  r.message = std::move(message);
  return r;
}

URLMINT_DECL std::string amz_text(time_point t) { return std::string(format_amz_date(t).timestamp()); }

URLMINT_DECL std::optional<std::int64_t> parse_seconds(std::string_view text) noexcept {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

URLMINT_DECL bool is_lower_hex(std::string_view text) noexcept {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
}  // namespace detail

URLMINT_DECL std::optional<parsed_url> parse_url(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  parsed_url out;
  out.scheme = sigv4::lowercase(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  const auto query_start = rest.find('?');
  std::string_view query = query_start == std::string_view::npos ? std::string_view() : rest.substr(query_start + 1);
  rest = rest.substr(0, query_start);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  for (char c : authority)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f || c == '\\' || c == '%')
      return std::nullopt;
  for (char c : out.path)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) return std::nullopt;
  // Split off a port: after the last ':' unless that colon is inside an IPv6 literal.
  std::string_view host = authority;
  std::string_view port;
  const auto close = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    for (char c : port)
      if (c < '0' || c > '9') return std::nullopt;
  }
  if (host.empty() || host == "[]") return std::nullopt;
  if (host.front() == '[' && host.back() != ']') return std::nullopt;
  if (host.front() != '[' && host.find_first_of("[]:") != std::string_view::npos) return std::nullopt;
  const bool default_port = port.empty() || (out.scheme == "https" && port == "443") ||
                            (out.scheme == "http" && port == "80");
  out.host.assign(host);
  if (!default_port) out.host.append(1, ':').append(port);
  // A query parameter without "=" has an empty value, as S3 reads "?lifecycle".
  std::size_t pos = 0;
  while (pos < query.size()) {
    const std::size_t amp = find_or_end(query, '&', pos);
    const std::string_view item = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    auto name = percent_decode(item.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    if (!name || !value || name->empty()) return std::nullopt;
    out.query.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

URLMINT_DECL bool detail::region_set_covers(std::string_view region_set, std::string_view region) noexcept {
  std::size_t pos = 0;
  while (pos <= region_set.size()) {
    const std::size_t comma = find_or_end(region_set, ',', pos);
    const std::string_view entry = region_set.substr(pos, comma - pos);
    if (entry == sigv4a::all_regions || entry == region) return true;
    pos = comma + 1;
  }
  return false;
}

URLMINT_DECL result verify_presigned(std::string_view url, const credentials_lookup& lookup, time_point now,
                               const options& opts) {
  if (opts.method.empty() || opts.service.empty())
    throw error(errc::invalid_argument, "verify: options.method and options.service must not be empty");
  result r;
  const std::optional<parsed_url> parsed = parse_url(url);
  if (!parsed)
    return detail::fail(std::move(r), failure::malformed_url,
                        "URL is not a well-formed http(s) URL (check the scheme, host, port and %-escapes)");

  // The authentication parameters, each exactly once (names compared case-insensitively so
  // "x-amz-date" next to "X-Amz-Date" counts as a duplicate, not as a second, unsigned date).
  enum { p_algorithm, p_credential, p_date, p_expires, p_signed_headers, p_signature, p_token, p_region_set, p_count };
  static constexpr std::string_view names[p_count] = {"X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Date",
                                                      "X-Amz-Expires",       "X-Amz-SignedHeaders",
                                                      "X-Amz-Signature",     "X-Amz-Security-Token",
                                                      "X-Amz-Region-Set"};
  const std::string* found[p_count] = {};
  std::vector<sigv4::query_param> signed_query;
  signed_query.reserve(parsed->query.size());
  for (const auto& q : parsed->query) {
    int which = -1;
    for (int i = 0; i < p_count; ++i)
      if (ascii_iequals(q.name, names[i])) which = i;
    if (which >= 0) {
      if (found[which] != nullptr)
        return detail::fail(std::move(r), failure::duplicate_parameter,
                            std::string(names[which]) + " appears more than once; a presigned URL carries it once");
      found[which] = &q.value;
    }
    if (which != p_signature) signed_query.push_back(q);
  }
  for (int i = 0; i < p_count; ++i)
    if (found[i] == nullptr && i != p_token && i != p_region_set)
      return detail::fail(std::move(r), failure::missing_parameter,
                          std::string(names[i]) + " is missing; this is not a complete SigV4 presigned URL");

  // SigV4a (a multi-region access point's URL) signs for a set of regions with an ECDSA key
  // derived from the secret; its scope has no region.
  const bool is_sigv4a = *found[p_algorithm] == sigv4a::algorithm;
  if (*found[p_algorithm] != sigv4::algorithm && !is_sigv4a)
    return detail::fail(std::move(r), failure::unsupported_algorithm,
                        "X-Amz-Algorithm \"" + detail::printable(*found[p_algorithm]) +
                            "\" is not supported; only AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256 are");
  if (is_sigv4a && found[p_region_set] == nullptr)
    return detail::fail(std::move(r), failure::missing_parameter,
                        "X-Amz-Region-Set is missing; a SigV4a presigned URL names the regions it is signed for");

  // KEY/YYYYMMDD/REGION/SERVICE/aws4_request; SigV4a's: KEY/YYYYMMDD/SERVICE/aws4_request.
  const std::size_t scope_size = is_sigv4a ? 4 : 5;
  std::vector<std::string_view> scope_parts;
  {
    const std::string_view credential = *found[p_credential];
    std::size_t pos = 0;
    while (pos <= credential.size() && scope_parts.size() < 6) {
      const std::size_t next = find_or_end(credential, '/', pos);
      scope_parts.push_back(credential.substr(pos, next - pos));
      pos = next + 1;
    }
    bool empty_part = false;
    for (auto part : scope_parts) empty_part = empty_part || part.empty();
    if (scope_parts.size() != scope_size || empty_part)
      return detail::fail(std::move(r), failure::malformed_credential,
                          "X-Amz-Credential \"" + detail::printable(credential) + "\" is not ACCESS_KEY_ID/YYYYMMDD/" +
                              (is_sigv4a ? "" : "REGION/") + "SERVICE/aws4_request");
  }
  if (is_sigv4a) scope_parts.insert(scope_parts.begin() + 2, std::string_view(*found[p_region_set]));
  // From here scope_parts is KEY, DATE, REGION (SigV4a: the region set), SERVICE, aws4_request.
  r.access_key_id = std::string(scope_parts[0]);
  r.region = std::string(scope_parts[2]);

  const std::optional<time_point> signed_at = parse_amz_date(*found[p_date]);
  if (!signed_at)
    return detail::fail(std::move(r), failure::malformed_date,
                        "X-Amz-Date \"" + detail::printable(*found[p_date]) + "\" is not a UTC time like 20130524T000000Z");
  r.signed_at = signed_at;
  const std::string_view timestamp = *found[p_date];
  if (scope_parts[1] != timestamp.substr(0, 8))
    return detail::fail(std::move(r), failure::scope_date_mismatch,
                        "credential scope date " + detail::printable(scope_parts[1]) + " is not X-Amz-Date's day " +
                            std::string(timestamp.substr(0, 8)));
  if (is_sigv4a && !opts.region.empty() && !detail::region_set_covers(scope_parts[2], opts.region))
    return detail::fail(std::move(r), failure::wrong_region,
                        "URL is signed for the regions \"" + detail::printable(scope_parts[2]) + "\", which do not include \"" +
                            detail::printable(opts.region) + "\"; sign it for that region or for \"*\"");
  if (!is_sigv4a && !opts.region.empty() && scope_parts[2] != opts.region)
    return detail::fail(std::move(r), failure::wrong_region,
                        "URL is signed for region \"" + detail::printable(scope_parts[2]) + "\" but \"" +
                            detail::printable(opts.region) + "\" is expected; sign it for that region");
  if (scope_parts[3] != opts.service)
    return detail::fail(std::move(r), failure::wrong_service,
                        "URL is signed for service \"" + detail::printable(scope_parts[3]) + "\" but \"" +
                            detail::printable(opts.service) + "\" is expected");
  if (scope_parts[4] != "aws4_request")
    return detail::fail(std::move(r), failure::wrong_terminator,
                        "credential scope ends in \"" + detail::printable(scope_parts[4]) +
                            "\" instead of aws4_request");

  const std::optional<std::int64_t> expires = detail::parse_seconds(*found[p_expires]);
  if (!expires || *expires < 1)
    return detail::fail(std::move(r), failure::malformed_expires,
                        "X-Amz-Expires \"" + detail::printable(*found[p_expires]) +
                            "\" is not a whole number of seconds from 1 to 604800");
  if (*expires > sigv4::max_presign_expiry_seconds)
    return detail::fail(std::move(r), failure::expires_too_long,
                        "X-Amz-Expires " + std::to_string(*expires) +
                            " s is longer than 604800 s (7 days), the most S3 accepts");
  const std::int64_t signed_s = to_unix_seconds(*signed_at);
  const std::int64_t now_s = to_unix_seconds(now);
  // X-Amz-Date may be days before time_point's end (2262): keep the sum representable.
  constexpr std::int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max()).count();
  r.expires_at = from_unix_seconds(signed_s + *expires < max_s ? signed_s + *expires : max_s);
  if (signed_s - now_s > opts.max_skew.count())
    return detail::fail(std::move(r), failure::not_yet_valid,
                        "X-Amz-Date " + std::string(timestamp) + " is " + std::to_string(signed_s - now_s) +
                            " s in the future, more than the " + std::to_string(opts.max_skew.count()) +
                            " s clock skew allowed; check the signer's clock");
  if (now_s > signed_s + *expires)
    return detail::fail(std::move(r), failure::expired,
                        "URL expired at " + detail::amz_text(*r.expires_at) + " (signed " + std::string(timestamp) +
                            " for " + std::to_string(*expires) + " s); mint a new one");

  // The signed headers: host from the URL, the others from what the client sends.
  const std::string& signed_list = *found[p_signed_headers];
  std::vector<sigv4::header> to_sign;
  bool has_host = false;
  {
    std::size_t pos = 0;
    while (pos <= signed_list.size()) {
      const std::size_t next = find_or_end(signed_list, ';', pos);
      const std::string_view name = std::string_view(signed_list).substr(pos, next - pos);
      pos = next + 1;
      if (name.empty() || sigv4::lowercase(name) != name)
        return detail::fail(std::move(r), failure::malformed_signed_headers,
                            "X-Amz-SignedHeaders \"" + detail::printable(signed_list) +
                                "\" is not a ';'-separated list of lowercase header names");
      if (name == "host") {
        has_host = true;
        to_sign.push_back({"host", parsed->host});
        continue;
      }
      const sigv4::header* sent = nullptr;
      for (const auto& h : opts.headers)
        if (ascii_iequals(h.name, name)) {
          to_sign.push_back(h);
          sent = &h;
        }
      if (sent == nullptr)
        return detail::fail(std::move(r), failure::missing_signed_header,
                            "header \"" + detail::printable(name) +
                                "\" is signed but not sent; send it with the value that was signed");
    }
  }
  if (!has_host)
    return detail::fail(std::move(r), failure::missing_host_header,
                        "X-Amz-SignedHeaders \"" + detail::printable(signed_list) + "\" does not include host");
  const sigv4::canonical_headers_result ch = sigv4::canonical_headers(to_sign);
  if (ch.signed_headers != signed_list)
    return detail::fail(std::move(r), failure::malformed_signed_headers,
                        "X-Amz-SignedHeaders \"" + detail::printable(signed_list) +
                            "\" is not sorted and free of duplicates");
  for (const auto& h : opts.headers) {
    const std::string name = sigv4::lowercase(h.name);
    if (name.compare(0, 6, "x-amz-") != 0) continue;
    bool is_signed = false;
    for (const auto& s : to_sign) is_signed = is_signed || s.name == name || ascii_iequals(s.name, name);
    if (!is_signed)
      return detail::fail(std::move(r), failure::unsigned_amz_header,
                          "header \"" + detail::printable(name) + "\" is sent but not signed; S3 refuses unsigned x-amz-* headers");
  }

  const std::optional<credentials> creds = lookup(scope_parts[0]);
  if (!creds || creds->secret_access_key.empty())
    return detail::fail(std::move(r), failure::unknown_access_key,
                        "access key id \"" + detail::printable(scope_parts[0]) + "\" is unknown to the verifier");
  if (creds->expiration && now >= *creds->expiration)
    return detail::fail(std::move(r), failure::credentials_expired,
                        "the temporary credentials of \"" + detail::printable(scope_parts[0]) + "\" have expired");
  if (creds->is_temporary()) {
    if (found[p_token] == nullptr || !constant_time_equal(*found[p_token], creds->session_token.reveal()))
      return detail::fail(std::move(r), failure::invalid_token,
                          found[p_token] == nullptr ? "X-Amz-Security-Token is missing; temporary credentials need it"
                                                    : "X-Amz-Security-Token does not match the credentials' session token");
  } else if (found[p_token] != nullptr) {
    return detail::fail(std::move(r), failure::invalid_token,
                        "URL carries X-Amz-Security-Token but \"" + detail::printable(scope_parts[0]) +
                            "\" has no session token");
  }

  const std::string& given = *found[p_signature];
  // SigV4a: a DER ECDSA signature (8 to 72 bytes) in lowercase hex.
  const bool size_ok = is_sigv4a ? given.size() >= 16 && given.size() <= 144 && given.size() % 2 == 0 : given.size() == 64;
  if (!size_ok || !detail::is_lower_hex(given))
    return detail::fail(std::move(r), failure::malformed_signature,
                        is_sigv4a ? "X-Amz-Signature is not a DER ECDSA signature in lowercase hex"
                               : "X-Amz-Signature is not 64 lowercase hex digits");

  r.canonical_request =
      sigv4::canonical_request(opts.method, sigv4::canonical_uri(parsed->path, sigv4::path_encoding::as_is),
                               sigv4::canonical_query(signed_query), ch.canonical, ch.signed_headers,
                               sigv4::unsigned_payload);
  bool match = false;
  if (is_sigv4a) {
    const std::string scope = sigv4::detail::regionless_scope(scope_parts[1], scope_parts[3]);
    r.string_to_sign = sigv4::detail::string_to_sign(sigv4a::algorithm, timestamp, scope, r.canonical_request);
    std::shared_ptr<const sigv4a::key_pair> key;
    try {
      key = sigv4a::detail::key_for(*creds, &sigv4a::process_key_cache());
    } catch (const error& e) {  // the message names the field, never its value
      return detail::fail(std::move(r), failure::unknown_access_key, e.what());
    }
    match = key->verify(r.string_to_sign, given);
  } else {
    const std::string scope = sigv4::credential_scope(scope_parts[1], scope_parts[2], scope_parts[3]);
    r.string_to_sign = sigv4::string_to_sign(timestamp, scope, r.canonical_request);
    const sigv4::signing_key key(creds->secret_access_key.reveal(), scope_parts[1], scope_parts[2], scope_parts[3]);
    std::string expected = sigv4::signature(key, r.string_to_sign);
    match = constant_time_equal(expected, given);
    secure_wipe(expected.data(), expected.size());
  }
  if (!match)
    return detail::fail(std::move(r), failure::signature_mismatch,
                        "signature does not match: the URL was changed after signing, or signed with another "
                        "secret, method or header values");
  r.message = "presigned URL is valid until " + detail::amz_text(*r.expires_at);
  return r;
}

URLMINT_DECL result verify_presigned(std::string_view url, const credentials& creds, time_point now,
                               const options& opts) {
  return verify_presigned(
      url,
      [&creds](std::string_view id) -> std::optional<credentials> {
        if (id != creds.access_key_id) return std::nullopt;
        return creds;
      },
      now, opts);
}
}  // namespace verify
}  // namespace urlmint

#endif  // URLMINT_IMPL_VERIFY_IPP
