#ifndef URLMINT_S3_HPP
#define URLMINT_S3_HPP

// Amazon S3 on top of SigV4: bucket and key rules, endpoint resolution (AWS and S3-compatible
// servers), presigned URLs and header-signed requests. Sans-IO: requests are signed here and
// sent by curl.hpp (or anything else).

#include <chrono>    // std::chrono::seconds
#include <cstdint>   // std::uint16_t
#include <atomic>    // std::atomic
#include <cstring>   // std::memcpy
#include <memory>    // std::unique_ptr
#include <mutex>     // std::mutex
#include <optional>  // std::optional
#include <string>
#include <string_view>
#include <utility>   // std::swap
#include <vector>

#include "checksums.hpp"
#include "credentials.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "s3_mrap.hpp"
#include "s3express.hpp"
#include "sigv4.hpp"
#include "time.hpp"

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
inline addressing_style parse_addressing_style(std::string_view text) {
  if (text == "auto") return addressing_style::automatic;
  if (text == "path") return addressing_style::path;
  if (text == "virtual") return addressing_style::virtual_hosted;
  throw error(errc::invalid_argument,
              "s3: addressing style \"" + std::string(text) + "\" is unknown; use auto, path or virtual");
}

/// Where requests go. With an empty endpoint_url, AWS's own S3 endpoint for the region.
struct config {
  std::string region = "us-east-1";
  /// An S3-compatible server, e.g. "http://127.0.0.1:9000" or "https://ACCOUNT.r2.cloudflarestorage.com".
  std::string endpoint_url;
  addressing_style style = addressing_style::automatic;
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
inline endpoint parse_endpoint(std::string_view url) {
  const auto bad = [&](const std::string& why) {
    return error(errc::invalid_argument, "s3: endpoint URL \"" + std::string(url) + "\" " + why);
  };
  endpoint e;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    throw bad("has no scheme; write it as http://HOST[:PORT] or https://HOST[:PORT]");
  e.scheme = sigv4::lowercase(url.substr(0, sep));
  if (e.scheme != "http" && e.scheme != "https")
    throw bad("uses scheme \"" + e.scheme + "\"; only http:// and https:// endpoints are supported");
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) throw bad("has a query or fragment; remove it");
  if (rest.find('@') != std::string_view::npos) throw bad("contains user info ('@'); remove it");
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    e.base_path.assign(path);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw bad("has an unclosed IPv6 bracket");
    e.host.assign(authority.substr(0, close + 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw bad("has text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) throw bad("has an empty port");
    }
  } else {
    const auto colon = authority.find(':');
    e.host.assign(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) throw bad("has an empty port");
    }
  }
  if (e.host.empty() || e.host == "[]") throw bad("has no host");
  for (char c : e.host)
    if (static_cast<unsigned char>(c) <= ' ' || c == '%' || c == '\\')
      throw bad("has an invalid character in its host");
  e.host = sigv4::lowercase(e.host);
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') throw bad("has a non-numeric port");
      port = port * 10 + static_cast<unsigned long>(c - '0');
      if (port > 65535) throw bad("has a port above 65535");
    }
    if (port == 0) throw bad("has port 0");
    e.port = static_cast<std::uint16_t>(port);
  }
  return e;
}

/// Whether `host` is an IPv4 dotted quad or an IPv6 literal.
inline bool is_ip_address(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    const auto dot = std::min(host.find('.', pos), host.size());
    const auto part = host.substr(pos, dot - pos);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    if (std::stoi(std::string(part)) > 255) return false;
    ++parts;
    pos = dot + 1;
  }
  return parts == 4;
}

/// Why `bucket` is not a valid AWS bucket name, or an empty string when it is. AWS's rules:
/// 3-63 characters of a-z, 0-9, '.', '-'; starting and ending with a letter or digit; no "..";
/// not an IP address; none of AWS's reserved prefixes and suffixes.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
inline std::string aws_bucket_name_problem(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return "must be 3 to 63 characters long";
  for (char c : bucket) {
    if (c >= 'A' && c <= 'Z') return "must not contain uppercase letters";
    if (c == '_') return "must not contain underscores";
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
      return "may contain only lowercase letters, digits, '.' and '-'";
  }
  const auto edge_ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!edge_ok(bucket.front()) || !edge_ok(bucket.back())) return "must start and end with a letter or digit";
  if (bucket.find("..") != std::string_view::npos) return "must not contain two adjacent periods";
  if (bucket.find(".-") != std::string_view::npos || bucket.find("-.") != std::string_view::npos)
    return "must not have '-' next to '.'";
  if (is_ip_address(bucket)) return "must not be formatted as an IP address";
  for (std::string_view prefix : {"xn--", "sthree-", "amzn-s3-demo-"})
    if (bucket.substr(0, prefix.size()) == prefix) return "must not start with \"" + std::string(prefix) + "\"";
  for (std::string_view suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"})
    if (bucket.size() >= suffix.size() && bucket.substr(bucket.size() - suffix.size()) == suffix)
      return "must not end with \"" + std::string(suffix) + "\"";
  return {};
}

