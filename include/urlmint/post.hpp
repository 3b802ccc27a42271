#ifndef URLMINT_POST_HPP
#define URLMINT_POST_HPP

// Browser uploads. Presigned POST (an HTML form, SigV4) in the steps of AWS's description:
// conditions -> policy_document() (JSON) -> base64 -> policy_signature() -> fields; each step
// is public so it can be tested alone. And presigned multipart for big files: UploadPart URLs a
// browser PUTs parts to, on top of multipart.hpp (which creates, completes and aborts).
// Sans-IO and clock-free: the signing time is a parameter. Needs only libcrypto.
// Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
//       https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html

#include <chrono>    // std::chrono::seconds
#include <cstdint>   // std::uint64_t, std::uint32_t
#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <utility>   // std::move, std::pair
#include <vector>

#include "config.hpp"
#include "credentials.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "multipart.hpp"
#include "s3.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace post {

/// Longest validity urlmint gives a POST policy: 7 days, in seconds (the life of a SigV4
/// signing key's credential scope, and the limit of every other SigV4 presigned request).
inline constexpr std::int64_t max_expiry_seconds = 604800;

/// The suffix S3 replaces with the uploaded file's name in the `key` field.
inline constexpr std::string_view filename_placeholder = "${filename}";

/// How a policy condition matches a form field.
enum class condition_kind {
  exact,                 ///< {"field": "value"}: the field must equal the value
  starts_with,           ///< ["starts-with", "$field", "prefix"]: the field must start with the prefix
  content_length_range,  ///< ["content-length-range", min, max]: the file's size in bytes
};

/// One condition of a POST policy.
struct condition {
  condition_kind kind = condition_kind::exact;
  std::string field;            ///< form field name without "$", e.g. "Content-Type"; empty for ranges
  std::string value;            ///< the exact value or the prefix
  std::uint64_t min_bytes = 0;  ///< content_length_range only, inclusive
  std::uint64_t max_bytes = 0;  ///< content_length_range only, inclusive

  /// {"field": "value"}.
  static condition exact(std::string_view field, std::string_view value) {
    return {condition_kind::exact, std::string(field), std::string(value), 0, 0};
  }
  /// ["starts-with", "$field", "prefix"]; an empty prefix allows any value.
  static condition starts_with(std::string_view field, std::string_view prefix) {
    return {condition_kind::starts_with, std::string(field), std::string(prefix), 0, 0};
  }
  /// ["content-length-range", min, max] in bytes, both inclusive.
  static condition length_range(std::uint64_t min, std::uint64_t max) {
    return {condition_kind::content_length_range, {}, {}, min, max};
  }
};

/// One form field, in the order the form should send it (the file goes after all of them).
struct form_field {
  std::string name;   ///< e.g. "x-amz-credential"; S3 compares names case-insensitively
  std::string value;  ///< sent as is (the form encodes it)
};

/// What the form may upload. Conditions are written in the order of these members (then
/// `conditions`, then bucket, key and the signer's own), as botocore's generate_presigned_post
/// writes them when given the same inputs in the same order.
struct post_options {
  std::chrono::seconds expires_in{3600};  ///< policy validity from `now`, 1..604800 s
  /// The key is a prefix: the policy allows any key that starts with it, and the `key` field is
  /// prefix + "${filename}" (the page may replace it). A key that already ends in "${filename}"
  /// is always treated as a prefix (what botocore does).
  bool key_is_prefix = false;
  std::string acl;  ///< canned ACL, e.g. "public-read" (field and exact condition); empty: none
  /// Smallest file allowed, bytes (content-length-range; 0 when only max_bytes is set).
  std::optional<std::uint64_t> min_bytes;
  /// Largest file allowed, bytes, inclusive (5 GiB, S3's POST limit, when only min_bytes is set).
  std::optional<std::uint64_t> max_bytes;
  std::string content_type;  ///< exact Content-Type (a field too), or a prefix, see below
  /// Content-Type is a prefix ("image/"): a starts-with condition and no field, because the
  /// page sets the file's real type.
  bool content_type_is_prefix = false;
  std::string success_action_status;  ///< "200", "201" (XML body) or "204"; empty: S3's 204
  std::vector<sigv4::header> metadata;  ///< x-amz-meta-NAME fields and exact conditions (names without prefix)
  std::vector<condition> conditions;    ///< anything else, e.g. Cache-Control or success_action_redirect
  std::vector<form_field> fields;       ///< extra fields; each must satisfy a condition of its name
};

