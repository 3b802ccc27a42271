#ifndef URLMINT_PUBLISH_HPP
#define URLMINT_PUBLISH_HPP

// The seed's flow as one call: "publish these bytes under this key and give me the link".
// Upload with s3_client.hpp, then return the CloudFront URL when a CloudFront domain is
// configured, else a presigned GET valid 7 days (604800 s). Which link to mint is a pure
// function (share_url), so it is tested without a server; only publisher does I/O.

#include <chrono>      // std::chrono::seconds
#include <cstdlib>     // std::getenv
#include <functional>  // std::function
#include <optional>    // std::optional
#include <string>
#include <string_view>

#include "cloudfront.hpp"
#include "credentials.hpp"
#include "error.hpp"
#include "s3.hpp"
#include "s3_client.hpp"
#include "time.hpp"

namespace urlmint {
namespace publish {

/// The environment variable naming the bucket (the seed hard-codes its bucket; urlmint reads it).
inline constexpr const char* bucket_variable = "URLMINT_BUCKET";
/// Presigned links last the longest SigV4 allows: 7 days, in seconds.
inline constexpr std::chrono::seconds default_expiry{604800};

/// Which kind of link was minted.
enum class url_kind {
  cloudfront,  ///< https://DOMAIN/KEY, served by a CloudFront distribution
  presigned,   ///< a SigV4 presigned GET of the S3 object
};

/// "cloudfront" or "presigned".
inline std::string_view to_string(url_kind k) noexcept { return k == url_kind::cloudfront ? "cloudfront" : "presigned"; }

/// What the log hook is told after each publish. Holds no secret: no key material, no
/// signature, no session token, and not the URL itself (a presigned URL is a bearer token).
struct event {
  url_kind kind = url_kind::presigned;
  std::string bucket;
  std::string key;
  std::string cloudfront_domain;    ///< set for url_kind::cloudfront
  std::chrono::seconds expires_in{0};  ///< set for url_kind::presigned
  std::uint64_t bytes = 0;          ///< bytes uploaded (0 when only a link was minted)
};

/// A log callback; no global logger exists. Called on the publishing thread.
using log_hook = std::function<void(const event&)>;

/// Everything the flow needs besides credentials.
struct config {
  std::string bucket;                        ///< required
  s3::config s3;                             ///< region, endpoint_url, addressing style
  std::string cloudfront_domain;             ///< empty: presigned links
  /// Never replace an object: every upload is conditional (If-None-Match: *), and one whose key
  /// is taken fails with errc::precondition_failed and changes nothing. For unique chart keys.
  bool never_overwrite = false;
  std::chrono::seconds presign_expiry = default_expiry;  ///< 1..604800 s
  log_hook on_publish;                       ///< optional
};

/// Reads CLOUDFRONT_DOMAIN, AWS_REGION (else AWS_DEFAULT_REGION, else us-east-1),
/// URLMINT_BUCKET and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL through `lookup` (which returns
/// nullopt for an unset or empty variable), so tests need not touch the real environment.
inline config config_from(const std::function<std::optional<std::string>(const char*)>& lookup) {
  config c;
  if (auto b = lookup(bucket_variable)) c.bucket = *b;
  if (auto r = lookup("AWS_REGION")) c.s3.region = *r;
  else if (auto dr = lookup("AWS_DEFAULT_REGION")) c.s3.region = *dr;
  if (auto e = lookup("AWS_ENDPOINT_URL_S3")) c.s3.endpoint_url = *e;
  else if (auto eg = lookup("AWS_ENDPOINT_URL")) c.s3.endpoint_url = *eg;
  if (auto d = lookup("CLOUDFRONT_DOMAIN")) c.cloudfront_domain = *d;
  return c;
}

/// config_from() over the process environment.
inline config config_from_environment() {
  return config_from([](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  });
}

/// A minted link and its kind.
struct link {
  std::string url;
  url_kind kind = url_kind::presigned;
};

/// The shareable link of bucket/key under `cfg` at `now`: the CloudFront URL when a domain is
/// configured (the domain is sanitized by cloudfront::normalize_domain), else a presigned GET
/// valid cfg.presign_expiry. Pure: no I/O, no clock. Throws errc::invalid_argument for a bad
/// domain, key or expiry.
inline link share_url(const credentials& creds, const config& cfg, std::string_view key, time_point now) {
  if (!cfg.cloudfront_domain.empty()) return {cloudfront::object_url(cfg.cloudfront_domain, key), url_kind::cloudfront};
  return {s3::presign_get_object(creds, cfg.s3, cfg.bucket, key, cfg.presign_expiry, now), url_kind::presigned};
}

/// What publishing produced.
struct result {
  std::string url;
  url_kind kind = url_kind::presigned;
  s3::put_result upload;
};

/// Uploads and mints links: the seed's upload-then-link flow. Not thread-safe (it owns an
/// s3::client); use one per thread.
class publisher {
 public:
  /// Throws errc::invalid_argument when no bucket is configured (set URLMINT_BUCKET or
  /// config::bucket), and for a malformed CloudFront domain, before any request. With a rotating
  /// source (a providers::provider), every upload and link uses the credentials current then.
  publisher(credentials_source creds, config cfg, s3::client_options opts = {})
      : cfg_(std::move(cfg)), client_(std::move(creds), cfg_.s3, std::move(opts)) {
    if (cfg_.bucket.empty())
      throw error(errc::invalid_argument, std::string("publish: no bucket configured; set ") + bucket_variable +
                                              " or config::bucket");
    if (!cfg_.cloudfront_domain.empty()) cfg_.cloudfront_domain = cloudfront::normalize_domain(cfg_.cloudfront_domain);
  }

