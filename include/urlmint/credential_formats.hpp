#ifndef URLMINT_CREDENTIAL_FORMATS_HPP
#define URLMINT_CREDENTIAL_FORMATS_HPP

// The documents credentials arrive in, parsed strictly and without echoing their contents:
// ISO 8601 expirations, the flat JSON of credential_process and the metadata endpoints, STS's
// XML answers, and the AWS CLI's INI files. Pure functions; providers.hpp does the I/O.

#include <cstdint>  // std::int64_t
#include <map>      // std::map
#include <optional>  // std::optional
#include <set>       // std::set: duplicate names in nested objects
#include <string>
#include <string_view>
#include <utility>  // std::move, std::pair
#include <vector>

#include "config.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "sigv4.hpp"  // sigv4::lowercase
#include "time.hpp"

namespace urlmint {
namespace providers {

namespace detail {

// Credential documents are wiped as soon as they are parsed.
URLMINT_DECL void wipe(std::string& s) noexcept;

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Small parsers: ISO 8601 times, flat JSON objects, STS's XML, INI files.

/// Parses an ISO 8601 UTC time as AWS writes Expiration: "2026-11-25T21:00:00Z", with optional
/// fractional seconds and a "Z", "UTC", "+HH:MM" or "-HH:MM" offset. Returns nullopt for anything else.
URLMINT_DECL std::optional<time_point> parse_iso8601(std::string_view text) noexcept;

/// Formats `t` as "YYYY-MM-DDTHH:MM:SSZ" (for messages and the CLI).
URLMINT_DECL std::string format_iso8601(time_point t);

/// One top-level member of a JSON object, as parse_json_object returns it.
struct json_member {
  enum class kind { string, number, boolean, null, nested };
  kind type = kind::null;
  secret_string text;  ///< the decoded string, the literal number / true / false, or the raw JSON of a nested value
  std::size_t order = 0;  ///< its position among the object's members (0 first), to write them back in order
};

/// The top-level members of a JSON object, by name.
using json_object = std::map<std::string, json_member>;

namespace detail {

// A strict JSON reader (RFC 8259) that keeps the top level of one object: nested values are
// checked for syntax and kept as their raw JSON text, for parse_json_object() to read again.
class json_reader {
 public:
  explicit json_reader(std::string_view text) : s_(text) {}

  bool parse(json_object& out) {
    skip_ws();
    if (!parse_object(&out, 0)) return false;
    skip_ws();
    return pos_ == s_.size();
  }
  std::size_t position() const noexcept { return pos_; }