/// A signed form: POST the fields, then the file (as field "file", last), to `url`.
struct presigned_post {
  std::string url;                  ///< e.g. "https://bucket.s3.amazonaws.com/" or "http://127.0.0.1:9000/bucket"
  std::vector<form_field> fields;   ///< includes key, policy, x-amz-* and x-amz-signature
  std::string policy_json;          ///< the policy document the `policy` field encodes
};

// ---------------------------------------------------------------------------------------------
// Step 1: the policy document.

/// The policy's "expiration": ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds; AWS's
/// examples add ".000", which S3 does not require and botocore does not write). Years 0..9999.
URLMINT_DECL std::string format_expiration(time_point t);

/// `text` as a quoted JSON string, escaped exactly as Python's json.dumps does by default
/// (ensure_ascii): `"` and `\` backslashed; \b \f \n \r \t; other bytes outside printable ASCII
/// as lowercase \uXXXX (UTF-16 surrogate pairs above U+FFFF). Byte-for-byte parity with botocore
/// matters because S3 verifies the signature over the base64 of exactly these bytes.
/// Throws errc::invalid_argument when `text` is not valid UTF-8.
URLMINT_DECL std::string json_quote(std::string_view text);

/// One condition as JSON, in json.dumps' spacing: {"f": "v"}, ["starts-with", "$f", "p"],
/// ["content-length-range", 0, 10].
URLMINT_DECL std::string condition_json(const condition& c);

/// The policy document {"expiration": "...", "conditions": [...]} with json.dumps' separators
/// (", " and ": "), the bytes botocore encodes.
URLMINT_DECL std::string policy_document(std::string_view expiration, const std::vector<condition>& conditions);

// ---------------------------------------------------------------------------------------------
// Checks: contradictions are reported before anything is signed, because S3 answers a form that
// can never succeed only with a terse 403 at upload time.

namespace detail {

URLMINT_DECL bool has_prefix(std::string_view text, std::string_view prefix);

// Fields the signer writes itself; a caller's condition or field on them would either be
// ignored by S3 or make the form unusable.
URLMINT_DECL bool is_reserved_field(std::string_view name);

URLMINT_DECL void check_field_name(std::string_view name, std::string_view what);

URLMINT_DECL std::string describe(const condition& c);

// Whether a value can satisfy both conditions on the same field.
URLMINT_DECL bool compatible(const condition& a, const condition& b);

}  // namespace detail

/// Throws errc::invalid_argument when a form can never satisfy `conditions`: two conditions on
/// one field that no value meets (exact "a" and exact "b"; exact "text/plain" and starts-with
/// "image/"; prefixes "a/" and "b/"), a content-length-range with min > max or two ranges that
/// do not overlap, or an empty or "$"-prefixed field name. Field names compare case-insensitively.
URLMINT_DECL void check_conditions(const std::vector<condition>& conditions);

/// Whether `acl` is one of S3's canned ACLs (the only ACL a form field can carry).
URLMINT_DECL bool is_canned_acl(std::string_view acl);

// ---------------------------------------------------------------------------------------------
// Step 2: the signature.

/// Lowercase hex HMAC-SHA256 of the base64 policy under the SigV4 signing key: for POST, the
/// base64 policy *is* the string to sign.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
URLMINT_DECL std::string policy_signature(const sigv4::signing_key& key, std::string_view policy_base64);

// ---------------------------------------------------------------------------------------------
// Putting it together.

/// The caller's conditions and fields for bucket/key under `opts`, before the signer's own
/// (x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-security-token), in policy order.
/// Throws errc::invalid_argument for contradictions and out-of-range options.
URLMINT_DECL std::pair<std::vector<condition>, std::vector<form_field>> caller_conditions(std::string_view bucket,
                                                                                   std::string_view key,
                                                                                   const post_options& opts);

