#ifndef URLMINT_S3_ENDPOINTS_HPP
#define URLMINT_S3_ENDPOINTS_HPP

// Where S3 requests go: the endpoint configuration, bucket and key rules, s3:// URIs, and the
// resolution of a bucket/key to scheme, host, path and signing scope. AWS's hosts are a table
// (partitions x endpoint kinds x the FIPS / dual-stack variants) rather than nested
// conditionals; S3-compatible servers take an endpoint URL. Sans-IO and libcrypto-free.
// https://docs.aws.amazon.com/general/latest/gr/s3.html

#include <cstdint>    // std::uint16_t
#include <string>
#include <string_view>

#include "config.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "s3_mrap.hpp"
#include "s3express.hpp"
#include "sigv4.hpp"

namespace urlmint {
namespace s3 {

/// S3's longest object key, in UTF-8 bytes.
inline constexpr std::size_t max_key_bytes = 1024;

/// How the bucket appears in the URL.
enum class addressing_style {
  automatic,        ///< virtual-hosted on AWS when the name allows it, path-style elsewhere
  path,             ///< https://HOST/BUCKET/KEY
  virtual_hosted,   ///< https://BUCKET.HOST/KEY
};

/// Parses "auto", "path" or "virtual" (the AWS CLI's words).
URLMINT_DECL addressing_style parse_addressing_style(std::string_view text);

/// Where requests go. With an empty endpoint_url, AWS's own S3 endpoint for the region.
struct config {
  std::string region = "us-east-1";
  /// An S3-compatible server, e.g. "http://127.0.0.1:9000" or "https://ACCOUNT.r2.cloudflarestorage.com".
  std::string endpoint_url;
  addressing_style style = addressing_style::automatic;
  /// Dual-stack (IPv4 and IPv6) hosts, s3.dualstack.REGION...: AWS_USE_DUALSTACK_ENDPOINT,
  /// use_dualstack_endpoint, or `s3 = use_dualstack_endpoint` in the config file.
  bool use_dualstack = false;
  /// FIPS 140 hosts, s3-fips.REGION...: AWS_USE_FIPS_ENDPOINT or use_fips_endpoint.
  bool use_fips = false;
  /// S3 Transfer Acceleration, BUCKET.s3-accelerate.amazonaws.com: `s3 = use_accelerate_endpoint`.
  bool use_accelerate = false;
  /// Whether an access point ARN's own region wins over `region` (botocore's default); false
  /// makes a mismatch an error. AWS_S3_USE_ARN_REGION, s3_use_arn_region, `s3 = use_arn_region`.
  bool use_arn_region = true;
};

/// A parsed endpoint URL.
struct endpoint {
  std::string scheme;     ///< "http" or "https"
  std::string host;       ///< host name or IP literal (IPv6 in brackets)
  std::uint16_t port = 0;  ///< 0 when the URL names none
  std::string base_path;  ///< a path prefix without its trailing slash ("" usually)

