#ifndef URLMINT_IMPL_POST_IPP
#define URLMINT_IMPL_POST_IPP

// Definitions for post.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../post.hpp"

namespace urlmint {
namespace post {

URLMINT_DECL std::string format_expiration(time_point t) {
  const civil_time c = to_civil(to_unix_seconds(t));
  std::string out(20, '\0');
  urlmint::detail::put_digits(&out[0], c.year, 4);
  out[4] = '-';
  urlmint::detail::put_digits(&out[5], c.month, 2);
  out[7] = '-';
  urlmint::detail::put_digits(&out[8], c.day, 2);
  out[10] = 'T';
  urlmint::detail::put_digits(&out[11], c.hour, 2);
  out[13] = ':';
  urlmint::detail::put_digits(&out[14], c.minute, 2);
  out[16] = ':';
  urlmint::detail::put_digits(&out[17], c.second, 2);
  out[19] = 'Z';
  return out;
}

URLMINT_DECL std::string json_quote(std::string_view text) {
  if (!is_valid_utf8(text))
    throw error(errc::invalid_argument, "post: a policy value is not valid UTF-8; S3 policies are UTF-8 JSON");
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  const auto put_u = [&out](std::uint32_t unit) {
    constexpr const char* hex = urlmint::detail::hex_digits_lower;
    const char esc[6] = {'\\', 'u', hex[(unit >> 12) & 15], hex[(unit >> 8) & 15], hex[(unit >> 4) & 15], hex[unit & 15]};
    out.append(esc, 6);
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) put_u(c);
          else out += static_cast<char>(c);
      }
      continue;
    }
    // Valid UTF-8 was checked above, so the lead byte gives the length.
    const std::size_t extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    std::uint32_t cp = c & (extra == 3 ? 0x07u : extra == 2 ? 0x0fu : 0x1fu);
    for (std::size_t k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3fu);
    i += extra + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put_u(0xd800 + (cp >> 10));
      put_u(0xdc00 + (cp & 0x3ff));
    } else {
      put_u(cp);
    }
  }
  out += '"';
  return out;
}

URLMINT_DECL std::string condition_json(const condition& c) {
  switch (c.kind) {
    case condition_kind::exact:
      return "{" + json_quote(c.field) + ": " + json_quote(c.value) + "}";
    case condition_kind::starts_with:
      return "[\"starts-with\", " + json_quote("$" + c.field) + ", " + json_quote(c.value) + "]";
    case condition_kind::content_length_range:
      return "[\"content-length-range\", " + std::to_string(c.min_bytes) + ", " + std::to_string(c.max_bytes) + "]";
  }
  return {};
}

URLMINT_DECL std::string policy_document(std::string_view expiration, const std::vector<condition>& conditions) {
  std::string out = "{\"expiration\": " + json_quote(expiration) + ", \"conditions\": [";
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    if (i > 0) out += ", ";
    out += condition_json(conditions[i]);
  }
  out += "]}";
  return out;
}
namespace detail {

URLMINT_DECL bool has_prefix(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

URLMINT_DECL bool is_reserved_field(std::string_view name) {
  for (std::string_view r : {"policy", "x-amz-signature", "file", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
                             "x-amz-security-token", "bucket"})
    if (ascii_iequals(name, r)) return true;
  return false;
}

URLMINT_DECL void check_field_name(std::string_view name, std::string_view what) {
  if (name.empty())
    throw error(errc::invalid_argument, "post: " + std::string(what) + " has an empty field name");
  if (name.front() == '$')
    throw error(errc::invalid_argument, "post: " + std::string(what) + " field \"" + std::string(name) +
                                            "\" starts with '$'; write the field name without it");
  for (char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '"' || c == ':')
      throw error(errc::invalid_argument, "post: " + std::string(what) + " field name \"" + std::string(name) +
                                              "\" contains whitespace, a quote, ':' or a control character");
}

URLMINT_DECL std::string describe(const condition& c) {
  if (c.kind == condition_kind::exact) return c.field + " = \"" + c.value + "\"";
  if (c.kind == condition_kind::starts_with) return c.field + " starts with \"" + c.value + "\"";
  return "content-length-range " + std::to_string(c.min_bytes) + ".." + std::to_string(c.max_bytes);
}

URLMINT_DECL bool compatible(const condition& a, const condition& b) {
  if (a.kind == condition_kind::exact && b.kind == condition_kind::exact) return a.value == b.value;
  if (a.kind == condition_kind::exact) return has_prefix(a.value, b.value);
  if (b.kind == condition_kind::exact) return has_prefix(b.value, a.value);
  return has_prefix(a.value, b.value) || has_prefix(b.value, a.value);
}
}  // namespace detail

URLMINT_DECL void check_conditions(const std::vector<condition>& conditions) {
  // The sizes every range so far allows: S3 applies all of them.
  std::optional<condition> allowed;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    const condition& c = conditions[i];
    if (c.kind == condition_kind::content_length_range) {
      if (c.min_bytes > c.max_bytes)
        throw error(errc::invalid_argument, "post: content-length-range " + std::to_string(c.min_bytes) + ".." +
                                                std::to_string(c.max_bytes) + " has min > max; swap them");
      if (allowed && (c.min_bytes > allowed->max_bytes || allowed->min_bytes > c.max_bytes))
        throw error(errc::invalid_argument, "post: conditions contradict: " + detail::describe(*allowed) + " and " +
                                                detail::describe(c) + " do not overlap; keep one range");
      if (!allowed) allowed = c;
      if (c.min_bytes > allowed->min_bytes) allowed->min_bytes = c.min_bytes;
      if (c.max_bytes < allowed->max_bytes) allowed->max_bytes = c.max_bytes;
      continue;
    }
    detail::check_field_name(c.field, "condition");
    for (std::size_t j = 0; j < i; ++j) {
      const condition& d = conditions[j];
      if (d.kind == condition_kind::content_length_range || !ascii_iequals(c.field, d.field)) continue;
      if (!detail::compatible(c, d))
        throw error(errc::invalid_argument, "post: conditions contradict: " + detail::describe(d) + " and " +
                                                detail::describe(c) + " cannot both hold; remove one");
    }
  }
}

