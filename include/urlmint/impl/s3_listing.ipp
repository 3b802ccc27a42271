#ifndef URLMINT_IMPL_S3_LISTING_IPP
#define URLMINT_IMPL_S3_LISTING_IPP

// Definitions for s3_listing.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3_listing.hpp"

namespace urlmint {
namespace s3 {
namespace detail {

URLMINT_DECL std::string element(std::string_view xml, std::string_view tag) {
  return multipart::xml_element_text(xml, tag).value_or("");
}

URLMINT_DECL std::string url_decoded(std::string text, bool encoded) {
  if (!encoded) return text;
  auto d = percent_decode(text, true);
  if (!d) throw error(errc::service, "s3: the listing has a key that is not valid url encoding; the server is not S3-compatible");
  return *d;
}

URLMINT_DECL void require_root(std::string_view xml, std::string_view root, std::string_view operation) {
  if (xml.find("<" + std::string(root)) == std::string_view::npos)
    throw error(errc::service, "s3: " + std::string(operation) + " answered without <" + std::string(root) +
                                   ">; is --endpoint-url really an S3 server?");
}
}  // namespace detail

URLMINT_DECL std::vector<sigv4::query_param> list_objects_v2_query(const list_objects_request& r) {
  if (r.max_keys < 0 || r.max_keys > 1000)
    throw error(errc::invalid_argument, "s3: max-keys " + std::to_string(r.max_keys) + " is out of range; use 1 to 1000");
  std::vector<sigv4::query_param> q{{"list-type", "2"}, {"encoding-type", "url"}};
  if (!r.prefix.empty()) q.push_back({"prefix", r.prefix});
  if (!r.delimiter.empty()) q.push_back({"delimiter", r.delimiter});
  if (!r.continuation_token.empty()) q.push_back({"continuation-token", r.continuation_token});
  if (!r.start_after.empty()) q.push_back({"start-after", r.start_after});
  if (r.max_keys > 0) q.push_back({"max-keys", std::to_string(r.max_keys)});
  return q;
}

URLMINT_DECL list_objects_page parse_list_objects_v2(std::string_view xml) {
  detail::require_root(xml, "ListBucketResult", "ListObjectsV2");
  const bool encoded = detail::element(xml, "EncodingType") == "url";
  list_objects_page page;
  detail::for_each_element(xml, "Contents", [&](std::string_view c) {
    object_entry o;
    o.key = detail::url_decoded(detail::element(c, "Key"), encoded);
    o.last_modified = detail::element(c, "LastModified");
    o.etag = detail::element(c, "ETag");
    o.storage_class = detail::element(c, "StorageClass");
    const std::string size = detail::element(c, "Size");
    for (char ch : size) {
      if (ch < '0' || ch > '9' || o.size > (UINT64_MAX - 9) / 10)
        throw error(errc::service, "s3: ListObjectsV2 gave a size that is not a number; the server is not S3-compatible");
      o.size = o.size * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    page.objects.push_back(std::move(o));
  });
  detail::for_each_element(xml, "CommonPrefixes", [&](std::string_view c) {
    page.common_prefixes.push_back(detail::url_decoded(detail::element(c, "Prefix"), encoded));
  });
  page.truncated = detail::element(xml, "IsTruncated") == "true";
  page.next_continuation_token = detail::element(xml, "NextContinuationToken");
  if (page.truncated && page.next_continuation_token.empty())
    throw error(errc::service, "s3: ListObjectsV2 said the listing is truncated but gave no NextContinuationToken; "
                               "the server is not S3-compatible");
  return page;
}

URLMINT_DECL bool next_page(list_objects_request& r, const list_objects_page& page) {
  if (!page.truncated) return false;
  r.continuation_token = page.next_continuation_token;
  r.start_after.clear();  // the token already carries the position
  return true;
}

URLMINT_DECL std::vector<bucket_entry> parse_list_buckets(std::string_view xml) {
  detail::require_root(xml, "ListAllMyBucketsResult", "ListBuckets");
  std::vector<bucket_entry> out;
  detail::for_each_element(xml, "Bucket", [&](std::string_view b) {
    out.push_back({detail::element(b, "Name"), detail::element(b, "CreationDate")});
  });
  return out;
}

URLMINT_DECL sigv4::request service_request(const config& cfg, std::string_view method) {
  if (cfg.region.empty()) throw error(errc::invalid_argument, "s3: region is empty; pass --region or set AWS_REGION");
  sigv4::request req;
  req.method.assign(method);
  if (is_aws_endpoint(cfg)) {
    detail::check_region_name(cfg.region);
    req.host = detail::aws_host(endpoint_kind::bucket, cfg, cfg.region);  // s3_endpoints.hpp: FIPS, dual-stack
  } else {
    const endpoint e = parse_endpoint(cfg.endpoint_url);
    req.scheme = e.scheme;
    req.host = e.authority();
    req.path = e.base_path + "/";
  }
  return req;
}

URLMINT_DECL sigv4::signed_request sign_list_buckets(const credentials& creds, const config& cfg, time_point now) {
  return sigv4::sign(service_request(cfg, "GET"), creds, s3_params(cfg, now, sigv4::signature_location::headers));
}

URLMINT_DECL std::string delete_objects_body(const std::vector<std::string>& keys, bool quiet) {
  if (keys.empty() || keys.size() > max_delete_keys)
    throw error(errc::invalid_argument, "s3: DeleteObjects takes 1 to 1000 keys, not " + std::to_string(keys.size()) +
                                            "; split the keys into batches");
  std::string body = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  if (quiet) body += "<Quiet>true</Quiet>";
  for (const auto& k : keys) {
    validate_key(k);
    body += "<Object><Key>" + xml_escape(k) + "</Key></Object>";
  }
  body += "</Delete>";
  return body;
}

URLMINT_DECL void parse_delete_objects(std::string_view xml, delete_result& out) {
  detail::require_root(xml, "DeleteResult", "DeleteObjects");
  detail::for_each_element(xml, "Deleted", [&](std::string_view d) { out.deleted.push_back(detail::element(d, "Key")); });
  detail::for_each_element(xml, "Error", [&](std::string_view e) {
    out.errors.push_back({detail::element(e, "Key"), detail::element(e, "Code"), detail::element(e, "Message")});
  });
}
}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_LISTING_IPP