/// Throws errc::invalid_argument when `bucket` cannot be used. AWS endpoints apply AWS's naming
/// rules; S3-compatible endpoints only need a name that fits in one path segment.
inline void validate_bucket(std::string_view bucket, bool aws_endpoint) {
  if (bucket.empty()) throw error(errc::invalid_argument, "s3: bucket name is empty; write s3://BUCKET/KEY");
  if (aws_endpoint) {
    const std::string problem = aws_bucket_name_problem(bucket);
    if (!problem.empty())
      throw error(errc::invalid_argument, "s3: bucket name \"" + std::string(bucket) + "\" is invalid: it " +
                                              problem + " (AWS bucket naming rules)");
    return;
  }
  if (bucket.size() > 255) throw error(errc::invalid_argument, "s3: bucket name is longer than 255 characters");
  for (char c : bucket)
    if (c == '/' || static_cast<unsigned char>(c) < ' ' || c == 0x7f)
      throw error(errc::invalid_argument, "s3: bucket name \"" + std::string(bucket) +
                                              "\" contains '/' or a control character");
}

/// Throws errc::invalid_argument when `key` is empty, longer than 1024 bytes or not UTF-8.
inline void validate_key(std::string_view key) {
  if (key.empty()) throw error(errc::invalid_argument, "s3: object key is empty; write s3://BUCKET/KEY");
  if (key.size() > max_key_bytes)
    throw error(errc::invalid_argument, "s3: object key is " + std::to_string(key.size()) +
                                            " bytes; S3 allows at most 1024 bytes of UTF-8");
  if (!is_valid_utf8(key))
    throw error(errc::invalid_argument, "s3: object key is not valid UTF-8; S3 keys are UTF-8 text");
}

/// A bucket and key from "s3://BUCKET/KEY" (the key keeps every byte after the first '/'), or
/// from "s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/KEY" (the bucket is the ARN).
struct s3_uri {
  std::string bucket;
  std::string key;  ///< may be empty ("s3://BUCKET" or "s3://BUCKET/")
};

/// Parses "s3://BUCKET/KEY". Throws errc::invalid_argument when the text does not start with
/// s3:// or names no bucket.
inline s3_uri parse_s3_uri(std::string_view text) {
  constexpr std::string_view prefix = "s3://";
  if (text.substr(0, prefix.size()) != prefix)
    throw error(errc::invalid_argument,
                "s3: \"" + std::string(text.substr(0, 64)) + "\" is not an S3 URI; write s3://BUCKET/KEY");
  text.remove_prefix(prefix.size());
  std::size_t slash = text.find('/');
  if (text.substr(0, 4) == "arn:") {
    // As the AWS CLI splits them: the ARN runs to the end of the access point's name.
    const auto at = text.find("accesspoint");
    if (at != std::string_view::npos && at + 11 < text.size() && (text[at + 11] == '/' || text[at + 11] == ':'))
      slash = text.find('/', at + 12);
  }
  s3_uri out;
  out.bucket.assign(text.substr(0, slash));
  if (slash != std::string_view::npos) out.key.assign(text.substr(slash + 1));
  if (out.bucket.empty()) throw error(errc::invalid_argument, "s3: S3 URI has no bucket; write s3://BUCKET/KEY");
  return out;
}

/// Whether requests on `bucket` are signed other than by plain SigV4 with the caller's own keys:
/// a directory bucket's (S3 Express session, s3express.hpp) or a multi-region access point's
/// (SigV4a, s3_mrap.hpp). Such buckets skip the SigV4 presign fast path.
inline bool signed_outside_sigv4(std::string_view bucket) {
  return s3express::is_directory_bucket(bucket) || mrap::is_mrap_arn(bucket);
}