/// A presigned POST form for uploading to `bucket` under `key` (an exact key, or a prefix with
/// opts.key_is_prefix or a trailing "${filename}"), valid from `now` for opts.expires_in.
/// Fields come in botocore's order: the caller's (acl, Content-Type, success_action_status,
/// x-amz-meta-*, extra), key, x-amz-algorithm, x-amz-credential, x-amz-date,
/// x-amz-security-token (temporary credentials), policy, x-amz-signature.
/// Throws errc::invalid_argument for bad options (see caller_conditions), an expiry outside
/// 1..604800 s, or an invalid bucket; errc::invalid_credentials for unusable credentials.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html
URLMINT_DECL presigned_post presign_post(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                   std::string_view key, const post_options& opts, time_point now);

/// presign_post valid from the system clock's now.
URLMINT_DECL presigned_post presign_post(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                   std::string_view key, const post_options& opts);

/// The form as JSON, {"url": "...", "fields": {"name": "value", ...}} with fields in form
/// order: what a web page fetches to build its upload form (and what `urlmint s3 presign-post`
/// prints). Strings are escaped as json_quote does.
URLMINT_DECL std::string to_json(const presigned_post& form);

// ---------------------------------------------------------------------------------------------
// Presigned multipart: the server creates the upload (multipart::sign_create) and hands the
// browser one presigned PUT per part; the browser reports each part's ETag back, and the server
// completes (multipart::complete_body, sign_complete) or aborts.

/// One presigned UploadPart: PUT the bytes [offset, offset + size) of the file to `url` and
/// keep the ETag header of the answer.
struct presigned_part {
  int part_number = 0;       ///< 1..10000
  std::string url;           ///< presigned PUT with partNumber and uploadId in the signed query
  std::uint64_t offset = 0;  ///< first byte of the part (0 when the plan is only a count)
  std::uint64_t size = 0;    ///< bytes (0 when the plan is only a count)
};

/// Throws errc::invalid_argument unless 1 <= part_count <= 10000.
URLMINT_DECL void check_part_count(long long part_count);

/// Throws errc::invalid_argument when parts of these sizes (in part-number order, bytes) cannot
/// be completed: more than 10000 parts, none, or a part other than the last under 5 MiB (S3
/// answers EntityTooSmall only at CompleteMultipartUpload, after every byte was sent).
URLMINT_DECL void check_part_sizes(const std::vector<std::uint64_t>& sizes);

/// Presigned UploadPart URLs for parts 1..part_count of `upload_id`, each valid for
/// `expires_in` (1..604800 s) from `now`. Throws errc::invalid_argument for an empty upload id
/// or a part count outside 1..10000.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
URLMINT_DECL std::vector<presigned_part> presign_parts(const credentials& creds, const s3::config& cfg,
                                                 std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id, long long part_count,
                                                 std::chrono::seconds expires_in, time_point now,
                                                 sigv4::signing_key_cache* cache = nullptr);

/// Presigned UploadPart URLs for a plan from multipart::plan_parts (which already enforces the
/// 5 MiB minimum and the 10000-part maximum); offsets and sizes are copied from the plan.
URLMINT_DECL std::vector<presigned_part> presign_parts(const credentials& creds, const s3::config& cfg,
                                                 std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id,
                                                 const std::vector<multipart::part_range>& plan,
                                                 std::chrono::seconds expires_in, time_point now,
                                                 sigv4::signing_key_cache* cache = nullptr);

/// The parts as JSON for a page: {"bucket": ..., "key": ..., "upload_id": ..., "parts":
/// [{"part_number": 1, "url": ...[, "offset": 0, "size": 5242880]}, ...]} (offset and size
/// only when known). Strings are escaped as json_quote does.
URLMINT_DECL std::string parts_to_json(std::string_view bucket, std::string_view key, std::string_view upload_id,
                                 const std::vector<presigned_part>& parts);

}  // namespace post
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/post.ipp"
#endif

#endif  // URLMINT_POST_HPP
