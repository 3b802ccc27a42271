#ifndef URLMINT_IMPL_CLOUDFRONT_IPP
#define URLMINT_IMPL_CLOUDFRONT_IPP

// Definitions for cloudfront.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include <openssl/pem.h>         // PEM_read_bio_PrivateKey_ex
#include <openssl/objects.h>     // OBJ_nid2sn
#include <openssl/core_names.h>  // OSSL_PKEY_PARAM_GROUP_NAME
#include <cerrno>     // errno
#include <cstdio>     // std::FILE, std::fopen
#include "../cloudfront.hpp"

namespace urlmint {
namespace cloudfront {

URLMINT_DECL std::string_view to_string(hash_algorithm h) noexcept { return h == hash_algorithm::sha1 ? "SHA1" : "SHA256"; }

URLMINT_DECL hash_algorithm parse_hash_algorithm(std::string_view text) {
  const std::string t = sigv4::lowercase(text);
  if (t == "sha1" || t == "sha-1") return hash_algorithm::sha1;
  if (t == "sha256" || t == "sha-256") return hash_algorithm::sha256;
  throw error(errc::invalid_argument,
              "cloudfront: hash algorithm \"" + std::string(text) + "\" is unknown; use SHA1 or SHA256");
}

URLMINT_DECL std::string base64_encode(std::string_view bytes) {
  std::string out = urlmint::base64_encode(bytes);
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '=') c = '_';
    else if (c == '/') c = '~';
  }
  return out;
}

URLMINT_DECL std::optional<std::string> base64_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '=';
    else if (c == '~') c = '/';
    else if (c == '+' || c == '=' || c == '/') return std::nullopt;
  }
  return urlmint::base64_decode(standard);
}

URLMINT_DECL std::string normalize_domain(std::string_view text) {
  const std::string original(text);
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "cloudfront: domain \"" + original + "\" " + why +
                                             "; write only the domain name, e.g. d111111abcdef8.cloudfront.net");
  };
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  const auto sep = text.find("://");
  if (sep != std::string_view::npos) {
    const std::string scheme = sigv4::lowercase(text.substr(0, sep));
    if (scheme != "https" && scheme != "http") throw bad("has scheme \"" + scheme + "://\"");
    text.remove_prefix(sep + 3);
    if (text.find("://") != std::string_view::npos) throw bad("has two schemes");
  }
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  if (text.empty()) throw bad("is empty");
  if (text.find('/') != std::string_view::npos) throw bad("contains a path");
  if (text.find_first_of("?#") != std::string_view::npos) throw bad("contains a query or fragment");
  if (text.find('@') != std::string_view::npos) throw bad("contains user info ('@')");
  if (text.find(':') != std::string_view::npos) throw bad("contains a port or a second scheme");
  std::string domain = sigv4::lowercase(text);
  std::size_t label = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      if (label == 0 || label > 63) throw bad("has an empty or over-long label");
      label = 0;
      continue;
    }
    const char c = domain[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      throw bad("contains '" + std::string(1, c) + "', which a host name cannot");
    ++label;
  }
  if (domain.size() > 253) throw bad("is longer than 253 characters");
  return domain;
}

URLMINT_DECL std::string normalize_origin_path(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return {};
  return "/" + std::string(path);
}

URLMINT_DECL std::string object_url(std::string_view domain, std::string_view key, std::string_view origin_path) {
  const std::string host = normalize_domain(domain);
  s3::validate_key(key);
  const std::string prefix = normalize_origin_path(origin_path);
  std::string_view path = key;
  if (!prefix.empty()) {
    const std::string_view want = std::string_view(prefix).substr(1);
    if (path.size() <= want.size() || path.compare(0, want.size(), want) != 0 || path[want.size()] != '/')
      throw error(errc::invalid_argument, "cloudfront: key \"" + std::string(key) + "\" is not under the origin path " +
                                              prefix + "; CloudFront can only serve keys that start with \"" +
                                              std::string(want) + "/\"");
    path.remove_prefix(want.size() + 1);
  }
  std::string url;
  url.reserve(8 + host.size() + 1 + path.size() * 3 / 2);
  url.append("https://").append(host).append(1, '/');
  uri_encode_to(url, path, slash_encoding::keep);
  return url;
}
namespace detail {

URLMINT_DECL bool is_policy_safe(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
}
}  // namespace detail

