#ifndef URLMINT_S3_LISTING_HPP
#define URLMINT_S3_LISTING_HPP

// Listing and bulk deletion, sans-IO: the requests of ListBuckets, ListObjectsV2 (with
// pagination) and DeleteObjects (batches of at most 1000 keys), and parsers for their XML
// answers. libcrypto only; s3::client (s3_client.hpp) sends them.
//
//   list_objects_request r{"charts/", "/"};
//   for (;;) {
//     list_objects_page page = parse_list_objects_v2(send(sign(list_objects_v2_query(r))));
//     ... page.objects, page.common_prefixes ...
//     if (!next_page(r, page)) break;
//   }

#include <cstdint>  // std::uint64_t
#include <string>
#include <string_view>
#include <vector>

#include "credentials.hpp"
#include "encoding.hpp"   // xml_escape, percent_decode
#include "error.hpp"
#include "multipart.hpp"  // multipart::xml_element_text, content_md5
#include "s3.hpp"
#include "sigv4.hpp"
#include "time.hpp"

namespace urlmint {
namespace s3 {

// ---------------------------------------------------------------------------------------------
// Declarations.

/// One bucket of a ListBuckets answer.
struct bucket_entry {
  std::string name;
  std::string creation_date;  ///< ISO 8601, as S3 wrote it ("2026-12-02T04:00:00.000Z")
};

/// One object of a ListObjectsV2 answer.
struct object_entry {
  std::string key;            ///< decoded (the request asks for encoding-type=url)
  std::string last_modified;  ///< ISO 8601, as S3 wrote it
  std::uint64_t size = 0;
  std::string etag;           ///< quotes included
  std::string storage_class;  ///< e.g. "STANDARD"
};

/// The parameters of one ListObjectsV2 request. Empty fields are not sent.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
struct list_objects_request {
  std::string prefix;              ///< only keys starting with this
  std::string delimiter;           ///< "/" groups keys into common prefixes ("directories")
  std::string continuation_token;  ///< from the previous page's next_continuation_token
  std::string start_after;         ///< keys after this one (first page only)
  int max_keys = 0;                ///< 1..1000 per page; 0 leaves S3's default (1000)
};

/// One page of a ListObjectsV2 answer.
struct list_objects_page {
  std::vector<object_entry> objects;
  std::vector<std::string> common_prefixes;  ///< decoded, each ending in the delimiter
  bool truncated = false;                    ///< more pages follow
  std::string next_continuation_token;
};

/// DeleteObjects takes at most this many keys per request.
inline constexpr std::size_t max_delete_keys = 1000;

/// A key DeleteObjects could not delete.
struct delete_failure {
  std::string key;
  std::string code;     ///< e.g. "AccessDenied"
  std::string message;
};

/// What DeleteObjects did, over every batch.
struct delete_result {
  std::vector<std::string> deleted;     ///< keys S3 reported deleted (none in quiet mode)
  std::vector<delete_failure> errors;   ///< keys it did not delete, with S3's reason
};

/// The query of a ListObjectsV2 request: list-type=2, encoding-type=url and the set fields.
/// Throws errc::invalid_argument for max_keys outside 0..1000.
std::vector<sigv4::query_param> list_objects_v2_query(const list_objects_request& r);
/// Parses a ListObjectsV2 answer (keys and prefixes url-decoded when the answer says
/// <EncodingType>url</EncodingType>). Throws errc::service for a body that is not one.
list_objects_page parse_list_objects_v2(std::string_view xml);
/// Moves `r` to the page after `page`; false when `page` was the last.
bool next_page(list_objects_request& r, const list_objects_page& page);
/// Parses a ListBuckets answer. Throws errc::service for a body that is not one.
std::vector<bucket_entry> parse_list_buckets(std::string_view xml);
/// The URL of the service itself (ListBuckets: GET /), under `cfg`'s endpoint and region.
sigv4::request service_request(const config& cfg, std::string_view method);
/// A header-signed ListBuckets request.
sigv4::signed_request sign_list_buckets(const credentials& creds, const config& cfg, time_point now);
/// The body of a DeleteObjects request for 1..1000 keys (quiet: S3 reports only failures).
/// Throws errc::invalid_argument for no keys or more than max_delete_keys.
std::string delete_objects_body(const std::vector<std::string>& keys, bool quiet = true);
/// Parses a DeleteObjects answer into `out` (appending). Throws errc::service for a body
/// that is not a DeleteResult.
void parse_delete_objects(std::string_view xml, delete_result& out);

// ---------------------------------------------------------------------------------------------
// Definitions.

namespace detail {

// Calls fn(inner text) for each <tag>...</tag> at any depth, in document order. S3 writes
// these list elements without attributes.
template <class Fn>
void for_each_element(std::string_view xml, std::string_view tag, Fn&& fn) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  for (std::size_t pos = xml.find(open); pos != std::string_view::npos; pos = xml.find(open, pos)) {
    const std::size_t start = pos + open.size();
    const std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) return;
    fn(xml.substr(start, end - start));
    pos = end + close.size();
  }
}

inline std::string element(std::string_view xml, std::string_view tag) {
  return multipart::xml_element_text(xml, tag).value_or("");
}

inline std::string url_decoded(std::string text, bool encoded) {
  if (!encoded) return text;
  auto d = percent_decode(text, true);
  if (!d) throw error(errc::service, "s3: the listing has a key that is not valid url encoding; the server is not S3-compatible");
  return *d;
}

inline void require_root(std::string_view xml, std::string_view root, std::string_view operation) {
  if (xml.find("<" + std::string(root)) == std::string_view::npos)
    throw error(errc::service, "s3: " + std::string(operation) + " answered without <" + std::string(root) +
                                   ">; is --endpoint-url really an S3 server?");
}

}  // namespace detail

inline std::vector<sigv4::query_param> list_objects_v2_query(const list_objects_request& r) {
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

inline list_objects_page parse_list_objects_v2(std::string_view xml) {
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

inline bool next_page(list_objects_request& r, const list_objects_page& page) {
  if (!page.truncated) return false;
  r.continuation_token = page.next_continuation_token;
  r.start_after.clear();  // the token already carries the position
  return true;
}

inline std::vector<bucket_entry> parse_list_buckets(std::string_view xml) {
  detail::require_root(xml, "ListAllMyBucketsResult", "ListBuckets");
  std::vector<bucket_entry> out;
  detail::for_each_element(xml, "Bucket", [&](std::string_view b) {
    out.push_back({detail::element(b, "Name"), detail::element(b, "CreationDate")});
  });
  return out;
}

inline sigv4::request service_request(const config& cfg, std::string_view method) {
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

inline sigv4::signed_request sign_list_buckets(const credentials& creds, const config& cfg, time_point now) {
  return sigv4::sign(service_request(cfg, "GET"), creds, s3_params(cfg, now, sigv4::signature_location::headers));
}

inline std::string delete_objects_body(const std::vector<std::string>& keys, bool quiet) {
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

inline void parse_delete_objects(std::string_view xml, delete_result& out) {
  detail::require_root(xml, "DeleteResult", "DeleteObjects");
  detail::for_each_element(xml, "Deleted", [&](std::string_view d) { out.deleted.push_back(detail::element(d, "Key")); });
  detail::for_each_element(xml, "Error", [&](std::string_view e) {
    out.errors.push_back({detail::element(e, "Key"), detail::element(e, "Code"), detail::element(e, "Message")});
  });
}

}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_S3_LISTING_HPP
