#ifndef URLMINT_CLOUDFRONT_SETUP_HPP
#define URLMINT_CLOUDFRONT_SETUP_HPP

// Setting up a CloudFront distribution in front of a private S3 bucket, sans-IO: the seed's
// console steps as API calls (an origin access control, a distribution with the seed's
// settings, public keys and key groups, the bucket policy, the account from STS), each built
// and signed here and sent by cloudfront_setup_client.hpp (or anything else); the parsing of
// their answers; and the pure steps around them: merging the OAC statement into a bucket
// policy, updating a KEY=VALUE line of an env file, and the doctor's checks of a domain.
// The XML bodies are byte for byte those of botocore for the same parameters given in the
// shapes' member order (tests/cloudfront_setup_test.cpp, tests/cloudfront_setup_cli_test.py).
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/Welcome.html

#include <openssl/pem.h>  // PEM_read_bio_PUBKEY, PEM_write_bio_PUBKEY

#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <utility>  // std::pair
#include <vector>

#include "cloudfront_management.hpp"
#include "cloudfront_setup_steps.hpp"  // policy merge, env file, domain checks
#include "endpoint_settings.hpp"  // providers::configured_endpoint, sts_service_endpoint
#include "config.hpp"
#include "credentials.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "multipart.hpp"  // xml_unescape
#include "post.hpp"       // json_quote
#include "s3.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace cloudfront {

/// The managed cache policy CachingOptimized.
inline constexpr std::string_view caching_optimized_policy_id = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/// The managed origin request policy CORS-S3Origin.
inline constexpr std::string_view cors_s3_origin_policy_id = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

// ---------------------------------------------------------------------------------------------
// Endpoints (AWS's standard settings, environment part).

/// Where the three services of a setup are reached.
struct service_endpoints {
  std::string cloudfront;  ///< e.g. "http://127.0.0.1:5000"; empty: https://cloudfront.amazonaws.com
  std::string s3;          ///< s3::config::endpoint_url; empty: the regional S3 endpoint
  std::string sts;         ///< STS's URL (always set)
  std::string sts_region;  ///< the region STS requests are signed for
};

/// The endpoints of CloudFront, S3 and STS for a bucket in `region`, from AWS's standard
/// settings (providers::configured_endpoint: AWS_ENDPOINT_URL_CLOUDFRONT / _S3 / _STS, then
/// AWS_ENDPOINT_URL, then the profile's [services] section and endpoint_url; STS also
/// sts_regional_endpoints).
URLMINT_DECL service_endpoints configured_endpoints(std::string_view region,
                                              const std::optional<std::string>& profile = std::nullopt,
                                              const providers::environment& env = providers::process_environment);

// ---------------------------------------------------------------------------------------------
// What a setup creates.

/// The S3 origin domain of `bucket` in `region`: "B.s3.R.amazonaws.com" (".com.cn" in China).
URLMINT_DECL std::string bucket_regional_domain(std::string_view bucket, std::string_view region);

/// The ARN of distribution `id` of `account_id`: "arn:aws:cloudfront::ACCOUNT:distribution/ID"
/// (CloudFront is global: the region field is empty).
URLMINT_DECL std::string distribution_arn(std::string_view account_id, std::string_view id, std::string_view region = {});

/// Throws errc::invalid_argument unless `p` is PriceClass_All, PriceClass_200 or PriceClass_100.
URLMINT_DECL void validate_price_class(std::string_view p);

/// The distribution the seed's step 1 creates.
struct distribution_settings {
  std::string bucket;                    ///< the private origin bucket
  std::string region;                    ///< its region
  std::string origin_access_control_id;  ///< the OAC to sign origin requests with
  std::string price_class = "PriceClass_All";
  std::string alias;                     ///< custom domain (CNAME), or empty
  std::string certificate_arn;           ///< ACM certificate in us-east-1 for `alias`
  std::string key_group_id;              ///< trusted key group (private distribution), or empty
  std::string caller_reference;          ///< idempotency token (make_caller_reference)
  std::string comment;                   ///< empty: "urlmint: BUCKET"
};