  /// "host" or "host:port", the port only when it is not the scheme's default.
  std::string authority() const {
    const bool default_port = port == 0 || (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    return default_port ? host : host + ":" + std::to_string(port);
  }
};

/// Parses an endpoint such as "http://127.0.0.1:9000" or "https://s3.example.com/base".
/// Throws errc::invalid_argument for other schemes, a missing host, a bad port, a query or fragment.
URLMINT_DECL endpoint parse_endpoint(std::string_view url);

/// Whether `host` is an IPv4 dotted quad or an IPv6 literal.
URLMINT_DECL bool is_ip_address(std::string_view host);

/// Why `bucket` is not a valid AWS bucket name, or an empty string when it is. AWS's rules:
/// 3-63 characters of a-z, 0-9, '.', '-'; starting and ending with a letter or digit; no "..";
/// not an IP address; none of AWS's reserved prefixes and suffixes.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
URLMINT_DECL std::string aws_bucket_name_problem(std::string_view bucket);

/// Throws errc::invalid_argument when `bucket` cannot be used. AWS endpoints apply AWS's naming
/// rules; S3-compatible endpoints only need a name that fits in one path segment.
URLMINT_DECL void validate_bucket(std::string_view bucket, bool aws_endpoint);

/// Throws errc::invalid_argument when `key` is empty, longer than 1024 bytes or not UTF-8.
URLMINT_DECL void validate_key(std::string_view key);

/// A bucket and key from "s3://BUCKET/KEY" (the key keeps every byte after the first '/'), or
/// from "s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/KEY" (the bucket is the ARN).
struct s3_uri {
  std::string bucket;
  std::string key;  ///< may be empty ("s3://BUCKET" or "s3://BUCKET/")
};

/// Parses "s3://BUCKET/KEY". Throws errc::invalid_argument when the text does not start with
/// s3:// or names no bucket.
URLMINT_DECL s3_uri parse_s3_uri(std::string_view text);

/// Whether the endpoint is AWS's own (no endpoint_url configured).
URLMINT_DECL bool is_aws_endpoint(const config& c);

/// Whether requests on `bucket` are signed other than by plain SigV4 with the caller's own keys:
/// a directory bucket's (S3 Express session, s3express.hpp) or a multi-region access point's
/// (SigV4a, s3_mrap.hpp). Such buckets skip the SigV4 presign fast path.
URLMINT_DECL bool signed_outside_sigv4(std::string_view bucket);

/// Where one bucket/key lives: the pieces of a sigv4::request and the scope to sign it in.
struct location {
  std::string scheme;
  std::string host;  ///< with ":port" only when not the scheme's default
  std::string path;  ///< encoded once, "/" kept; never normalized
  std::string signing_region;            ///< the SigV4 region (an access point ARN's own region)
  std::string signing_service = "s3";    ///< SigV4 service: "s3-object-lambda", "s3express" for directory buckets
};

// ---------------------------------------------------------------------------------------------
// AWS's hosts, as data. A partition gives the DNS suffix and which features exist there; an
// endpoint row gives one kind of host in its four variants (plain, FIPS, dual-stack, both).
// New kinds of host (multi-region access points, directory buckets) are one more row.

/// An AWS partition: a set of regions with its own DNS suffix.
struct partition_info {
  std::string_view id;             ///< "aws", "aws-cn", "aws-us-gov": the second field of an ARN
  std::string_view region_prefix;  ///< regions starting with this belong here ("" matches any)
  std::string_view dns_suffix;     ///< "amazonaws.com", "amazonaws.com.cn"
  bool fips;                       ///< FIPS endpoints exist
  bool accelerate;                 ///< S3 Transfer Acceleration exists
};

/// The partitions urlmint knows, most specific prefix first; the last one matches any region.
inline constexpr partition_info partitions[] = {
    {"aws-cn", "cn-", "amazonaws.com.cn", false, false},
    {"aws-us-gov", "us-gov-", "amazonaws.com", true, true},
    {"aws", "", "amazonaws.com", true, true},
};

/// The partition of `region` (the commercial "aws" partition for any region not matched).
URLMINT_DECL const partition_info& partition_of(std::string_view region) noexcept;

/// What kind of host a request goes to.
enum class endpoint_kind {
  bucket,         ///< s3.REGION.amazonaws.com, the bucket in the host or the path
  accelerate,     ///< s3-accelerate.amazonaws.com, the bucket always in the host
  access_point,   ///< NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com
  object_lambda,  ///< NAME-ACCOUNT.s3-object-lambda.REGION.amazonaws.com (service s3-object-lambda)
  directory_bucket,  ///< S3 Express One Zone: BUCKET.s3express-ZONE.REGION.amazonaws.com (s3express.hpp)
};

/// One kind of host in its variants. `{region}`, `{dns}` (the partition's suffix) and `{label}`
/// (an access point's NAME-ACCOUNT, a directory bucket's zone ID) are substituted; an empty template is a variant that does
/// not exist, refused with `missing`.
struct endpoint_row {
  endpoint_kind kind;
  std::string_view service;  ///< SigV4 signing name
  std::string_view plain, fips, dualstack, fips_dualstack;
  std::string_view missing;  ///< why an empty variant is refused
};

// botocore 1.43's hosts for each (tests/s3_endpoints_botocore.py compares every combination).
inline constexpr endpoint_row endpoint_rows[] = {
    {endpoint_kind::bucket, "s3", "s3.{region}.{dns}", "s3-fips.{region}.{dns}", "s3.dualstack.{region}.{dns}",
     "s3-fips.dualstack.{region}.{dns}", ""},
    {endpoint_kind::accelerate, "s3", "s3-accelerate.{dns}", "", "s3-accelerate.dualstack.{dns}", "",
     "S3 Accelerate cannot be used with FIPS endpoints; turn off use_fips_endpoint or use_accelerate_endpoint"},
    {endpoint_kind::access_point, "s3", "{label}.s3-accesspoint.{region}.{dns}",
     "{label}.s3-accesspoint-fips.{region}.{dns}", "{label}.s3-accesspoint.dualstack.{region}.{dns}",
     "{label}.s3-accesspoint-fips.dualstack.{region}.{dns}", ""},
    {endpoint_kind::object_lambda, "s3-object-lambda", "{label}.s3-object-lambda.{region}.{dns}",
     "{label}.s3-object-lambda-fips.{region}.{dns}", "", "",
     "S3 Object Lambda has no dual-stack endpoints; turn off use_dualstack_endpoint"},
    {endpoint_kind::directory_bucket, "s3", "s3express-{label}.{region}.{dns}", "", "", "",
     "directory buckets are not addressed through FIPS or dual-stack endpoints yet; turn off use_fips_endpoint and "
     "use_dualstack_endpoint"},
};

/// A parsed access point ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:accesspoint/NAME (or
/// accesspoint:NAME). https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-access-points.html
struct access_point_arn {
  std::string partition;  ///< "aws", "aws-cn", "aws-us-gov"
  std::string service;    ///< "s3" or "s3-object-lambda"
  std::string region;
  std::string account;    ///< 12 digits
  std::string name;
};

/// Parses an access point ARN given where a bucket goes. Throws errc::invalid_argument for a
/// malformed ARN and errc::not_supported for ARN kinds urlmint does not address yet (Outposts,
/// multi-region access points).
URLMINT_DECL access_point_arn parse_access_point_arn(std::string_view text);

namespace detail {

// DNS-safe enough to become a host label: AWS rules, and no dots under https because the
// wildcard certificate *.s3.amazonaws.com covers one label only.
URLMINT_DECL bool virtual_host_compatible(std::string_view bucket, std::string_view scheme);

URLMINT_DECL const endpoint_row& endpoint_row_for(endpoint_kind kind) noexcept;

// The host of `kind` for this configuration's variant in `region`, from the table.
URLMINT_DECL std::string aws_host(endpoint_kind kind, const config& cfg, std::string_view region, std::string_view label = {});

// The variant settings botocore refuses together, checked before any name. With a custom
// endpoint URL the variants are ignored, as botocore ignores them.
URLMINT_DECL void check_variants(const config& cfg);

URLMINT_DECL void check_region_name(std::string_view region);

// The host to which buckets are prefixed (or after which they go in the path) on AWS for
// `cfg`; what the presign fast path caches. Throws like resolve().
URLMINT_DECL std::string aws_bucket_host(const config& cfg);

// A multi-region access point: one global host whatever the region and addressing style
// (s3_mrap.hpp; signed with SigV4a by s3.hpp).
URLMINT_DECL location resolve_mrap(const config& cfg, std::string_view arn_text, std::string_view key);

URLMINT_DECL location resolve_access_point(const config& cfg, std::string_view bucket, std::string_view key);

}  // namespace detail

/// Resolves where `bucket`/`key` is addressed under `cfg`, and the scope to sign it in. An
/// empty key addresses the bucket; `bucket` may be an access point ARN or alias. Throws
/// errc::invalid_argument for invalid names and for endpoint settings botocore refuses
/// together (FIPS with Accelerate, Accelerate with a dotted bucket, FIPS in aws-cn, ...).
URLMINT_DECL location resolve(const config& cfg, std::string_view bucket, std::string_view key);

/// The unsigned URL of an object ("https://bucket.s3.amazonaws.com/key").
URLMINT_DECL std::string object_url(const config& cfg, std::string_view bucket, std::string_view key);

}  // namespace s3
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3_endpoints.ipp"
#endif

#endif  // URLMINT_S3_ENDPOINTS_HPP