/// Whether the endpoint is AWS's own (no endpoint_url configured).
inline bool is_aws_endpoint(const config& c) { return c.endpoint_url.empty(); }

/// Where one bucket/key lives: the pieces of a sigv4::request.
struct location {
  std::string scheme;
  std::string host;  ///< with ":port" only when not the scheme's default
  std::string path;  ///< encoded once, "/" kept; never normalized
};

namespace detail {

// DNS-safe enough to become a host label: AWS rules, and no dots under https because the
// wildcard certificate *.s3.amazonaws.com covers one label only.
inline bool virtual_host_compatible(std::string_view bucket, std::string_view scheme) {
  if (!aws_bucket_name_problem(bucket).empty()) return false;
  return !(scheme == "https" && bucket.find('.') != std::string_view::npos);
}

inline std::string aws_s3_host(std::string_view region) {
  // us-east-1 keeps the global host: it is what AWS's documentation examples and botocore use.
  if (region == "us-east-1") return "s3.amazonaws.com";
  std::string host = "s3.";
  host.append(region);
  host.append(region.substr(0, 3) == "cn-" ? ".amazonaws.com.cn" : ".amazonaws.com");
  return host;
}

}  // namespace detail

namespace detail {

// A multi-region access point: one global host whatever the region and addressing style.
inline location resolve_mrap(const config& cfg, std::string_view arn_text, std::string_view key) {
  const mrap::arn arn = mrap::parse_arn(arn_text);
  mrap::settings settings;
  settings.region = cfg.region;
  settings.custom_endpoint = !cfg.endpoint_url.empty();
  mrap::check(arn, settings);
  if (!key.empty()) validate_key(key);
  location loc{"https", mrap::host(arn), "/"};
  uri_encode_to(loc.path, key, slash_encoding::keep);
  return loc;
}

}  // namespace detail

/// Resolves where `bucket`/`key` is addressed under `cfg`. An empty key addresses the bucket;
/// `bucket` may be a multi-region access point ARN. Throws errc::invalid_argument for invalid
/// names, an impossible addressing style, or settings a multi-region access point refuses.
inline location resolve(const config& cfg, std::string_view bucket, std::string_view key) {
  if (cfg.region.empty()) throw error(errc::invalid_argument, "s3: region is empty; pass --region or set AWS_REGION");
  if (mrap::is_mrap_arn(bucket)) return detail::resolve_mrap(cfg, bucket, key);
  const bool aws = is_aws_endpoint(cfg);
  // Directory buckets (S3 Express One Zone) live on zonal hosts, virtual-hosted only.
  const bool directory = aws && s3express::is_directory_bucket(bucket);
  if (directory) {
    s3express::validate_bucket(bucket);
    if (cfg.style == addressing_style::path)
      throw error(errc::invalid_argument, "s3: directory bucket \"" + std::string(bucket) +
                                              "\" is reached virtual-hosted only; drop --addressing-style path");
  } else {
    validate_bucket(bucket, aws);
  }
  if (!key.empty()) validate_key(key);
  location loc;
  std::string base_path;
  std::string host;
  bool virtual_hosted = false;
  if (aws) {
    for (char c : cfg.region)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        throw error(errc::invalid_argument,
                    "s3: region \"" + cfg.region + "\" is not an AWS region name; e.g. us-east-1");
    loc.scheme = "https";
    host = directory ? s3express::zonal_host_suffix(bucket, cfg.region) : detail::aws_s3_host(cfg.region);
    if (directory) virtual_hosted = true;
    else switch (cfg.style) {
      case addressing_style::automatic:
        virtual_hosted = detail::virtual_host_compatible(bucket, loc.scheme);
        break;
      case addressing_style::path:
        break;
      case addressing_style::virtual_hosted:
        if (bucket.find('.') != std::string_view::npos)
          throw error(errc::invalid_argument, "s3: bucket \"" + std::string(bucket) +
                                                  "\" has dots, which break TLS with virtual-hosted style; use "
                                                  "--addressing-style path");
        virtual_hosted = true;
        break;
    }
  } else {
    const endpoint e = parse_endpoint(cfg.endpoint_url);
    loc.scheme = e.scheme;
    host = e.authority();
    base_path = e.base_path;
    if (cfg.style == addressing_style::virtual_hosted) {
      if (is_ip_address(e.host) || e.host == "localhost")
        throw error(errc::invalid_argument, "s3: virtual-hosted style needs a DNS name, but the endpoint host is \"" +
                                                e.host + "\"; use --addressing-style path");
      if (!aws_bucket_name_problem(bucket).empty())
        throw error(errc::invalid_argument, "s3: bucket \"" + std::string(bucket) +
                                                "\" cannot be a host name; use --addressing-style path");
      virtual_hosted = true;
    }
  }
  loc.path = base_path;
  if (virtual_hosted) {
    loc.host.assign(bucket).append(1, '.').append(host);
  } else {
    loc.host = std::move(host);
    loc.path.append(1, '/');
    uri_encode_to(loc.path, bucket, slash_encoding::encode);
  }
  // The key is encoded exactly once and "/" is kept, so "a//b", "./x" and a leading "/" reach
  // S3 unchanged; S3 signs the path as sent and never normalizes it.
  if (!key.empty() || virtual_hosted) loc.path.append(1, '/');
  uri_encode_to(loc.path, key, slash_encoding::keep);
  return loc;
}