namespace detail {

URLMINT_DECL std::string xml_open_root(std::string_view name);

// <name>text</name>, or <name /> for empty text, as Python's ElementTree writes it.
URLMINT_DECL void xml_leaf(std::string& out, std::string_view name, std::string_view text);

// <Quantity>N</Quantity><Items><item>..</item>...</Items>, the API's list shape.
URLMINT_DECL void xml_list(std::string& out, std::string_view item, const std::vector<std::string>& values);

URLMINT_DECL void require(bool ok, std::string_view what);

}  // namespace detail

/// The OriginAccessControlConfig of CreateOriginAccessControl: signing behaviour always,
/// SigV4, origin type s3.
URLMINT_DECL std::string origin_access_control_config_xml(std::string_view name, std::string_view description = {});

/// The DistributionConfig of CreateDistribution with the seed's settings: one S3 origin (the
/// bucket's regional domain) with the OAC, redirect-to-https, GET/HEAD/OPTIONS, CachingOptimized
/// and CORS-S3Origin, compression, http2and3, IPv6, the price class, no default root object;
/// the alias with its ACM certificate (SNI, TLSv1.2_2021) and the trusted key group when set.
URLMINT_DECL std::string distribution_config_xml(const distribution_settings& s);

/// The PublicKeyConfig of CreatePublicKey for a PEM public key.
URLMINT_DECL std::string public_key_config_xml(std::string_view name, std::string_view public_key_pem,
                                         std::string_view caller_reference, std::string_view comment = {});

/// The KeyGroupConfig of CreateKeyGroup with `public_key_ids`.
URLMINT_DECL std::string key_group_config_xml(std::string_view name, const std::vector<std::string>& public_key_ids,
                                        std::string_view comment = {});

/// The "BEGIN PUBLIC KEY" PEM (SubjectPublicKeyInfo) that CreatePublicKey takes, from either a
/// public key PEM or the private key `cloudfront sign` uses (only its public half is kept).
/// Throws errc::key for anything but RSA-2048 or ECDSA P-256 keys.
URLMINT_DECL std::string public_key_pem(std::string_view pem);

// ---------------------------------------------------------------------------------------------
// Signed requests (nothing is sent). Each takes the signing time, so a retry re-signs.

/// One signed API call and its body.
struct api_request {
  sigv4::signed_request request;
  std::string body;
};

/// A CloudFront API call: `method` on /2020-05-31/`resource`, with `body` (XML) and `marker`
/// (pagination of the List calls; empty for the first page).
URLMINT_DECL api_request cloudfront_request(const credentials& creds, std::string_view method, std::string_view resource,
                                      std::string body, time_point now, std::string_view endpoint_url = {},
                                      std::string_view marker = {});

/// STS GetCallerIdentity (the account ID for the bucket policy) at `endpoint_url` (see
/// configured_endpoints), signed for `signing_region`.
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
URLMINT_DECL api_request get_caller_identity_request(const credentials& creds, std::string_view endpoint_url,
                                               std::string_view signing_region, time_point now);

/// S3 GetBucketPolicy (GET /?policy).
URLMINT_DECL api_request get_bucket_policy_request(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                             time_point now);

/// S3 PutBucketPolicy (PUT /?policy) with the policy JSON.
URLMINT_DECL api_request put_bucket_policy_request(const credentials& creds, const s3::config& cfg, std::string_view bucket,
                                             std::string policy, time_point now);

// ---------------------------------------------------------------------------------------------
// Reading the answers.

