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
inline value parse(std::string_view text) { return detail::parser(text).document(); }

/// Writes `v` compactly (no spaces), strings escaped as Python's json.dumps does.
inline void write(std::string& out, const value& v) {
  switch (v.kind) {
    case value::type::null: out += "null"; break;
    case value::type::boolean:
    case value::type::number: out += v.text; break;
    case value::type::string: out += post::json_quote(v.text); break;
    case value::type::array:
    case value::type::object: {
      const bool object = v.kind == value::type::object;
      out += object ? '{' : '[';
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ',';
        if (object) out.append(post::json_quote(v.names[i])).append(1, ':');
        write(out, v.items[i]);
      }
      out += object ? '}' : ']';
      break;
    }
  }
}

inline std::string write(const value& v) {
  std::string out;
  write(out, v);
  return out;
}

}  // namespace json

// ---------------------------------------------------------------------------------------------
// The bucket policy.

namespace detail {

// Whether `v` is the string `s`, or an array holding it (IAM's "one or a list").
inline bool holds(const json::value* v, std::string_view s, bool ignore_case = false) {
  if (v == nullptr) return false;
  const auto same = [&](const json::value& x) {
    return x.kind == json::value::type::string && (ignore_case ? ascii_iequals(x.text, s) : x.text == s);
  };
  if (same(*v)) return true;
  if (v->kind != json::value::type::array) return false;
  for (const auto& x : v->items)
    if (same(x)) return true;
  return false;
}

inline std::string arn_partition(std::string_view arn) {
  const auto end = arn.find(':', 4);
  return arn.rfind("arn:", 0) == 0 && end != std::string_view::npos ? std::string(arn.substr(4, end - 4)) : "aws";
}

// Whether a statement lets CloudFront's service principal read `bucket`'s objects for the
// distribution `arn` (AWS:SourceArn under StringEquals, StringLike, ArnEquals or ArnLike).
inline bool grants(const json::value& st, std::string_view bucket, std::string_view arn) {
  if (st.kind != json::value::type::object || !holds(st.get("Effect"), "Allow")) return false;
  const json::value* principal = st.get("Principal");
  if (principal == nullptr || !holds(principal->get("Service"), "cloudfront.amazonaws.com")) return false;
  const json::value* action = st.get("Action");
  if (!holds(action, "s3:GetObject", true) && !holds(action, "s3:*") && !holds(action, "*")) return false;
  if (!holds(st.get("Resource"), "arn:" + arn_partition(arn) + ":s3:::" + std::string(bucket) + "/*")) return false;
  const json::value* condition = st.get("Condition");
  if (condition == nullptr || condition->kind != json::value::type::object) return false;
  for (std::size_t i = 0; i < condition->items.size(); ++i) {
    const std::string& op = condition->names[i];
    if (op != "StringEquals" && op != "StringLike" && op != "ArnEquals" && op != "ArnLike") continue;
    const json::value& keys = condition->items[i];
    if (keys.kind != json::value::type::object) continue;
    for (std::size_t k = 0; k < keys.items.size(); ++k)
      if (ascii_iequals(keys.names[k], "AWS:SourceArn") && holds(&keys.items[k], arn)) return true;
  }
  return false;
}

inline json::value parse_policy(std::string_view policy) {
  json::value doc = json::parse(policy);
  if (doc.kind != json::value::type::object)
    throw error(errc::invalid_argument, "cloudfront: the bucket policy is not a JSON object; fix it in the S3 console first");
  return doc;
}

// The statements of a policy (a single statement object counts as one).
inline std::vector<const json::value*> statements(const json::value& doc) {
  std::vector<const json::value*> out;
  const json::value* s = doc.get("Statement");
  if (s == nullptr) return out;
  if (s->kind == json::value::type::array)
    for (const auto& x : s->items) out.push_back(&x);
  else
    out.push_back(s);
  return out;
}

}  // namespace detail

/// Throws errc::invalid_argument unless `policy` is empty or a JSON object (a policy setup can
/// merge into), so a setup fails before it creates anything.
inline void check_bucket_policy(std::string_view policy) {
  if (policy.find_first_not_of(" \t\r\n") != std::string_view::npos) (void)detail::parse_policy(policy);
}

/// Whether the bucket policy JSON `policy` lets distribution `distribution_arn` read `bucket`
/// through an OAC (an Allow of s3:GetObject on arn:aws:s3:::B/* to cloudfront.amazonaws.com
/// with AWS:SourceArn equal to the ARN). Throws errc::invalid_argument for JSON that is not
/// an object.
inline bool policy_allows_distribution(std::string_view policy, std::string_view bucket,
                                       std::string_view distribution_arn) {
  const json::value doc = detail::parse_policy(policy);
  for (const json::value* st : detail::statements(doc))
    if (detail::grants(*st, bucket, distribution_arn)) return true;
  return false;
}

