#ifndef URLMINT_IMPL_S3_IPP
#define URLMINT_IMPL_S3_IPP

// Definitions for s3.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3.hpp"

namespace urlmint {
namespace s3 {

URLMINT_DECL std::string_view canonical_method(std::string_view name, bool allow_post) {
  for (std::string_view m : {method::get, method::put, method::head, method::delete_})
    if (ascii_iequals(name, m)) return m;
  if (allow_post && ascii_iequals(name, method::post)) return method::post;
  throw error(errc::invalid_argument, "s3: method \"" + std::string(name.substr(0, 32)) +
                                          "\" is not supported; use GET, PUT, HEAD" +
                                          (allow_post ? ", DELETE or POST" : " or DELETE"));
}

URLMINT_DECL void validate_method(std::string_view method, bool allow_post) { canonical_method(method, allow_post); }

URLMINT_DECL sigv4::request make_request(location loc, std::string_view method, std::vector<sigv4::query_param> query,
                                   std::vector<sigv4::header> headers) {
  sigv4::request req;
  req.method.assign(method);
  req.scheme = std::move(loc.scheme);
  req.host = std::move(loc.host);
  req.path = std::move(loc.path);
  req.query = std::move(query);
  req.headers = std::move(headers);
  return req;
}

URLMINT_DECL sigv4::request make_request(const config& cfg, std::string_view method, std::string_view bucket,
                                   std::string_view key, std::vector<sigv4::query_param> query,
                                   std::vector<sigv4::header> headers) {
  return make_request(resolve(cfg, bucket, key), method, std::move(query), std::move(headers));
}

URLMINT_DECL sigv4::params s3_params(const config& cfg, time_point now, sigv4::signature_location where) {
  sigv4::params p;
  p.region = cfg.region;
  p.service = "s3";
  p.time = now;
  p.location = where;
  p.path = sigv4::path_encoding::as_is;
  p.content_sha256 = sigv4::content_sha256_header::include;
  return p;
}

URLMINT_DECL sigv4::params s3_params(const config& cfg, const location& loc, time_point now,
                               sigv4::signature_location where) {
  sigv4::params p = s3_params(cfg, now, where);
  if (!loc.signing_region.empty()) p.region = loc.signing_region;
  p.service = loc.signing_service;
  return p;
}
namespace detail {

URLMINT_DECL presign_inputs make_presign_inputs(const config& cfg, std::string_view bucket, std::string_view key,
                                          const presign_options& opts, time_point now) {
  const std::string_view method = canonical_method(opts.method);
  validate_key(key);
  location loc = resolve(cfg, bucket, key);
  sigv4::params params = s3_params(cfg, loc, now, sigv4::signature_location::query);
  presign_inputs in{make_request(std::move(loc), method, opts.query, opts.headers), std::move(params)};
  in.request.payload_hash.assign(sigv4::unsigned_payload);
  in.params.expires_in = opts.expires_in;
  return in;
}
}  // namespace detail

URLMINT_DECL sigv4::signing_steps presign_steps(const credentials& creds, const config& cfg, std::string_view bucket,
                                          std::string_view key, const presign_options& opts, time_point now) {
  const detail::presign_inputs in = detail::make_presign_inputs(cfg, bucket, key, opts, now);
  if (mrap::is_mrap_arn(bucket))
    return sigv4a::compute(in.request, creds, mrap::signing_params(in.params), &sigv4a::process_key_cache());
  if (s3express::is_directory_bucket(bucket)) return s3express::compute(in.request, creds, in.params);
  return sigv4::compute(in.request, creds, in.params);
}

URLMINT_DECL sigv4::signed_request sign_request(const credentials& creds, const config& cfg, request_options r,
                                          time_point now, sigv4::signing_key_cache* cache) {
  location loc = resolve(cfg, r.bucket, r.key);
  const sigv4::params p = s3_params(cfg, loc, now, sigv4::signature_location::headers);
  sigv4::request req = make_request(std::move(loc), canonical_method(r.method, true), std::move(r.query), std::move(r.headers));
  if (r.payload_hash == sigv4::unsigned_payload && req.scheme != "https")
    throw error(errc::invalid_argument,
                "s3: UNSIGNED-PAYLOAD needs an https:// endpoint; hash the body over plain http");
  req.payload_hash.assign(r.payload_hash);
  if (mrap::is_mrap_arn(r.bucket)) return sigv4a::sign(req, creds, mrap::signing_params(p), &sigv4a::process_key_cache());
  if (s3express::is_directory_bucket(r.bucket)) return s3express::sign(req, creds, p, cache);
  return sigv4::sign(req, creds, p, cache);
}

URLMINT_DECL sigv4::signed_request sign_request(const credentials& creds, const config& cfg, std::string_view method,
                                          std::string_view bucket, std::string_view key,
                                          std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                                          std::string_view payload_hash, time_point now,
                                          sigv4::signing_key_cache* cache) {
  return sign_request(creds, cfg, request_options{method, bucket, key, std::move(query), std::move(headers), payload_hash},
                      now, cache);
}

URLMINT_DECL sigv4::signed_request sign_create_session(const credentials& creds, const config& cfg, std::string_view bucket,
                                                 time_point now, sigv4::signing_key_cache* cache) {
  if (!s3express::is_directory_bucket(bucket))
    throw error(errc::invalid_argument, "s3: CreateSession is for directory buckets (NAME--ZONEID--x-s3), not \"" +
                                            std::string(bucket) + "\"");
  sigv4::request req = make_request(cfg, "GET", bucket, "", {{"session", ""}});
  sigv4::params p = s3_params(cfg, now, sigv4::signature_location::headers);
  p.service.assign(s3express::service);
  return sigv4::sign(req, creds, p, cache);
}

URLMINT_DECL std::string quoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

URLMINT_DECL std::vector<sigv4::header> condition_headers(const put_options& opts) {
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

URLMINT_DECL std::vector<sigv4::header> put_headers(const put_options& opts) {
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

URLMINT_DECL sigv4::signed_request sign_put_object(const credentials& creds, const config& cfg, std::string_view bucket,
                                             std::string_view key, const put_options& opts,
                                             std::string_view payload_hash, time_point now,
                                             sigv4::signing_key_cache* cache) {
  validate_key(key);
  std::vector<sigv4::header> headers = put_headers(opts);
  for (auto& h : condition_headers(opts)) headers.push_back(std::move(h));
  return sign_request(creds, cfg, "PUT", bucket, key, {}, std::move(headers), payload_hash, now, cache);
}
}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_IPP