 private:
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool hex4(unsigned long& v) {
    if (pos_ + 4 > s_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned long>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned long>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned long>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  bool parse_string(std::string& out) {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) return false;
      const char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned long cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned long low;
            if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') return false;
            pos_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          urlmint::append_utf8(out, static_cast<std::uint32_t>(cp));
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool parse_number(std::string& out) {
    const std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    const auto digits = [&] {
      const std::size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    if (pos_ < s_.size() && s_[pos_] == '0') ++pos_;
    else if (digits() == 0) return false;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return false;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return false;
    }
    out.assign(s_.substr(start, pos_ - start));
    return true;
  }
  bool parse_literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // Parses any value; fills `member` when given (top level), else only checks it.
  bool parse_value(json_member* member, int depth) {
    skip_ws();
    if (pos_ >= s_.size() || depth > 32) return false;
    const char c = s_[pos_];
    const std::size_t start = pos_;
    std::string text;
    json_member::kind k;
    if (c == '{') {
      if (!parse_object(nullptr, depth + 1)) return false;
      k = json_member::kind::nested;
      text.assign(s_.substr(start, pos_ - start));  // parse_json_object() reads it again
    } else if (c == '[') {
      ++pos_;
      if (!eat(']')) {
        do {
          if (!parse_value(nullptr, depth + 1)) return false;
        } while (eat(','));
        if (!eat(']')) return false;
      }
      k = json_member::kind::nested;
      text.assign(s_.substr(start, pos_ - start));
    } else if (c == '"') {
      if (!parse_string(text)) return false;
      k = json_member::kind::string;
    } else if (c == 't' || c == 'f') {
      if (!parse_literal(c == 't' ? "true" : "false")) return false;
      text = c == 't' ? "true" : "false";
      k = json_member::kind::boolean;
    } else if (c == 'n') {
      if (!parse_literal("null")) return false;
      k = json_member::kind::null;
    } else {
      if (!parse_number(text)) return false;
      k = json_member::kind::number;
    }
    if (member != nullptr) {
      member->type = k;
      member->text = secret_string(text);
    }
    wipe(text);
    return true;
  }
  bool parse_object(json_object* out, int depth) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    std::set<std::string> seen;  // nested objects too: they are parsed again when read (found by fuzzing)
    do {
      std::string name;
      if (!parse_string(name) || !eat(':')) return false;
      if (out == nullptr && !seen.insert(name).second) return false;
      json_member m;
      if (!parse_value(out != nullptr ? &m : nullptr, depth)) return false;
      if (out != nullptr) {
        if (out->count(name) != 0) return false;  // a duplicate key is ambiguous: which secret wins?
        m.order = out->size();
        (*out)[name] = std::move(m);
      }
    } while (eat(','));
    return eat('}');
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace detail

/// Parses a JSON object and returns its top-level members. Throws errc::invalid_credentials
/// naming `source` and the byte offset (never the text, which may hold secrets) when `text` is
/// not exactly one valid JSON object or repeats a member name.
URLMINT_DECL json_object parse_json_object(std::string_view text, std::string_view source);

namespace detail {

URLMINT_DECL std::string xml_unescape(std::string_view s);

// The text of the first <tag>...</tag> inside `xml`, unescaped; nullopt when absent.
URLMINT_DECL std::optional<std::string> xml_element(std::string_view xml, std::string_view tag);

}  // namespace detail

/// Credentials from an STS response body (AssumeRoleWithWebIdentity, AssumeRole): the
/// <Credentials> element's AccessKeyId, SecretAccessKey, SessionToken and Expiration.
/// Throws errc::service with STS's error code and message for an <ErrorResponse>, and
/// errc::invalid_credentials naming the missing element otherwise.
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
URLMINT_DECL credentials parse_sts_credentials(std::string_view xml, std::string_view source);

/// Which fields a JSON credentials document must have.
enum class json_credentials_format {
  /// credential_process output: Version 1, AccessKeyId, SecretAccessKey, optional SessionToken
  /// and Expiration (no Expiration: long-term keys, never refreshed).
  /// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
  process,
  /// ECS container and EC2 instance metadata: AccessKeyId, SecretAccessKey, Token, Expiration.
  metadata,
};

/// Credentials from a JSON document (credential_process output, container or instance
/// metadata). Throws errc::invalid_credentials naming `source` and the missing or malformed
/// field, never a value.
URLMINT_DECL credentials parse_json_credentials(std::string_view json, json_credentials_format format,
                                          std::string_view source);

/// One [section] of an INI file, keys lowercased (as the AWS CLI reads them), values trimmed.
/// Values are held as secrets because aws_secret_access_key is one of them.
struct ini_section {
  std::string name;  ///< the text between '[' and ']', trimmed: "default", "profile dev"
  std::vector<std::pair<std::string, secret_string>> entries;  ///< (lowercase key, value) in file order
  std::size_t line = 0;  ///< where the header is, for messages

  /// The value of `key` (lowercase), or nullptr.
  const secret_string* find(std::string_view key) const {
    for (const auto& e : entries)
      if (e.first == key) return &e.second;
    return nullptr;
  }
};

/// A parsed INI file.
struct ini_document {
  std::string path;  ///< the file it came from, for messages
  std::vector<ini_section> sections;  ///< in file order

  /// The section named `name`, or nullptr.
  const ini_section* find(std::string_view name) const {
    for (const auto& s : sections)
      if (s.name == name) return &s;
    return nullptr;
  }
};

/// Parses INI text the way the AWS CLI (Python's configparser) does: "[section]" headers;
/// "key = value" or "key: value" with whitespace trimmed and keys lowercased; full-line
/// comments starting with '#' or ';' (a '#' after a value is part of the value); indented
/// lines continue the previous value (nested settings such as "s3 =\n  max_bandwidth = 1MB").
/// Throws errc::invalid_argument naming `path` and the line (never its text, which may hold a
/// secret) for a key outside a section, a line that is none of these, an unclosed header, or a
/// duplicate section or key.
/// https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
URLMINT_DECL ini_document parse_ini(std::string_view text, std::string_view path);

}  // namespace providers
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/credential_formats.ipp"
#endif

#endif  // URLMINT_CREDENTIAL_FORMATS_HPP
