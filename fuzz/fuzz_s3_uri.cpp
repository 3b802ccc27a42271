// S3 URIs and names: parse_s3_uri, the bucket and key rules and endpoint resolution either
// succeed or throw urlmint::error with a clean one-line message; nothing else escapes.

#include "fuzz_support.hpp"

#include <urlmint/verify.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  try {
    const urlmint::s3::s3_uri uri = urlmint::s3::parse_s3_uri(text);
    urlmint_fuzz::require(!uri.bucket.empty(), "a parsed URI names a bucket");
    urlmint_fuzz::require(text.substr(0, 5) == "s3://", "a parsed URI starts with s3://");
    std::string back = "s3://" + uri.bucket;
    if (text.size() > 5 + uri.bucket.size()) back += "/" + uri.key;
    urlmint_fuzz::require(back == text, "bucket and key rebuild the URI");
    urlmint::s3::config aws;
    urlmint::s3::config custom;
    custom.endpoint_url = "http://127.0.0.1:9000";
    for (const auto* cfg : {&aws, &custom}) {
      try {
        const urlmint::s3::location loc = urlmint::s3::resolve(*cfg, uri.bucket, uri.key);
        urlmint_fuzz::require(!loc.path.empty() && loc.path[0] == '/', "a resolved path starts with /");
        for (char c : loc.path + loc.host)
          urlmint_fuzz::require(static_cast<unsigned char>(c) > ' ' && static_cast<unsigned char>(c) < 0x7f,
                                "a resolved URL is printable ASCII");
        urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", urlmint_fuzz::secret);
        const std::string url = urlmint::s3::presign_get_object(creds, *cfg, uri.bucket, uri.key,
                                                                std::chrono::seconds(60), urlmint::time_point{});
        if (urlmint::s3::mrap::is_mrap_arn(uri.bucket)) {
          // SigV4a signatures are randomized: the URL up to the signature must be the general
          // steps' URL (host, path, canonical query), and the signature must verify.
          const auto steps = urlmint::s3::presign_steps(creds, *cfg, uri.bucket, uri.key, {"GET", std::chrono::seconds(60), {}, {}},
                                                        urlmint::time_point{});
          const std::size_t query_at = steps.canonical_request.find('\n', steps.canonical_request.find('\n') + 1) + 1;
          const std::string query =
              steps.canonical_request.substr(query_at, steps.canonical_request.find('\n', query_at) - query_at);
          const std::string unsigned_url = "https://" + loc.host + loc.path + "?" + query + "&X-Amz-Signature=";
          urlmint_fuzz::require(url.compare(0, unsigned_url.size(), unsigned_url) == 0,
                                "a SigV4a URL is the general steps' URL");
        }
        urlmint::verify::options expect;
        expect.service = loc.signing_service;  // s3express for a directory bucket's name
        urlmint_fuzz::require(urlmint::verify::verify_presigned(url, creds, urlmint::time_point{}, expect).valid(),
                              "every presigned URL verifies");
      } catch (const urlmint::error& e) {
        urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), text), "clean resolve error");
      }
    }
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), text), "clean parse error");
  }
  (void)urlmint::s3::aws_bucket_name_problem(text);
  (void)urlmint::s3::is_ip_address(text);
  return 0;
}