URLMINT_DECL bool is_canned_acl(std::string_view acl) {
  for (std::string_view a : {"private", "public-read", "public-read-write", "aws-exec-read", "authenticated-read",
                             "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"})
    if (acl == a) return true;
  return false;
}

URLMINT_DECL std::string policy_signature(const sigv4::signing_key& key, std::string_view policy_base64) {
  return sigv4::signature(key, policy_base64);
}

URLMINT_DECL std::pair<std::vector<condition>, std::vector<form_field>> caller_conditions(std::string_view bucket,
                                                                                   std::string_view key,
                                                                                   const post_options& opts) {
  std::vector<condition> conds;
  std::vector<form_field> fields;
  if (!opts.acl.empty()) {
    if (!is_canned_acl(opts.acl))
      throw error(errc::invalid_argument, "post: acl \"" + opts.acl +
                                              "\" is not a canned ACL; use private, public-read, public-read-write, "
                                              "authenticated-read, bucket-owner-read or bucket-owner-full-control");
    conds.push_back(condition::exact("acl", opts.acl));
    fields.push_back({"acl", opts.acl});
  }
  if (opts.min_bytes || opts.max_bytes) {
    // S3's own ceiling for a POST upload is 5 GiB.
    const std::uint64_t max = opts.max_bytes ? *opts.max_bytes : 5368709120ULL;
    const std::uint64_t min = opts.min_bytes ? *opts.min_bytes : 0;
    if (min > max)
      throw error(errc::invalid_argument, "post: minimum size " + std::to_string(min) + " is larger than maximum size " +
                                              std::to_string(max) + "; swap them");
    conds.push_back(condition::length_range(min, max));
  }
  if (!opts.content_type.empty()) {
    if (opts.content_type_is_prefix) {
      conds.push_back(condition::starts_with("Content-Type", opts.content_type));
    } else {
      conds.push_back(condition::exact("Content-Type", opts.content_type));
      fields.push_back({"Content-Type", opts.content_type});
    }
  } else if (opts.content_type_is_prefix) {
    throw error(errc::invalid_argument, "post: content_type_is_prefix is set but content_type is empty; give a prefix "
                                        "such as \"image/\"");
  }
  if (!opts.success_action_status.empty()) {
    const auto& s = opts.success_action_status;
    if (s != "200" && s != "201" && s != "204")
      throw error(errc::invalid_argument,
                  "post: success_action_status \"" + s + "\" is not one S3 accepts; use 200, 201 or 204");
    conds.push_back(condition::exact("success_action_status", s));
    fields.push_back({"success_action_status", s});
  }
  for (const auto& m : opts.metadata) {
    detail::check_field_name(m.name, "metadata");
    const std::string name = "x-amz-meta-" + sigv4::lowercase(m.name);
    conds.push_back(condition::exact(name, m.value));
    fields.push_back({name, m.value});
  }
  for (const auto& c : opts.conditions) {
    if (c.kind != condition_kind::content_length_range && detail::is_reserved_field(c.field))
      throw error(errc::invalid_argument, "post: a condition on \"" + c.field +
                                              "\" is not allowed; the signer writes bucket, policy and x-amz-* itself");
    if (c.kind != condition_kind::content_length_range && ascii_iequals(c.field, "key"))
      throw error(errc::invalid_argument,
                  "post: a condition on \"key\" is not allowed; pass the key or prefix as the key argument");
    conds.push_back(c);
  }
  for (const auto& f : opts.fields) {
    detail::check_field_name(f.name, "form");
    if (detail::is_reserved_field(f.name) || ascii_iequals(f.name, "key"))
      throw error(errc::invalid_argument, "post: field \"" + f.name +
                                              "\" is written by the signer; remove it from post_options::fields");
    fields.push_back(f);
  }

  conds.push_back(condition::exact("bucket", bucket));
  std::string key_field(key);
  const bool placeholder = key.size() >= filename_placeholder.size() &&
                           key.substr(key.size() - filename_placeholder.size()) == filename_placeholder;
  if (placeholder) {
    conds.push_back(condition::starts_with("key", key.substr(0, key.size() - filename_placeholder.size())));
  } else if (opts.key_is_prefix) {
    conds.push_back(condition::starts_with("key", key));
    key_field.append(filename_placeholder);
  } else {
    if (key.empty())
      throw error(errc::invalid_argument,
                  "post: object key is empty; give a key, or a prefix with key_is_prefix (CLI: end it with '/')");
    conds.push_back(condition::exact("key", key));
  }
  // The key field is written after the caller's fields, where botocore puts it.
  fields.push_back({"key", key_field});

  check_conditions(conds);
  // Every field the form sends must satisfy the conditions on its name, and have at least one
  // (S3 rejects a form field the policy does not mention, except x-ignore-*).
  for (const auto& f : fields) {
    bool covered = detail::has_prefix(sigv4::lowercase(f.name), "x-ignore-");
    for (const auto& c : conds) {
      if (c.kind == condition_kind::content_length_range || !ascii_iequals(c.field, f.name)) continue;
      covered = true;
      const bool ok = c.kind == condition_kind::exact ? f.value == c.value : detail::has_prefix(f.value, c.value);
      if (!ok)
        throw error(errc::invalid_argument, "post: field " + f.name + " = \"" + f.value +
                                                "\" contradicts the condition " + detail::describe(c));
    }
    if (!covered)
      throw error(errc::invalid_argument, "post: field \"" + f.name +
                                              "\" has no condition in the policy, so S3 would reject the form; add "
                                              "a condition for it");
  }
  return {std::move(conds), std::move(fields)};
}

