#ifndef URLMINT_IMPL_S3_CLIENT_REGIONS_IPP
#define URLMINT_IMPL_S3_CLIENT_REGIONS_IPP

// s3::client's region discovery (issue 14): a request to a bucket in another region is
// re-signed there once S3 names the region, and the region is remembered per bucket. Included
// at the end of s3_client.hpp.

#include "../s3_client.hpp"

namespace urlmint {
namespace s3 {

inline config client::config_for(std::string_view bucket) const {
  config c = configuration();
  std::lock_guard<std::mutex> lock(regions_->mutex);
  const auto it = regions_->by_bucket.find(std::string(bucket));
  if (it != regions_->by_bucket.end()) c.region = it->second;
  return c;
}

// A header-signed request to `bucket` in its (possibly discovered) region.
inline sigv4::signed_request client::sign_for(std::string_view method, std::string_view bucket, std::string_view key,
                                              std::vector<sigv4::query_param> query,
                                              std::vector<sigv4::header> headers, std::string_view payload_hash,
                                              time_point now) const {
  const config cfg = config_for(bucket);
  if (cfg.region == configuration().region)
    return signer_.sign(method, bucket, key, std::move(query), std::move(headers), payload_hash, now);
  return sign_request(*signer_.credentials_for(bucket, now), cfg, method, bucket, key, std::move(query),
                      std::move(headers), payload_hash, now);
}

// Records the region an error answer names for `bucket`; true when it is new, so the request
// is worth one more try there. Access point ARNs carry their region and are left alone.
inline bool client::learn_region(const error_details& d, std::string_view bucket) {
  if (!opts_.discover_region || bucket.empty() || bucket.substr(0, 4) == "arn:") return false;
  const auto region = redirect_region(d, config_for(bucket).region);
  if (!region) return false;
  std::lock_guard<std::mutex> lock(regions_->mutex);
  regions_->by_bucket[std::string(bucket)] = *region;
  return true;
}

// The bucket of an operation() text, "PUT s3://BUCKET/KEY ..." ("" when there is none).
inline std::string_view client::operation_bucket(std::string_view op) {
  const auto at = op.find(" s3://");
  if (at == std::string_view::npos) return {};
  op.remove_prefix(at + 6);
  return op.substr(0, op.find_first_of("/ ?"));
}
}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_CLIENT_REGIONS_IPP