URLMINT_DECL void validate_url(std::string_view url) {
  const std::string shown(url);
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "cloudfront: URL \"" + shown + "\" " + why);
  };
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    throw bad("has no scheme; write it in full, e.g. https://d111111abcdef8.cloudfront.net/path/file.png");
  const std::string scheme = sigv4::lowercase(url.substr(0, sep));
  if (scheme != "https" && scheme != "http") throw bad("must start with https:// or http://");
  const std::string_view rest = url.substr(sep + 3);
  if (rest.empty() || rest.front() == '/') throw bad("has no host");
  for (char c : url)
    if (!detail::is_policy_safe(c))
      throw bad("contains a space, quote, backslash, control or non-ASCII byte; percent-encode it (e.g. "
                "cloudfront::object_url encodes keys)");
  if (url.find('#') != std::string_view::npos) throw bad("has a #fragment; remove it (browsers never send it)");
  const auto q = url.find('?');
  if (q == std::string_view::npos) return;
  std::string_view query = url.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::string_view name = pair.substr(0, pair.find('='));
    for (std::string_view reserved : reserved_query_names)
      if (ascii_iequals(name, reserved))
        throw bad("already has a " + std::string(reserved) +
                  " query parameter, which CloudFront reserves for the signature; remove it (sign the unsigned URL)");
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

URLMINT_DECL void validate_key_pair_id(std::string_view id) {
  if (id.empty())
    throw error(errc::invalid_argument,
                "cloudfront: key pair ID is empty; pass the public key ID of your key group (K...) or a legacy "
                "key pair ID (APKA...)");
  if (id.size() > 128)
    throw error(errc::invalid_argument, "cloudfront: key pair ID is longer than 128 characters; check it");
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      throw error(errc::invalid_argument, "cloudfront: key pair ID \"" + std::string(id) +
                                              "\" contains characters other than letters, digits, '_' and '-'; "
                                              "copy the ID (K... or APKA...) from the CloudFront console");
}

URLMINT_DECL std::string normalize_source_ip(std::string_view text) {
  const std::string shown(text);
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "cloudfront: IP address \"" + shown + "\" " + why);
  };
  if (text.find(':') != std::string_view::npos)
    throw bad("is IPv6; CloudFront policies accept only one IPv4 address or CIDR block, e.g. 192.0.2.0/24");
  const auto slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= address.size()) {
    const auto dot = find_or_end(address, '.', pos);
    const std::string_view part = address.substr(pos, dot - pos);
    if (part.empty() || part.size() > 3) throw bad("is not an IPv4 address like 192.0.2.7 or a CIDR like 192.0.2.0/24");
    int v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') throw bad("is not an IPv4 address like 192.0.2.7 or a CIDR like 192.0.2.0/24");
      v = v * 10 + (c - '0');
    }
    if (v > 255) throw bad("has a part above 255");
    if (part.size() > 1 && part[0] == '0') throw bad("has a part with a leading zero; write it without");
    ++parts;
    pos = dot + 1;
  }
  if (parts != 4) throw bad("is not an IPv4 address like 192.0.2.7 or a CIDR like 192.0.2.0/24");
  if (slash == std::string_view::npos) return std::string(address) + "/32";
  const std::string_view bits = text.substr(slash + 1);
  if (bits.empty() || bits.size() > 2) throw bad("has a prefix length that is not 0 to 32");
  int n = 0;
  for (char c : bits) {
    if (c < '0' || c > '9') throw bad("has a prefix length that is not 0 to 32");
    n = n * 10 + (c - '0');
  }
  if (n > 32 || (bits.size() > 1 && bits[0] == '0')) throw bad("has a prefix length that is not 0 to 32");
  return std::string(text);
}

