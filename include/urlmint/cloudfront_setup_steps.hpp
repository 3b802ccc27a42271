#ifndef URLMINT_CLOUDFRONT_SETUP_STEPS_HPP
#define URLMINT_CLOUDFRONT_SETUP_STEPS_HPP

// The pure steps of a CloudFront setup that are not API calls: merging the seed's
// AllowCloudFrontServicePrincipal statement into a bucket policy (keeping every other
// statement, never adding it twice), checking that a policy lets a distribution read the
// bucket, setting one KEY=VALUE line of an env file, and checking a CLOUDFRONT_DOMAIN value.
// Included by cloudfront_setup.hpp. libcrypto only (nothing here touches the network).

#include <algorithm>  // std::min
#include <cstddef>    // std::size_t
#include <cstdint>    // std::uint32_t
#include <string>
#include <string_view>
#include <vector>

#include "cloudfront.hpp"  // normalize_domain
#include "config.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "post.hpp"  // json_quote
#include "s3.hpp"    // aws_bucket_name_problem

namespace urlmint {
namespace cloudfront {

/// The Sid of the bucket policy statement the seed pastes (step 2).
inline constexpr std::string_view oac_statement_sid = "AllowCloudFrontServicePrincipal";

// ---------------------------------------------------------------------------------------------
// A small JSON document model: bucket policies are arbitrary JSON, and a merge must keep
// whatever it does not understand.

namespace json {

/// One JSON value. Object members keep their order.
struct value {
  enum class type { null, boolean, number, string, array, object };
  type kind = type::null;
  std::string text;                ///< a string's decoded text; a number's or boolean's literal
  std::vector<value> items;        ///< array elements, or object member values
  std::vector<std::string> names;  ///< object member names (parallel to items)

  /// The member called `name` of an object, or nullptr.
  const value* get(std::string_view name) const {
    if (kind != type::object) return nullptr;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return &items[i];
    return nullptr;
  }
  value* get(std::string_view name) { return const_cast<value*>(static_cast<const value&>(*this).get(name)); }

  static value string(std::string s) {
    value v;
    v.kind = type::string;
    v.text = std::move(s);
    return v;
  }
  static value object() {
    value v;
    v.kind = type::object;
    return v;
  }
  /// Adds member `name` to an object and returns it.
  value& add(std::string name, value v) {
    names.push_back(std::move(name));
    items.push_back(std::move(v));
    return items.back();
  }
};

namespace detail {

class parser {
 public:
  explicit parser(std::string_view s) : s_(s) {}

  value document() {
    value v = any(0);
    blanks();
    if (at_ < s_.size()) fail();
    return v;
  }

 private:
  [[noreturn]] void fail() const {
    throw error(errc::invalid_argument, "cloudfront: the bucket policy is not valid JSON (near byte " +
                                            std::to_string(at_) + "); fix it in the S3 console first");
  }
  void blanks() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\n' || s_[at_] == '\r' || s_[at_] == '\t')) ++at_;
  }
  bool next_is(char c) {
    blanks();
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!next_is(c)) fail();
  }
  unsigned code_unit() {
    if (at_ + 4 > s_.size()) fail();
    unsigned u = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char h = s_[at_++];
      const char* digit = std::char_traits<char>::find(urlmint::detail::hex_digits_lower, 16,
                                                       static_cast<char>(h >= 'A' && h <= 'F' ? h + 32 : h));
      if (digit == nullptr) fail();
      u = u * 16 + static_cast<unsigned>(digit - urlmint::detail::hex_digits_lower);
    }
    return u;
  }
  std::string quoted() {
    expect('"');
    std::string out;
    for (;;) {
      if (at_ >= s_.size()) fail();
      const char c = s_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail();
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= s_.size()) fail();
      const char e = s_[at_++];
      static constexpr std::string_view from = "\"\\/bfnrt", to = "\"\\/\b\f\n\r\t";
      if (const auto k = from.find(e); k != std::string_view::npos) {
        out += to[k];
      } else if (e == 'u') {
        std::uint32_t cp = code_unit();
        if (cp >= 0xDC00 && cp <= 0xDFFF) fail();
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (s_.substr(at_, 2) != "\\u") fail();
          at_ += 2;
          const unsigned low = code_unit();
          if (low < 0xDC00 || low > 0xDFFF) fail();
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, cp);
      } else {
        fail();
      }
    }
  }
  value any(int depth) {
    blanks();
    if (depth > 64 || at_ >= s_.size()) fail();
    value v;
    const char c = s_[at_];
    if (c == '{') {
      ++at_;
      v.kind = value::type::object;
      if (next_is('}')) return v;
      do {
        std::string name = quoted();
        expect(':');
        v.add(std::move(name), any(depth + 1));
      } while (next_is(','));
      expect('}');
    } else if (c == '[') {
      ++at_;
      v.kind = value::type::array;
      if (next_is(']')) return v;
      do v.items.push_back(any(depth + 1));
      while (next_is(','));
      expect(']');
    } else if (c == '"') {
      v.kind = value::type::string;
      v.text = quoted();
    } else {
      for (std::string_view word : {"true", "false", "null"})
        if (s_.substr(at_, word.size()) == word) {
          at_ += word.size();
          v.kind = word == "null" ? value::type::null : value::type::boolean;
          v.text.assign(word);
          return v;
        }
      v.kind = value::type::number;
      v.text = number();
    }
    return v;
  }
  // RFC 8259's number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  std::string number() {
    const std::size_t start = at_;
    const auto digits = [&] {
      const std::size_t from = at_;
      while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
      if (at_ == from) fail();
    };
    if (at_ < s_.size() && s_[at_] == '-') ++at_;
    if (at_ < s_.size() && s_[at_] == '0') ++at_;
    else digits();
    if (at_ < s_.size() && s_[at_] == '.') {
      ++at_;
      digits();
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) ++at_;
      digits();
    }
    return std::string(s_.substr(start, at_ - start));
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

}  // namespace detail

