#ifndef URLMINT_S3_MRAP_HPP
#define URLMINT_S3_MRAP_HPP

// S3 Multi-Region Access Points: "arn:aws:s3::ACCOUNT:accesspoint/ALIAS.mrap" (an access point
// ARN without a region) names one global host, ALIAS.mrap.accesspoint.s3-global.amazonaws.com,
// and its requests are signed with SigV4a for the region set "*" (sigv4a.hpp). s3.hpp calls
// this header for such ARNs. The checks refuse what botocore refuses (dual-stack, FIPS,
// Accelerate, MRAP disabled, another partition) and, unlike botocore, a custom endpoint URL:
// botocore 1.43 quietly sends the request to AWS instead, which must never happen to a caller
// who pointed urlmint at another server.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointRequests.html

#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#include "sigv4a.hpp"

namespace urlmint {
namespace s3 {
namespace mrap {

/// A parsed Multi-Region Access Point ARN.
struct arn {
  std::string partition;  ///< "aws", "aws-cn", "aws-us-gov"
  std::string account;    ///< 12 digits
  std::string name;       ///< the access point's alias, e.g. "mfzwi23gnjvgw.mrap"
};

namespace detail {

// The six ':'-separated fields of an ARN (the last keeps any further ':'), or fewer.
URLMINT_DECL std::vector<std::string_view> arn_fields(std::string_view text);

URLMINT_DECL std::string_view partition_of_region(std::string_view region) noexcept;

// A DNS name of labels of letters, digits and inner '-', as botocore's isValidHostLabel with
// subdomains allowed.
URLMINT_DECL bool valid_host_name(std::string_view name) noexcept;

}  // namespace detail

/// Whether `bucket` is an S3 access point ARN with an empty region: a Multi-Region Access Point.
URLMINT_DECL bool is_mrap_arn(std::string_view bucket);

/// Parses "arn:PARTITION:s3::ACCOUNT:accesspoint/NAME". Throws errc::invalid_argument naming
/// the malformed field.
URLMINT_DECL arn parse_arn(std::string_view text);

/// The global host: "NAME.accesspoint.s3-global.amazonaws.com" (".amazonaws.com.cn" in aws-cn).
URLMINT_DECL std::string host(const arn& a);

/// The endpoint settings that decide whether an MRAP ARN can be used.
struct settings {
  std::string_view region;        ///< the client's region (its partition must be the ARN's)
  bool custom_endpoint = false;   ///< an endpoint URL is configured
  bool dualstack = false;         ///< use_dualstack_endpoint
  bool fips = false;              ///< use_fips_endpoint
  bool accelerate = false;        ///< use_accelerate_endpoint
  bool disabled = false;          ///< s3_disable_multiregion_access_points
};

/// Throws errc::invalid_argument for settings an MRAP cannot be used with, in botocore's words.
URLMINT_DECL void check(const arn& a, const settings& s);

/// SigV4a signing parameters of an MRAP request: region set "*", service s3.
URLMINT_DECL sigv4a::params signing_params(sigv4a::params p);

}  // namespace mrap
}  // namespace s3
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3_mrap.ipp"
#endif

#endif  // URLMINT_S3_MRAP_HPP