namespace detail {

struct xml_node {
  std::string_view name;
  std::string_view inner;  ///< the raw content (still escaped)
};

// The top-level elements of `xml`, in order (the prolog, comments and text are skipped).
URLMINT_DECL std::vector<xml_node> xml_nodes(std::string_view xml);

URLMINT_DECL std::vector<std::string_view> xml_children(std::string_view xml, std::string_view name);

URLMINT_DECL std::optional<std::string_view> xml_child(std::string_view xml, std::string_view name);

// The unescaped text of the direct child `name`, or "".
URLMINT_DECL std::string xml_child_text(std::string_view xml, std::string_view name);

// The inner content of the root element.
URLMINT_DECL std::string_view xml_root(std::string_view xml);

// Texts of <Items><item>..</item>...</Items> under `list`.
URLMINT_DECL std::vector<std::string> xml_items(std::string_view list, std::string_view item);

}  // namespace detail

/// One page of a List call: its items' raw XML and the marker of the next page ("" at the end).
struct list_page {
  std::vector<std::string_view> items;  ///< views into the answer body
  std::string next_marker;
};

/// Splits a List answer (`<DistributionList>`, `<OriginAccessControlList>`, ...) into the raw
/// XML of its `item` elements (e.g. "DistributionSummary") and the next page's marker.
URLMINT_DECL list_page parse_list_page(std::string_view body, std::string_view item);

/// An origin access control (an OriginAccessControlSummary, or the OriginAccessControl of
/// Create/Get with its config flattened).
struct origin_access_control {
  std::string id, name, signing_protocol, signing_behavior, origin_type;
};

/// Reads an OriginAccessControlSummary or OriginAccessControl element's content.
URLMINT_DECL origin_access_control parse_origin_access_control(std::string_view xml);

/// One origin of a distribution.
struct origin {
  std::string id;
  std::string domain_name;
  std::string origin_path;
  std::string origin_access_control_id;  ///< empty: no OAC attached
  std::string origin_access_identity;    ///< the legacy OAI ("origin-access-identity/cloudfront/ID"), or empty
};

/// What setup and doctor need of a distribution (a DistributionSummary, or a Distribution
/// with its DistributionConfig).
struct distribution {
  std::string id, arn, status, domain_name;
  std::vector<std::string> aliases;
  std::vector<origin> origins;
  bool enabled = false, compress = false, ipv6 = false;
  std::string viewer_protocol_policy, cache_policy_id, origin_request_policy_id;
  std::vector<std::string> allowed_methods;
  bool trusted_key_groups_enabled = false;
  std::vector<std::string> trusted_key_groups;
  std::string price_class, http_version, default_root_object, certificate_arn;
};

/// Reads a DistributionSummary or Distribution element's content.
URLMINT_DECL distribution parse_distribution(std::string_view xml);

/// Whether `d` has an origin that is `bucket`'s regional domain in `region` (or, when
/// `legacy_global` is set, its global domain B.s3.amazonaws.com).
URLMINT_DECL const origin* find_bucket_origin(const distribution& d, std::string_view bucket, std::string_view region,
                                        bool legacy_global = false);

/// A CloudFront public key (a PublicKeySummary, or a PublicKey with its config).
struct public_key_summary {
  std::string id, name, encoded_key;
};

URLMINT_DECL public_key_summary parse_public_key(std::string_view xml);

/// A key group (a KeyGroupSummary, or a KeyGroup).
struct key_group {
  std::string id, name;
  std::vector<std::string> public_key_ids;
};

URLMINT_DECL key_group parse_key_group(std::string_view xml);

/// Whether two PEM texts hold the same key (whitespace and line breaks ignored).
URLMINT_DECL bool same_pem(std::string_view a, std::string_view b);

/// The <Account> of a GetCallerIdentity answer; throws errc::service when it has none.
URLMINT_DECL std::string parse_caller_identity_account(std::string_view body);

}  // namespace cloudfront
}  // namespace urlmint


#if defined(URLMINT_HEADER_ONLY)
#include "impl/cloudfront_setup.ipp"
#endif

#endif  // URLMINT_CLOUDFRONT_SETUP_HPP