/// The unsigned URL of an object ("https://bucket.s3.amazonaws.com/key").
inline std::string object_url(const config& cfg, std::string_view bucket, std::string_view key) {
  const location loc = resolve(cfg, bucket, key);
  return loc.scheme + "://" + loc.host + loc.path;
}

/// Options of a presigned URL.
struct presign_options {
  std::string method = "GET";             ///< GET, PUT, HEAD or DELETE
  std::chrono::seconds expires_in{3600};  ///< 1..604800
  std::vector<sigv4::header> headers;     ///< extra signed headers the client must send (e.g. Content-Type)
  std::vector<sigv4::query_param> query;  ///< extra signed query (response-content-disposition, versionId, ...)
};

/// The HTTP methods S3 signs, as named constants: `opts.method = s3::method::put;`.
namespace method {
inline constexpr std::string_view get = "GET";
inline constexpr std::string_view put = "PUT";
inline constexpr std::string_view head = "HEAD";
inline constexpr std::string_view delete_ = "DELETE";
inline constexpr std::string_view post = "POST";
}  // namespace method

/// The method as S3 signs it (upper case) for `method` in any case ("get" is GET). Throws
/// errc::invalid_argument unless it is GET, PUT, HEAD, DELETE or (with allow_post) POST.
inline std::string_view canonical_method(std::string_view name, bool allow_post = false) {
  for (std::string_view m : {method::get, method::put, method::head, method::delete_})
    if (ascii_iequals(name, m)) return m;
  if (allow_post && ascii_iequals(name, method::post)) return method::post;
  throw error(errc::invalid_argument, "s3: method \"" + std::string(name.substr(0, 32)) +
                                          "\" is not supported; use GET, PUT, HEAD" +
                                          (allow_post ? ", DELETE or POST" : " or DELETE"));
}

/// Throws errc::invalid_argument unless `method` is GET, PUT, HEAD, DELETE or POST, in any case.
inline void validate_method(std::string_view method, bool allow_post = false) { canonical_method(method, allow_post); }

/// The sigv4::request for `method` on bucket/key (key may be empty for bucket operations).
inline sigv4::request make_request(const config& cfg, std::string_view method, std::string_view bucket,
                                   std::string_view key, std::vector<sigv4::query_param> query = {},
                                   std::vector<sigv4::header> headers = {}) {
  location loc = resolve(cfg, bucket, key);
  sigv4::request req;
  req.method.assign(method);
  req.scheme = std::move(loc.scheme);
  req.host = std::move(loc.host);
  req.path = std::move(loc.path);
  req.query = std::move(query);
  req.headers = std::move(headers);
  return req;
}

/// Signing parameters for S3 in `cfg`'s region at `now`.
inline sigv4::params s3_params(const config& cfg, time_point now, sigv4::signature_location where) {
  sigv4::params p;
  p.region = cfg.region;
  p.service = "s3";
  p.time = now;
  p.location = where;
  p.path = sigv4::path_encoding::as_is;
  p.content_sha256 = sigv4::content_sha256_header::include;
  return p;
}