URLMINT_DECL presigned_post presign_post(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                   std::string_view key, const post_options& opts, time_point now) {
  validate(creds);
  const auto expires = opts.expires_in.count();
  if (expires < 1 || expires > max_expiry_seconds)
    throw error(errc::invalid_argument, "post: expiry of " + std::to_string(expires) +
                                            " s is out of range; a POST policy lasts 1 to 604800 seconds (7 days)");
  if (!key.empty()) s3::validate_key(key);
  presigned_post out;
  // The form posts to the bucket itself; an empty key makes resolve() address the bucket.
  const s3::location loc = s3::resolve(cfg, bucket, {});
  out.url = loc.scheme + "://" + loc.host + loc.path;

  auto [conds, fields] = caller_conditions(bucket, key, opts);
  const amz_date when = format_amz_date(now);
  const std::string scope = sigv4::credential_scope(when.date(), cfg.region, "s3");
  const std::string credential = creds.access_key_id + "/" + scope;
  const std::string algorithm(sigv4::algorithm);
  const std::string timestamp(when.timestamp());
  conds.push_back(condition::exact("x-amz-algorithm", algorithm));
  conds.push_back(condition::exact("x-amz-credential", credential));
  conds.push_back(condition::exact("x-amz-date", timestamp));
  fields.push_back({"x-amz-algorithm", algorithm});
  fields.push_back({"x-amz-credential", credential});
  fields.push_back({"x-amz-date", timestamp});
  if (creds.is_temporary()) {
    const std::string token(creds.session_token.reveal());
    conds.push_back(condition::exact("x-amz-security-token", token));
    fields.push_back({"x-amz-security-token", token});
  }

  out.policy_json = policy_document(format_expiration(now + opts.expires_in), conds);
  std::string policy = base64_encode(out.policy_json);
  const sigv4::signing_key signing_key(creds.secret_access_key.reveal(), when.date(), cfg.region, "s3");
  std::string signature = policy_signature(signing_key, policy);
  fields.push_back({"policy", std::move(policy)});
  fields.push_back({"x-amz-signature", std::move(signature)});
  out.fields = std::move(fields);
  return out;
}

