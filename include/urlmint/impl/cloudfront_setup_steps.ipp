#ifndef URLMINT_IMPL_CLOUDFRONT_SETUP_STEPS_IPP
#define URLMINT_IMPL_CLOUDFRONT_SETUP_STEPS_IPP

// Definitions for cloudfront_setup_steps.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../cloudfront_setup_steps.hpp"

namespace urlmint {
namespace cloudfront {
namespace json {

URLMINT_DECL value parse(std::string_view text) { return detail::parser(text).document(); }

URLMINT_DECL void write(std::string& out, const value& v) {
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

URLMINT_DECL std::string write(const value& v) {
  std::string out;
  write(out, v);
  return out;
}
}  // namespace json
namespace detail {

URLMINT_DECL bool holds(const json::value* v, std::string_view s, bool ignore_case) {
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

URLMINT_DECL std::string arn_partition(std::string_view arn) {
  const auto end = arn.find(':', 4);
  return arn.rfind("arn:", 0) == 0 && end != std::string_view::npos ? std::string(arn.substr(4, end - 4)) : "aws";
}

URLMINT_DECL bool grants(const json::value& st, std::string_view bucket, std::string_view arn) {
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

URLMINT_DECL json::value parse_policy(std::string_view policy) {
  json::value doc = json::parse(policy);
  if (doc.kind != json::value::type::object)
    throw error(errc::invalid_argument, "cloudfront: the bucket policy is not a JSON object; fix it in the S3 console first");
  return doc;
}

URLMINT_DECL std::vector<const json::value*> statements(const json::value& doc) {
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

URLMINT_DECL void check_bucket_policy(std::string_view policy) {
  if (policy.find_first_not_of(" \t\r\n") != std::string_view::npos) (void)detail::parse_policy(policy);
}

URLMINT_DECL bool policy_allows_distribution(std::string_view policy, std::string_view bucket,
                                       std::string_view distribution_arn) {
  const json::value doc = detail::parse_policy(policy);
  for (const json::value* st : detail::statements(doc))
    if (detail::grants(*st, bucket, distribution_arn)) return true;
  return false;
}

URLMINT_DECL json::value oac_statement(std::string_view bucket, std::string_view distribution_arn, std::string_view sid) {
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

URLMINT_DECL policy_merge merge_oac_statement(std::string_view existing, std::string_view bucket,
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

URLMINT_DECL std::string set_env_line(std::string_view content, std::string_view name, std::string_view value) {
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

URLMINT_DECL std::string domain_problem(std::string_view domain) {
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

URLMINT_DECL check explain_object_status(long status, std::string_view url) {
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

#endif  // URLMINT_IMPL_CLOUDFRONT_SETUP_STEPS_IPP
