#ifndef URLMINT_IMPL_CREDENTIAL_FORMATS_IPP
#define URLMINT_IMPL_CREDENTIAL_FORMATS_IPP

// Definitions for credential_formats.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../credential_formats.hpp"

namespace urlmint {
namespace providers {
namespace detail {

URLMINT_DECL void wipe(std::string& s) noexcept {
  secure_wipe(s.data(), s.capacity());
  s.clear();
}
}  // namespace detail

URLMINT_DECL std::optional<time_point> parse_iso8601(std::string_view text) noexcept {
  civil_time c{};
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (!urlmint::detail::parse_digits(text, 0, 4, c.year) || !urlmint::detail::parse_digits(text, 5, 2, c.month) ||
      !urlmint::detail::parse_digits(text, 8, 2, c.day) || !urlmint::detail::parse_digits(text, 11, 2, c.hour) ||
      !urlmint::detail::parse_digits(text, 14, 2, c.minute) || !urlmint::detail::parse_digits(text, 17, 2, c.second))
    return std::nullopt;
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > urlmint::detail::days_in_month(c.year, c.month) || c.hour > 23 ||
      c.minute > 59 || c.second > 60)
    return std::nullopt;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z" || zone == "UTC") {  // "UTC": botocore's JSONFileCache writes strftime %Z
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!urlmint::detail::parse_digits(zone, 1, 2, oh) || !urlmint::detail::parse_digits(zone, 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (zone[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (c.second == 60) c.second = 59;  // a leap second: the credential is good until the minute ends anyway
  // time_point holds 1677..2262 (64-bit nanoseconds); converting a year outside that would
  // overflow (undefined behaviour, found by fuzzing). Credential tools do write expirations
  // such as 9999-12-31, which mean "never", so clamp instead of rejecting.
  constexpr std::int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max()).count();
  const std::int64_t seconds = std::max(-max_s, std::min(max_s, from_civil(c) - offset));
  return from_unix_seconds(seconds);
}

URLMINT_DECL std::string format_iso8601(time_point t) {
  const civil_time c = to_civil(to_unix_seconds(t));
  char out[21];
  urlmint::detail::put_digits(out, c.year, 4);
  out[4] = '-';
  urlmint::detail::put_digits(out + 5, c.month, 2);
  out[7] = '-';
  urlmint::detail::put_digits(out + 8, c.day, 2);
  out[10] = 'T';
  urlmint::detail::put_digits(out + 11, c.hour, 2);
  out[13] = ':';
  urlmint::detail::put_digits(out + 14, c.minute, 2);
  out[16] = ':';
  urlmint::detail::put_digits(out + 17, c.second, 2);
  out[19] = 'Z';
  out[20] = '\0';
  return std::string(out, 20);
}

URLMINT_DECL json_object parse_json_object(std::string_view text, std::string_view source) {
  json_object out;
  detail::json_reader reader(text);
  if (!reader.parse(out))
    throw error(errc::invalid_credentials, std::string(source) + ": response is not a valid JSON object (error near byte " +
                                               std::to_string(reader.position()) + ")");
  return out;
}
namespace detail {

URLMINT_DECL std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    const std::string_view entity = s.substr(i + 1, semi - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      unsigned long cp = 0;
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      for (std::size_t k = hex ? 2 : 1; k < entity.size(); ++k) {
        const char c = entity[k];
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0 || cp > 0x10FFFF) {
          cp = 0x110000;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(d);
      }
      if (cp > 0x10FFFF) {
        out.append(s.substr(i, semi - i + 1));
        i = semi;
        continue;
      }
      std::string utf8;
      if (cp < 0x80) {
        utf8 += static_cast<char>(cp);
      } else if (cp < 0x800) {
        utf8 += static_cast<char>(0xC0 | (cp >> 6));
        utf8 += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        utf8 += static_cast<char>(0xE0 | (cp >> 12));
        utf8 += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        utf8 += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        utf8 += static_cast<char>(0xF0 | (cp >> 18));
        utf8 += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        utf8 += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        utf8 += static_cast<char>(0x80 | (cp & 0x3F));
      }
      out += utf8;
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

URLMINT_DECL std::optional<std::string> xml_element(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const auto end = xml.find(close, start + open.size());
  if (end == std::string_view::npos) return std::nullopt;
  return xml_unescape(xml.substr(start + open.size(), end - start - open.size()));
}
}  // namespace detail

URLMINT_DECL credentials parse_sts_credentials(std::string_view xml, std::string_view source) {
  const std::string where(source);
  if (xml.find("<ErrorResponse") != std::string_view::npos || xml.find("<Error>") != std::string_view::npos) {
    std::string code = detail::xml_element(xml, "Code").value_or("unknown");
    std::string message = detail::xml_element(xml, "Message").value_or("");
    if (message.size() > 200) message = message.substr(0, 200) + "...";
    throw error(errc::service, where + ": STS refused: " + code + (message.empty() ? "" : ": " + message));
  }
  const auto creds_start = xml.find("<Credentials>");
  const auto creds_end = xml.find("</Credentials>");
  if (creds_start == std::string_view::npos || creds_end == std::string_view::npos || creds_end < creds_start)
    throw error(errc::invalid_credentials, where + ": STS response has no <Credentials> element");
  const std::string_view block = xml.substr(creds_start, creds_end - creds_start);
  const auto need = [&](std::string_view tag) {
    auto v = detail::xml_element(block, tag);
    if (!v || v->empty())
      throw error(errc::invalid_credentials, where + ": STS response has no <" + std::string(tag) + "> in <Credentials>");
    return std::move(*v);
  };
  std::string id = need("AccessKeyId");
  std::string secret = need("SecretAccessKey");
  std::string token = need("SessionToken");
  const std::string expiration = need("Expiration");
  credentials c(id, secret, token);
  detail::wipe(secret);
  detail::wipe(token);
  c.expiration = parse_iso8601(expiration);
  // Quote the value only when it cannot be the rest of a garbled document: an unclosed
  // <Expiration> would otherwise run on over the session token (found by fuzzing).
  const bool quotable = expiration.size() <= 40 && expiration.find('<') == std::string::npos;
  if (!c.expiration)
    throw error(errc::invalid_credentials, where + ": STS Expiration " + (quotable ? "\"" + expiration + "\" " : "") +
                                               "is not an ISO 8601 time");
  return c;
}

URLMINT_DECL credentials parse_json_credentials(std::string_view json, json_credentials_format format,
                                          std::string_view source) {
  const std::string where(source);
  const json_object doc = parse_json_object(json, source);
  const auto field = [&](std::string_view name, bool required) -> const json_member* {
    const auto it = doc.find(std::string(name));
    if (it == doc.end() || it->second.type == json_member::kind::null) {
      if (required) throw error(errc::invalid_credentials, where + ": JSON has no \"" + std::string(name) + "\" field");
      return nullptr;
    }
    if (it->second.type != json_member::kind::string || (required && it->second.text.empty()))
      throw error(errc::invalid_credentials, where + ": JSON field \"" + std::string(name) + "\" must be a non-empty string");
    return &it->second;
  };
  if (format == json_credentials_format::metadata) {
    // IMDS answers 200 with {"Code": "...", "Message": ...} when the role cannot be assumed.
    const auto code = doc.find("Code");
    if (code != doc.end() && code->second.type == json_member::kind::string && code->second.text.reveal() != "Success")
      throw error(errc::service, where + ": metadata service answered Code \"" +
                                     std::string(code->second.text.reveal().substr(0, 64)) + "\" instead of credentials");
  } else {
    const auto version = doc.find("Version");
    if (version == doc.end())
      throw error(errc::invalid_credentials, where + ": JSON has no \"Version\" field; the output must have \"Version\": 1");
    if (version->second.type != json_member::kind::number || version->second.text.reveal() != "1")
      throw error(errc::invalid_credentials, where + ": JSON \"Version\" must be the number 1");
  }
  const bool metadata = format == json_credentials_format::metadata;
  const json_member* id = field("AccessKeyId", true);
  const json_member* secret = field("SecretAccessKey", true);
  const json_member* token = field(metadata ? "Token" : "SessionToken", metadata);
  const json_member* expiration = field("Expiration", metadata);
  credentials c(id->text.reveal(), secret->text.reveal(), token != nullptr ? token->text.reveal() : std::string_view());
  if (expiration != nullptr) {
    c.expiration = parse_iso8601(expiration->text.reveal());
    if (!c.expiration)
      throw error(errc::invalid_credentials, where + ": JSON \"Expiration\" \"" +
                                                 std::string(expiration->text.reveal().substr(0, 40)) +
                                                 "\" is not an ISO 8601 time like 2026-01-01T00:00:00Z");
  }
  return c;
}

URLMINT_DECL ini_document parse_ini(std::string_view text, std::string_view path) {
  ini_document doc;
  doc.path.assign(path);
  const auto fail = [&](std::size_t line, const std::string& why) {
    return error(errc::invalid_argument,
                 "config file " + doc.path + " line " + std::to_string(line) + ": " + why);
  };
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  };
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 BOM
  ini_section* current = nullptr;
  bool in_value = false;
  std::size_t key_indent = 0;  // a continuation line is indented deeper than its key
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = find_or_end(text, '\n', pos);
    const std::string_view raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty()) {
      in_value = false;
      continue;
    }
    if (line.front() == '#' || line.front() == ';') continue;
    const std::size_t indent = raw.find_first_not_of(" \t");
    if (indent > key_indent && in_value && current != nullptr && !current->entries.empty()) {
      secret_string& value = current->entries.back().second;
      std::string joined(value.reveal());
      joined.append(1, '\n').append(line);
      value = secret_string(joined);
      detail::wipe(joined);
      continue;
    }
    if (line.front() == '[') {
      const auto close = line.rfind(']');
      if (close == std::string_view::npos) throw fail(line_no, "section header has no closing ']'");
      const std::string name(trim(line.substr(1, close - 1)));
      if (name.empty()) throw fail(line_no, "section header [] is empty");
      if (doc.find(name) != nullptr) throw fail(line_no, "section [" + name + "] appears twice; merge them");
      doc.sections.push_back(ini_section{name, {}, line_no});
      current = &doc.sections.back();
      in_value = false;
      continue;
    }
    const auto delim = line.find_first_of("=:");
    if (delim == std::string_view::npos)
      throw fail(line_no, "expected 'key = value', a [section] or a # comment");
    if (current == nullptr) throw fail(line_no, "'key = value' before any [section]; add a [default] header above it");
    const std::string key = sigv4::lowercase(trim(line.substr(0, delim)));
    if (key.empty()) throw fail(line_no, "the key before '" + std::string(1, line[delim]) + "' is empty");
    if (current->find(key) != nullptr)
      throw fail(line_no, "key " + key + " appears twice in [" + current->name + "]; keep one");
    current->entries.emplace_back(key, secret_string(trim(line.substr(delim + 1))));
    in_value = true;
    key_indent = indent;
  }
  return doc;
}
}  // namespace providers
}  // namespace urlmint

#endif  // URLMINT_IMPL_CREDENTIAL_FORMATS_IPP
