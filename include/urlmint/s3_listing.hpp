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

#include "config.hpp"
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

URLMINT_DECL std::string element(std::string_view xml, std::string_view tag);

URLMINT_DECL std::string url_decoded(std::string text, bool encoded);

URLMINT_DECL void require_root(std::string_view xml, std::string_view root, std::string_view operation);

}  // namespace detail

URLMINT_DECL std::vector<sigv4::query_param> list_objects_v2_query(const list_objects_request& r);

URLMINT_DECL list_objects_page parse_list_objects_v2(std::string_view xml);

URLMINT_DECL bool next_page(list_objects_request& r, const list_objects_page& page);

URLMINT_DECL std::vector<bucket_entry> parse_list_buckets(std::string_view xml);

URLMINT_DECL sigv4::request service_request(const config& cfg, std::string_view method);

URLMINT_DECL sigv4::signed_request sign_list_buckets(const credentials& creds, const config& cfg, time_point now);

URLMINT_DECL std::string delete_objects_body(const std::vector<std::string>& keys, bool quiet);

URLMINT_DECL void parse_delete_objects(std::string_view xml, delete_result& out);

}  // namespace s3
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3_listing.ipp"
#endif

#endif  // URLMINT_S3_LISTING_HPP