namespace detail {

// The request and parameters of a presign: what presign() signs and presign_steps() shows.
struct presign_inputs {
  sigv4::request request;
  sigv4::params params;
};

inline presign_inputs make_presign_inputs(const config& cfg, std::string_view bucket, std::string_view key,
                                          const presign_options& opts, time_point now) {
  const std::string_view method = canonical_method(opts.method);
  validate_key(key);
  presign_inputs in{make_request(cfg, method, bucket, key, opts.query, opts.headers),
                    s3_params(cfg, now, sigv4::signature_location::query)};
  in.request.payload_hash.assign(sigv4::unsigned_payload);
  in.params.expires_in = opts.expires_in;
  return in;
}

}  // namespace detail

/// The intermediates of s3::presign (s3_presign.hpp), by the general SigV4 steps, for --debug
/// output and tests.
inline sigv4::signing_steps presign_steps(const credentials& creds, const config& cfg, std::string_view bucket,
                                          std::string_view key, const presign_options& opts, time_point now) {
  const detail::presign_inputs in = detail::make_presign_inputs(cfg, bucket, key, opts, now);
  if (mrap::is_mrap_arn(bucket))
    return sigv4a::compute(in.request, creds, mrap::signing_params(in.params), &sigv4a::process_key_cache());
  if (s3express::is_directory_bucket(bucket)) return s3express::compute(in.request, creds, in.params);
  return sigv4::compute(in.request, creds, in.params);
}

/// An S3 request to sign in the Authorization header (see sign_request): named fields instead of
/// a row of positional strings, so a bucket and a key cannot trade places.
struct request_options {
  std::string_view method = method::get;   ///< GET, PUT, HEAD, DELETE or POST, in any case
  std::string_view bucket;
  std::string_view key;                     ///< empty addresses the bucket (e.g. GET /?lifecycle)
  std::vector<sigv4::query_param> query;    ///< decoded query parameters
  std::vector<sigv4::header> headers;       ///< headers to sign and send
  /// The hex SHA-256 of the body (sha256_hex), sigv4::empty_payload_sha256 for none, or
  /// sigv4::unsigned_payload (https only).
  std::string_view payload_hash = sigv4::empty_payload_sha256;
};

/// Signs an S3 request in the Authorization header.
inline sigv4::signed_request sign_request(const credentials& creds, const config& cfg, request_options r,
                                          time_point now, sigv4::signing_key_cache* cache = nullptr) {
  sigv4::request req =
      make_request(cfg, canonical_method(r.method, true), r.bucket, r.key, std::move(r.query), std::move(r.headers));
  if (r.payload_hash == sigv4::unsigned_payload && req.scheme != "https")
    throw error(errc::invalid_argument,
                "s3: UNSIGNED-PAYLOAD needs an https:// endpoint; hash the body over plain http");
  req.payload_hash.assign(r.payload_hash);
  const sigv4::params p = s3_params(cfg, now, sigv4::signature_location::headers);
  if (mrap::is_mrap_arn(r.bucket)) return sigv4a::sign(req, creds, mrap::signing_params(p), &sigv4a::process_key_cache());
  if (s3express::is_directory_bucket(r.bucket)) return s3express::sign(req, creds, p, cache);
  return sigv4::sign(req, creds, p, cache);
}

/// sign_request() with the fields of request_options in order (prefer request_options).
inline sigv4::signed_request sign_request(const credentials& creds, const config& cfg, std::string_view method,
                                          std::string_view bucket, std::string_view key,
                                          std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                                          std::string_view payload_hash, time_point now,
                                          sigv4::signing_key_cache* cache = nullptr) {
  return sign_request(creds, cfg, request_options{method, bucket, key, std::move(query), std::move(headers), payload_hash},
                      now, cache);
}

/// CreateSession for a directory bucket (GET /?session on its zonal host), signed with the
/// caller's own credentials and service s3express. Its answer's session credentials then sign
/// the bucket's requests: s3::sign_request(), s3::presign() and friends treat the credentials
/// they are given for a directory bucket as a session (see s3express.hpp).
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html
inline sigv4::signed_request sign_create_session(const credentials& creds, const config& cfg, std::string_view bucket,
                                                 time_point now, sigv4::signing_key_cache* cache = nullptr) {
  if (!s3express::is_directory_bucket(bucket))
    throw error(errc::invalid_argument, "s3: CreateSession is for directory buckets (NAME--ZONEID--x-s3), not \"" +
                                            std::string(bucket) + "\"");
  sigv4::request req = make_request(cfg, "GET", bucket, "", {{"session", ""}});
  sigv4::params p = s3_params(cfg, now, sigv4::signature_location::headers);
  p.service.assign(s3express::service);
  return sigv4::sign(req, creds, p, cache);
}