URLMINT_DECL presigned_post presign_post(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                   std::string_view key, const post_options& opts) {
  return presign_post(creds, cfg, bucket, key, opts, clock::now());
}

URLMINT_DECL std::string to_json(const presigned_post& form) {
  std::string out = "{\"url\": " + json_quote(form.url) + ", \"fields\": {";
  for (std::size_t i = 0; i < form.fields.size(); ++i) {
    if (i > 0) out += ", ";
    out += json_quote(form.fields[i].name);
    out += ": ";
    out += json_quote(form.fields[i].value);
  }
  out += "}}";
  return out;
}

URLMINT_DECL void check_part_count(long long part_count) {
  if (part_count < 1 || part_count > multipart::max_parts)
    throw error(errc::invalid_argument, "multipart: " + std::to_string(part_count) +
                                            " parts is out of range; an S3 multipart upload has 1 to 10000 parts");
}

URLMINT_DECL void check_part_sizes(const std::vector<std::uint64_t>& sizes) {
  check_part_count(static_cast<long long>(sizes.size()));
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i)
    if (sizes[i] < multipart::min_part_size)
      throw error(errc::invalid_argument, "multipart: part " + std::to_string(i + 1) + " is " +
                                              std::to_string(sizes[i]) +
                                              " bytes; every part but the last must be at least 5 MiB (5242880 bytes)");
}

URLMINT_DECL std::vector<presigned_part> presign_parts(const credentials& creds, const s3::config& cfg,
                                                 std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id, long long part_count,
                                                 std::chrono::seconds expires_in, time_point now,
                                                 sigv4::signing_key_cache* cache) {
  multipart::validate_upload_id(upload_id);
  check_part_count(part_count);
  sigv4::signing_key_cache local_cache;  // one key derivation for all the parts
  std::vector<presigned_part> out;
  out.reserve(static_cast<std::size_t>(part_count));
  for (int n = 1; n <= part_count; ++n)
    out.push_back({n,
                   multipart::presign_upload_part(creds, cfg, bucket, key, upload_id, n, expires_in, now,
                                                  cache != nullptr ? cache : &local_cache),
                   0, 0});
  return out;
}

URLMINT_DECL std::vector<presigned_part> presign_parts(const credentials& creds, const s3::config& cfg,
                                                 std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id,
                                                 const std::vector<multipart::part_range>& plan,
                                                 std::chrono::seconds expires_in, time_point now,
                                                 sigv4::signing_key_cache* cache) {
  std::vector<std::uint64_t> sizes;
  for (const auto& p : plan) sizes.push_back(p.size);
  check_part_sizes(sizes);
  auto out = presign_parts(creds, cfg, bucket, key, upload_id, static_cast<long long>(plan.size()), expires_in, now,
                           cache);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    out[i].offset = plan[i].offset;
    out[i].size = plan[i].size;
  }
  return out;
}

URLMINT_DECL std::string parts_to_json(std::string_view bucket, std::string_view key, std::string_view upload_id,
                                 const std::vector<presigned_part>& parts) {
  std::string out = "{\"bucket\": " + json_quote(bucket) + ", \"key\": " + json_quote(key) +
                    ", \"upload_id\": " + json_quote(upload_id) + ", \"parts\": [";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ", ";
    out += "{\"part_number\": " + std::to_string(parts[i].part_number) + ", \"url\": " + json_quote(parts[i].url);
    if (parts[i].size > 0 || parts[i].offset > 0)
      out += ", \"offset\": " + std::to_string(parts[i].offset) + ", \"size\": " + std::to_string(parts[i].size);
    out += "}";
  }
  out += "]}";
  return out;
}
}  // namespace post
}  // namespace urlmint

#endif  // URLMINT_IMPL_POST_IPP