/// The seed's statement (step 2) for `bucket` and `distribution_arn`, with Sid `sid`.
inline json::value oac_statement(std::string_view bucket, std::string_view distribution_arn, std::string_view sid) {
  json::value st = json::value::object();
  st.add("Sid", json::value::string(std::string(sid)));
  st.add("Effect", json::value::string("Allow"));
  st.add("Principal", json::value::object()).add("Service", json::value::string("cloudfront.amazonaws.com"));
  st.add("Action", json::value::string("s3:GetObject"));
  st.add("Resource", json::value::string("arn:" + detail::arn_partition(distribution_arn) + ":s3:::" +
                                         std::string(bucket) + "/*"));
  st.add("Condition", json::value::object())
      .add("StringEquals", json::value::object())
      .add("AWS:SourceArn", json::value::string(std::string(distribution_arn)));
  return st;
}

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
inline policy_merge merge_oac_statement(std::string_view existing, std::string_view bucket,
                                        std::string_view distribution_arn) {
  const std::string problem = s3::aws_bucket_name_problem(bucket);
  if (!problem.empty()) throw error(errc::invalid_argument, "cloudfront: bucket name \"" + std::string(bucket) + "\" " + problem);
  const auto slash = distribution_arn.rfind("/");
  if (distribution_arn.rfind("arn:", 0) != 0 || distribution_arn.find(":cloudfront::") == std::string_view::npos ||
      slash == std::string_view::npos)
    throw error(errc::invalid_argument, "cloudfront: \"" + std::string(distribution_arn) +
                                            "\" is not a distribution ARN like arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE");
  std::string_view blank = existing;
  while (!blank.empty() && (blank.front() == ' ' || blank.front() == '\n' || blank.front() == '\r' || blank.front() == '\t'))
    blank.remove_prefix(1);
  json::value doc;
  if (blank.empty()) {
    doc = json::value::object();
    doc.add("Version", json::value::string("2012-10-17"));
  } else {
    doc = detail::parse_policy(existing);
  }
  bool sid_taken = false;
  for (const json::value* st : detail::statements(doc)) {
    if (detail::grants(*st, bucket, distribution_arn)) return {std::string(existing), false};
    sid_taken = sid_taken || detail::holds(st->get("Sid"), oac_statement_sid);
  }
  const std::string sid = std::string(oac_statement_sid) + (sid_taken ? std::string(distribution_arn.substr(slash + 1)) : "");
  json::value* list = doc.get("Statement");
  if (list == nullptr) {
    list = &doc.add("Statement", json::value());
    list->kind = json::value::type::array;
  } else if (list->kind != json::value::type::array) {
    json::value single = std::move(*list);
    *list = json::value();
    list->kind = json::value::type::array;
    list->items.push_back(std::move(single));
  }
  list->items.push_back(oac_statement(bucket, distribution_arn, sid));
  return {json::write(doc), true};
}

// ---------------------------------------------------------------------------------------------
// Env files and domains.

/// `content` (a KEY=VALUE file such as .env) with the line of `name` set to `name=value`: the
/// first `name=` (or `export name=`) line is replaced in place (its `export ` kept), later ones
/// are dropped, and every other line is kept byte for byte. Without one, the line is appended
/// (after a newline when the file does not end with one). `value` is written as is.
inline std::string set_env_line(std::string_view content, std::string_view name, std::string_view value) {
  std::string out;
  bool done = false;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    const bool has_newline = end != std::string_view::npos;
    if (!has_newline) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    pos = has_newline ? end + 1 : end;
    std::string_view rest = line;
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    std::string prefix;
    if (rest.rfind("export ", 0) == 0) {
      prefix = "export ";
      rest.remove_prefix(7);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
    std::string_view after = rest.substr(std::min(rest.size(), name.size()));
    while (!after.empty() && (after.front() == ' ' || after.front() == '\t')) after.remove_prefix(1);
    const bool match = rest.substr(0, name.size()) == name && !after.empty() && after.front() == '=';
    if (!match) {
      out.append(line);
      if (has_newline) out += '\n';
      continue;
    }
    if (done) continue;
    done = true;
    const bool crlf = !line.empty() && line.back() == '\r';
    out.append(prefix).append(name).append(1, '=').append(value).append(crlf ? "\r\n" : "\n");
  }
  if (!done) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    out.append(name).append(1, '=').append(value).append(1, '\n');
  }
  return out;
}

/// What is wrong with a CLOUDFRONT_DOMAIN value, or "" for a bare host name: a scheme
/// (https:// pasted from the console), a path or trailing slash, or anything that is not a
/// host name. The message says what to write instead.
inline std::string domain_problem(std::string_view domain) {
  std::string host;
  try {
    host = normalize_domain(domain);
  } catch (const error& e) {
    return e.what();
  }
  if (domain.find("://") != std::string_view::npos)
    return "the domain \"" + std::string(domain) + "\" has a scheme; write only the host: CLOUDFRONT_DOMAIN=" + host;
  if (domain != host && domain.find('/') != std::string_view::npos)
    return "the domain \"" + std::string(domain) + "\" ends with '/'; write only the host: CLOUDFRONT_DOMAIN=" + host;
  return {};
}

/// One line of `urlmint cloudfront doctor`.
struct check {
  std::string name;    ///< e.g. "bucket policy"
  bool ok = false;
  std::string detail;  ///< what was found; for a problem, what to do
};

/// Explains the answer to a HEAD of https://DOMAIN/KEY (the object check).
inline check explain_object_status(long status, std::string_view url) {
  const std::string u(url);
  if (status >= 200 && status < 300) return {"object", true, "HEAD " + u + " answered " + std::to_string(status)};
  if (status == 403)
    return {"object", false,
            "HEAD " + u + " answered 403: either no object has this key (without s3:ListBucket S3 answers 403, not "
                          "404, for a missing key) or the bucket policy does not allow this distribution; check the "
                          "key with 'urlmint s3 cp s3://BUCKET/KEY -' and the bucket policy check above"};
  if (status == 404)
    return {"object", false, "HEAD " + u + " answered 404: no object has this key; upload it with urlmint s3 cp"};
  if (status == 502 || status == 504)
    return {"object", false, "HEAD " + u + " answered " + std::to_string(status) +
                                 ": CloudFront could not reach the origin; check the origin domain and region"};
  return {"object", false, "HEAD " + u + " answered " + std::to_string(status)};
}

}  // namespace cloudfront
}  // namespace urlmint

#endif  // URLMINT_CLOUDFRONT_SETUP_STEPS_HPP