/// Parses one JSON value; throws errc::invalid_argument naming the byte where it breaks.
URLMINT_DECL value parse(std::string_view text);

/// Writes `v` compactly (no spaces), strings escaped as Python's json.dumps does.
URLMINT_DECL void write(std::string& out, const value& v);

URLMINT_DECL std::string write(const value& v);

}  // namespace json

// ---------------------------------------------------------------------------------------------
// The bucket policy.

namespace detail {

// Whether `v` is the string `s`, or an array holding it (IAM's "one or a list").
URLMINT_DECL bool holds(const json::value* v, std::string_view s, bool ignore_case = false);

URLMINT_DECL std::string arn_partition(std::string_view arn);

// Whether a statement lets CloudFront's service principal read `bucket`'s objects for the
// distribution `arn` (AWS:SourceArn under StringEquals, StringLike, ArnEquals or ArnLike).
URLMINT_DECL bool grants(const json::value& st, std::string_view bucket, std::string_view arn);

URLMINT_DECL json::value parse_policy(std::string_view policy);

// The statements of a policy (a single statement object counts as one).
URLMINT_DECL std::vector<const json::value*> statements(const json::value& doc);

}  // namespace detail

/// Throws errc::invalid_argument unless `policy` is empty or a JSON object (a policy setup can
/// merge into), so a setup fails before it creates anything.
URLMINT_DECL void check_bucket_policy(std::string_view policy);

/// Whether the bucket policy JSON `policy` lets distribution `distribution_arn` read `bucket`
/// through an OAC (an Allow of s3:GetObject on arn:aws:s3:::B/* to cloudfront.amazonaws.com
/// with AWS:SourceArn equal to the ARN). Throws errc::invalid_argument for JSON that is not
/// an object.
URLMINT_DECL bool policy_allows_distribution(std::string_view policy, std::string_view bucket,
                                       std::string_view distribution_arn);

/// The seed's statement (step 2) for `bucket` and `distribution_arn`, with Sid `sid`.
URLMINT_DECL json::value oac_statement(std::string_view bucket, std::string_view distribution_arn, std::string_view sid);

/// A merged bucket policy.
struct policy_merge {
  std::string policy;    ///< the policy to put (compact JSON); the input unchanged when `changed` is false
  bool changed = false;  ///< whether a statement was added
};

/// Merges the seed's AllowCloudFrontServicePrincipal statement for `distribution_arn` into
/// `existing` (a bucket policy's JSON; empty when the bucket has none). Every other statement
/// and member is kept in order; nothing is added when a statement already grants this
/// distribution. When another statement already uses the Sid (e.g. for an older distribution),
/// the new one is named AllowCloudFrontServicePrincipal<ID> instead. Throws
/// errc::invalid_argument for a policy that is not a JSON object.
URLMINT_DECL policy_merge merge_oac_statement(std::string_view existing, std::string_view bucket,
                                        std::string_view distribution_arn);

// ---------------------------------------------------------------------------------------------
// Env files and domains.

/// `content` (a KEY=VALUE file such as .env) with the line of `name` set to `name=value`: the
/// first `name=` (or `export name=`) line is replaced in place (its `export ` kept), later ones
/// are dropped, and every other line is kept byte for byte. Without one, the line is appended
/// (after a newline when the file does not end with one). `value` is written as is.
URLMINT_DECL std::string set_env_line(std::string_view content, std::string_view name, std::string_view value);

/// What is wrong with a CLOUDFRONT_DOMAIN value, or "" for a bare host name: a scheme
/// (https:// pasted from the console), a path or trailing slash, or anything that is not a
/// host name. The message says what to write instead.
URLMINT_DECL std::string domain_problem(std::string_view domain);

/// One line of `urlmint cloudfront doctor`.
struct check {
  std::string name;    ///< e.g. "bucket policy"
  bool ok = false;
  std::string detail;  ///< what was found; for a problem, what to do
};

/// Explains the answer to a HEAD of https://DOMAIN/KEY (the object check).
URLMINT_DECL check explain_object_status(long status, std::string_view url);

}  // namespace cloudfront
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/cloudfront_setup_steps.ipp"
#endif

#endif  // URLMINT_CLOUDFRONT_SETUP_STEPS_HPP