URLMINT_DECL bool wildcard_match(std::string_view pattern, std::string_view url) noexcept {
  std::size_t p = 0, u = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (u < url.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == url[u])) {
      ++p;
      ++u;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = u;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      u = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

URLMINT_DECL std::string canned_policy_json(std::string_view url, time_point expires) {
  std::string out;
  out.reserve(url.size() + 96);
  out.append(R"({"Statement":[{"Resource":")").append(url);
  out.append(R"(","Condition":{"DateLessThan":{"AWS:EpochTime":)");
  out.append(std::to_string(to_unix_seconds(expires))).append("}}}]}");
  return out;
}

URLMINT_DECL void validate(const policy& p) {
  if (p.resource.empty())
    throw error(errc::invalid_argument, "cloudfront: policy resource is empty; set it to a URL or pattern, "
                                        "e.g. https://d111111abcdef8.cloudfront.net/charts/*");
  for (char c : p.resource)
    if (!detail::is_policy_safe(c))
      throw error(errc::invalid_argument,
                  "cloudfront: policy resource \"" + p.resource +
                      "\" contains a quote, backslash, space, control or non-ASCII byte; percent-encode it");
  if (p.resource.find("://") == std::string::npos && p.resource != "*")
    throw error(errc::invalid_argument, "cloudfront: policy resource \"" + p.resource +
                                            "\" has no scheme; write it as https://DOMAIN/PATH (wildcards allowed)");
  if (to_unix_seconds(p.date_less_than) <= 0)
    throw error(errc::invalid_argument, "cloudfront: expiry (DateLessThan) must be after 1970-01-01");
  if (p.date_greater_than) {
    if (to_unix_seconds(*p.date_greater_than) < 0)
      throw error(errc::invalid_argument, "cloudfront: start time (DateGreaterThan) must not be before 1970-01-01");
    if (to_unix_seconds(*p.date_greater_than) >= to_unix_seconds(p.date_less_than))
      throw error(errc::invalid_argument,
                  "cloudfront: the active date (DateGreaterThan, " + std::to_string(to_unix_seconds(*p.date_greater_than)) +
                      ") must be before the expiration (DateLessThan, " +
                      std::to_string(to_unix_seconds(p.date_less_than)) + ")");
  }
  if (p.ip_address) (void)normalize_source_ip(*p.ip_address);
}

URLMINT_DECL std::string policy_json(const policy& p) {
  validate(p);
  std::string out;
  out.reserve(p.resource.size() + 192);
  out.append(R"({"Statement":[{"Resource":")").append(p.resource);
  out.append(R"(","Condition":{"DateLessThan":{"AWS:EpochTime":)").append(std::to_string(to_unix_seconds(p.date_less_than)));
  out.append("}");
  if (p.ip_address)
    out.append(R"(,"IpAddress":{"AWS:SourceIp":")").append(normalize_source_ip(*p.ip_address)).append("\"}");
  if (p.date_greater_than)
    out.append(R"(,"DateGreaterThan":{"AWS:EpochTime":)")
        .append(std::to_string(to_unix_seconds(*p.date_greater_than)))
        .append("}");
  out.append("}}]}");
  return out;
}
namespace detail {

URLMINT_DECL int pem_passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) noexcept {
  auto* src = static_cast<passphrase_source*>(user);
  src->asked = true;
  if (src->text.empty() || src->text.size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, src->text.data(), src->text.size());
  return static_cast<int>(src->text.size());
}

URLMINT_DECL std::string pem_label(std::string_view pem) {
  const auto begin = pem.find("-----BEGIN ");
  if (begin == std::string_view::npos) return {};
  const auto end = pem.find("-----", begin + 11);
  if (end == std::string_view::npos) return {};
  // The label is quoted in messages: a header without its closing dashes on the same line
  // would otherwise quote the key body that follows (found by fuzzing).
  const std::string_view label = pem.substr(begin + 11, end - begin - 11);
  if (label.size() > 40) return {};
  for (char c : label)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) return {};
  return std::string(label);
}
}  // namespace detail

URLMINT_DECL private_key::private_key(std::string_view pem, std::string_view passphrase, const key_options& opts,
                                const std::string& where)
    : properties_(opts.properties) {
  const auto fail = [&](const std::string& why) { return error(errc::key, "cloudfront: private key in " + where + " " + why); };
  const std::string label = detail::pem_label(pem);
  if (label.empty())
    throw fail("is not PEM; expected a block starting with -----BEGIN PRIVATE KEY----- or "
               "-----BEGIN RSA PRIVATE KEY-----");
  if (label.find("PUBLIC KEY") != std::string::npos || label == "CERTIFICATE")
    throw fail("holds a " + label + ", not a private key; pass the private key CloudFront's public key was made from");
  const bool encrypted = label == "ENCRYPTED PRIVATE KEY" || pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
  if (encrypted && passphrase.empty())
    throw fail("is encrypted; supply its passphrase (the CLI reads it from URLMINT_CLOUDFRONT_KEY_PASSPHRASE)");
  if (pem.size() > static_cast<std::size_t>(INT32_MAX)) throw fail("is too large");
  detail::unique_bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw error(errc::crypto, "cloudfront: BIO_new_mem_buf failed: " + urlmint::detail::openssl_errors());
  detail::passphrase_source src{passphrase};
  EVP_PKEY* raw = PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, detail::pem_passphrase_callback, &src, nullptr,
                                             properties_.empty() ? nullptr : properties_.c_str());
  urlmint::detail::unique_evp_pkey key(raw);
  if (!key) {
    const std::string why = urlmint::detail::openssl_errors();
    if (encrypted) throw fail("could not be decrypted; the passphrase is wrong (or the key is corrupt)");
    throw fail("could not be parsed (" + label + "): " + (why.empty() ? "no details from OpenSSL" : why));
  }
  urlmint::detail::openssl_errors();  // drop anything the decoders left behind
  const int id = EVP_PKEY_get_base_id(key.get());
  bits_ = EVP_PKEY_get_bits(key.get());
  if (id == EVP_PKEY_RSA) {
    type_ = key_type::rsa;
    const bool ok = opts.rsa_size == rsa_key_size::cloudfront_2048 ? bits_ == 2048 : (bits_ >= 1024 && bits_ <= 16384);
    if (!ok)
      throw fail("is RSA-" + std::to_string(bits_) + "; CloudFront public keys are RSA-2048 or ECDSA P-256, so "
                 "create one with: openssl genrsa -out private_key.pem 2048");
  } else if (id == EVP_PKEY_EC) {
    char group[80] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
      throw fail("is an EC key without a named curve; CloudFront accepts ECDSA keys on P-256 (prime256v1) only");
    const std::string_view name(group, len);
    if (name != "prime256v1" && name != "P-256" && name != "secp256r1")
      throw fail("is an EC key on curve " + std::string(name) +
                 "; CloudFront accepts ECDSA keys on P-256 only: openssl ecparam -name prime256v1 -genkey");
    type_ = key_type::ecdsa_p256;
  } else {
    const char* kind = OBJ_nid2sn(id);
    throw fail(std::string("is a ") + (kind != nullptr ? kind : "non-RSA, non-EC") +
               " key; CloudFront signs with RSA (2048-bit) or ECDSA (P-256) keys only");
  }
  pkey_ = std::shared_ptr<EVP_PKEY>(key.release(), urlmint::detail::evp_pkey_deleter{});
}

URLMINT_DECL std::string sign_message(const private_key& key, std::string_view message, hash_algorithm hash,
                                const EVP_MD* md) {
  const auto refuse = [&](const std::string& step) {
    const std::string why = urlmint::detail::openssl_errors();
    if (hash == hash_algorithm::sha1)
      return error(errc::crypto, "cloudfront: OpenSSL refused a SHA-1 signature (" + step + (why.empty() ? "" : ": " + why) +
                                     "); this system's crypto policy probably forbids SHA-1 signatures. Sign with "
                                     "SHA-256 instead: --hash-algorithm SHA256 (hash_algorithm::sha256), which "
                                     "CloudFront accepts");
    return error(errc::crypto, "cloudfront: OpenSSL could not sign with SHA-256 (" + step +
                                   (why.empty() ? "" : ": " + why) + ")");
  };
  std::unique_ptr<EVP_MD, detail::evp_md_deleter> fetched;
  if (md == nullptr) {
    fetched.reset(EVP_MD_fetch(nullptr, hash == hash_algorithm::sha1 ? "SHA1" : "SHA256",
                               key.properties().empty() ? nullptr : key.properties().c_str()));
    if (!fetched) throw refuse("EVP_MD_fetch");
    md = fetched.get();
  }
  urlmint::detail::unique_evp_md_ctx ctx(EVP_MD_CTX_new());
  if (!ctx) throw error(errc::crypto, "cloudfront: EVP_MD_CTX_new failed: " + urlmint::detail::openssl_errors());
  if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1) throw refuse("EVP_DigestSignInit");
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &size, data, message.size()) != 1 || size == 0)
    throw refuse("EVP_DigestSign (size)");
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data, message.size()) != 1 ||
      size == 0)
    throw refuse("EVP_DigestSign");
  signature.resize(size);
  return signature;
}