  /// The configuration in use.
  const config& configuration() const noexcept { return cfg_; }
  /// The S3 client, for other operations on the same connection.
  s3::client& s3_client() noexcept { return client_; }

  /// Uploads `bytes` under `key` with `opts` (Content-Type, Cache-Control, ...) and returns
  /// the link. The seed's charts: content_type "image/png", cache_control "max-age=31536000".
  result publish(std::string_view key, std::string_view bytes, const s3::put_options& opts, time_point now) {
    result r;
    r.upload = client_.put_object(cfg_.bucket, key, bytes, upload_options(opts));
    finish(r, key, bytes.size(), now);
    return r;
  }
  /// publish() at the system clock's now.
  result publish(std::string_view key, std::string_view bytes, const s3::put_options& opts = {}) {
    return publish(key, bytes, opts, clock::now());
  }

  /// Uploads the file at `path` (streamed; multipart when large) under `key` and returns the link.
  result publish_file(std::string_view key, const std::string& path, const s3::put_options& opts, time_point now) {
    result r;
    r.upload = client_.put_file(cfg_.bucket, key, path, upload_options(opts));
    std::uint64_t size = 0;
    try {
      size = s3::check_readable_file(path);
    } catch (const error&) {
      size = 0;  // the upload succeeded; the size is only reported to the log hook
    }
    finish(r, key, size, now);
    return r;
  }
  /// publish_file() at the system clock's now.
  result publish_file(std::string_view key, const std::string& path, const s3::put_options& opts = {}) {
    return publish_file(key, path, opts, clock::now());
  }

 private:
  s3::put_options upload_options(const s3::put_options& opts) const {
    s3::put_options o = opts;
    if (cfg_.never_overwrite && o.if_match.empty()) o.if_none_match = "*";
    return o;
  }

  void finish(result& r, std::string_view key, std::uint64_t bytes, time_point now) {
    config signed_in = cfg_;
    signed_in.s3 = client_.config_for(cfg_.bucket);  // the bucket's region, if the upload discovered it
    const link l = share_url(*client_.signer().credentials_for(cfg_.bucket, now), signed_in, key, now);
    r.url = l.url;
    r.kind = l.kind;
    if (cfg_.on_publish) {
      event e;
      e.kind = l.kind;
      e.bucket = cfg_.bucket;
      e.key.assign(key);
      e.bytes = bytes;
      if (l.kind == url_kind::cloudfront) e.cloudfront_domain = cfg_.cloudfront_domain;
      else e.expires_in = cfg_.presign_expiry;
      cfg_.on_publish(e);
    }
  }

  config cfg_;
  s3::client client_;
};

}  // namespace publish
}  // namespace urlmint

#endif  // URLMINT_PUBLISH_HPP