/// Headers of an object upload (PutObject). Empty fields are not sent.
struct put_options {
  std::string content_type;         ///< e.g. "image/png"
  std::string cache_control;        ///< e.g. "max-age=31536000"
  std::string content_disposition;  ///< e.g. "inline; filename=\"chart.png\""
  std::string content_encoding;
  std::string storage_class;        ///< e.g. "STANDARD_IA"
  std::vector<sigv4::header> metadata;  ///< user metadata, names without the "x-amz-meta-" prefix
  std::vector<sigv4::header> extra_headers;  ///< anything else to sign and send (SSE, ACL, ...)
  /// Conditional write (PutObject and CompleteMultipartUpload, never UploadPart): "*" stores
  /// the object only when no object has the key (If-None-Match: *; `s3 cp --no-overwrite`).
  /// A failed condition is errc::precondition_failed.
  std::string if_none_match;
  /// Conditional write: an ETag; the object is replaced only while it still has that ETag
  /// (If-Match; `s3 cp --if-match ETAG`). Quotes are added when missing.
  std::string if_match;
  /// With a value, the upload carries x-amz-checksum-<alg> (per part, and listed in
  /// CompleteMultipartUpload) instead of Content-MD5; without one (the default) no checksum
  /// header is sent at all, which S3-compatible servers that lack them need.
  std::optional<checksums::algorithm> checksum;
};

/// An ETag as S3 writes it in headers: in double quotes (added when missing).
inline std::string quoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

/// The If-None-Match / If-Match headers of a conditional write. Throws errc::invalid_argument
/// for an If-None-Match other than "*" (all S3 accepts on writes) or both conditions at once.
inline std::vector<sigv4::header> condition_headers(const put_options& opts) {
  std::vector<sigv4::header> h;
  if (!opts.if_none_match.empty() && !opts.if_match.empty())
    throw error(errc::invalid_argument, "s3: a write takes one condition; use --no-overwrite or --if-match, not both");
  if (!opts.if_none_match.empty()) {
    if (opts.if_none_match != "*")
      throw error(errc::invalid_argument, "s3: If-None-Match on a write must be \"*\" (S3 accepts nothing else)");
    h.push_back({"If-None-Match", "*"});
  }
  if (!opts.if_match.empty()) h.push_back({"If-Match", quoted_etag(opts.if_match)});
  return h;
}

/// The headers a PutObject sends for `opts` (before signing).
inline std::vector<sigv4::header> put_headers(const put_options& opts) {
  std::vector<sigv4::header> h;
  if (!opts.content_type.empty()) h.push_back({"Content-Type", opts.content_type});
  if (!opts.cache_control.empty()) h.push_back({"Cache-Control", opts.cache_control});
  if (!opts.content_disposition.empty()) h.push_back({"Content-Disposition", opts.content_disposition});
  if (!opts.content_encoding.empty()) h.push_back({"Content-Encoding", opts.content_encoding});
  if (!opts.storage_class.empty()) h.push_back({"x-amz-storage-class", opts.storage_class});
  for (const auto& m : opts.metadata) {
    if (m.name.empty())
      throw error(errc::invalid_argument, "s3: metadata name is empty; write --metadata name=value");
    h.push_back({"x-amz-meta-" + sigv4::lowercase(m.name), m.value});
  }
  for (const auto& e : opts.extra_headers) h.push_back(e);
  return h;
}

/// A header-signed PutObject whose body has hex SHA-256 `payload_hash`.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
inline sigv4::signed_request sign_put_object(const credentials& creds, const config& cfg, std::string_view bucket,
                                             std::string_view key, const put_options& opts,
                                             std::string_view payload_hash, time_point now,
                                             sigv4::signing_key_cache* cache = nullptr) {
  validate_key(key);
  std::vector<sigv4::header> headers = put_headers(opts);
  for (auto& h : condition_headers(opts)) headers.push_back(std::move(h));
  return sign_request(creds, cfg, "PUT", bucket, key, {}, std::move(headers), payload_hash, now, cache);
}

}  // namespace s3
}  // namespace urlmint

// The presign path and s3::signer (they need everything above).
#include "s3_presign.hpp"

#endif  // URLMINT_S3_HPP