URLMINT_DECL std::string set_cookie_value(const cookie& c, const cookie_attributes& attrs) {
  for (std::string_view field : {std::string_view(attrs.domain), std::string_view(attrs.path)})
    for (char ch : field)
      if (ch == ';' || static_cast<unsigned char>(ch) < 0x21 || static_cast<unsigned char>(ch) >= 0x7f)
        throw error(errc::invalid_argument, "cloudfront: cookie Domain/Path \"" + std::string(field) +
                                                "\" contains ';', whitespace or non-ASCII; remove it");
  if (attrs.site == same_site::none && !attrs.secure)
    throw error(errc::invalid_argument, "cloudfront: SameSite=None needs Secure (browsers drop it otherwise)");
  std::string out;
  out.reserve(c.name.size() + c.value.size() + 96);
  out.append(c.name).append(1, '=').append(c.value);
  if (!attrs.domain.empty()) out.append("; Domain=").append(attrs.domain);
  if (!attrs.path.empty()) out.append("; Path=").append(attrs.path);
  if (attrs.max_age) out.append("; Max-Age=").append(std::to_string(*attrs.max_age));
  if (attrs.secure) out.append("; Secure");
  if (attrs.http_only) out.append("; HttpOnly");
  switch (attrs.site) {
    case same_site::unset: break;
    case same_site::strict: out.append("; SameSite=Strict"); break;
    case same_site::lax: out.append("; SameSite=Lax"); break;
    case same_site::none: out.append("; SameSite=None"); break;
  }
  return out;
}

URLMINT_DECL same_site parse_same_site(std::string_view text) {
  const std::string t = sigv4::lowercase(text);
  if (t == "strict") return same_site::strict;
  if (t == "lax") return same_site::lax;
  if (t == "none") return same_site::none;
  throw error(errc::invalid_argument, "cloudfront: SameSite \"" + std::string(text) + "\" is unknown; use Strict, Lax or None");
}

URLMINT_DECL std::optional<time_point> parse_when(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // Later times would overflow the nanosecond count (undefined behaviour; found by fuzzing).
  constexpr std::int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max()).count();
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits) {
    if (text.size() > 12) return std::nullopt;
    std::int64_t v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    if (v >= max_s) return std::nullopt;
    return from_unix_seconds(v);
  }
  std::size_t pos = 0;
  const auto number = [&](std::size_t min_digits, std::size_t max_digits, int& out) {
    std::size_t n = 0;
    int v = 0;
    while (pos < text.size() && n < max_digits && text[pos] >= '0' && text[pos] <= '9') {
      v = v * 10 + (text[pos] - '0');
      ++pos;
      ++n;
    }
    out = v;
    return n >= min_digits;
  };
  const auto expect = [&](char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  civil_time c{};
  if (!number(4, 4, c.year) || !expect('-') || !number(1, 2, c.month) || !expect('-') || !number(1, 2, c.day))
    return std::nullopt;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!number(2, 2, c.hour) || !expect(':') || !number(2, 2, c.minute)) return std::nullopt;
    if (expect(':') && !number(2, 2, c.second)) return std::nullopt;
  }
  int offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      const int sign = text[pos] == '+' ? 1 : -1;
      ++pos;
      int oh = 0, om = 0;
      if (!number(2, 2, oh)) return std::nullopt;
      if (expect(':')) {
        if (!number(2, 2, om)) return std::nullopt;
      } else if (pos < text.size() && !number(2, 2, om)) {
        return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
  }
  if (pos != text.size()) return std::nullopt;
  if (c.year < 1970 || c.month < 1 || c.month > 12 || c.day < 1 ||
      c.day > urlmint::detail::days_in_month(c.year, c.month) || c.hour > 23 || c.minute > 59 || c.second > 59)
    return std::nullopt;
  const std::int64_t seconds = from_civil(c) - offset_seconds;
  if (seconds >= max_s) return std::nullopt;
  return from_unix_seconds(seconds);
}
}  // namespace cloudfront
}  // namespace urlmint

#endif  // URLMINT_IMPL_CLOUDFRONT_IPP
