#ifndef URLMINT_IMPL_S3_PRESIGN_IPP
#define URLMINT_IMPL_S3_PRESIGN_IPP

// Definitions for s3_presign.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../s3_presign.hpp"

namespace urlmint {
namespace s3 {
namespace detail {

URLMINT_DECL bool needs_resolved_plan(const config& cfg, std::string_view bucket) noexcept {
  // Every ARN (an access point's, a multi-region access point's, or text resolve() refuses
  // with its message), a directory bucket, and Accelerate, which puts every bucket in the host.
  return bucket.substr(0, 4) == "arn:" || s3express::is_directory_bucket(bucket) ||
         (is_aws_endpoint(cfg) && cfg.use_accelerate);
}

URLMINT_DECL presign_plan make_presign_plan(const credentials& creds, const config& cfg) {
  presign_plan plan;
  if (!sigv4::detail::is_scope_field(cfg.region)) return plan;
  try {
    validate(creds);
  } catch (const error&) {
    return plan;
  }
  plan.aws = is_aws_endpoint(cfg);
  plan.style = cfg.style;
  if (plan.aws) {
    // Accelerate puts every bucket in the host whatever the style: the general path does that.
    if (cfg.use_accelerate) return plan;
    try {
      plan.host = aws_bucket_host(cfg);  // s3_endpoints.hpp's table: FIPS and dual-stack hosts too
    } catch (const error&) {
      return plan;
    }
    plan.scheme = "https";
  } else {
    endpoint e;
    try {
      e = parse_endpoint(cfg.endpoint_url);
    } catch (const error&) {
      return plan;
    }
    plan.scheme = e.scheme;
    plan.host = e.authority();
    plan.base_path = e.base_path;
    plan.host_takes_buckets = !(is_ip_address(e.host) || e.host == "localhost");
  }
  plan.region = cfg.region;
  set_signing_scope(plan, creds);
  return plan;
}

URLMINT_DECL void set_signing_scope(presign_plan& plan, const credentials& creds) {
  plan.scope_tail.clear();
  if (plan.ecdsa_key == nullptr) plan.scope_tail.append(1, '/').append(plan.region);  // SigV4a: no region
  plan.scope_tail.append(1, '/').append(plan.service).append("/aws4_request");
  plan.credential_prefix = uri_encode(creds.access_key_id);
  plan.credential_prefix.append("%2F");
  plan.credential_suffix = uri_encode(plan.scope_tail);
  if (creds.is_temporary()) plan.encoded_token = secret_string(uri_encode(creds.session_token.reveal()));
  plan.usable = true;
}

URLMINT_DECL presign_plan make_resolved_plan(const credentials& creds, const config& cfg, std::string_view bucket) {
  presign_plan plan;
  location loc;
  try {
    validate(creds);
    loc = resolve(cfg, bucket, "");
  } catch (const error&) {
    return plan;  // throw_presign_error() gives the message
  }
  const bool mrap_arn = mrap::is_mrap_arn(bucket);
  plan.resolved = true;
  plan.scheme = std::move(loc.scheme);
  plan.host = std::move(loc.host);
  plan.base_path = std::move(loc.path);
  if (plan.base_path.empty() || plan.base_path.back() != '/') plan.base_path.append(1, '/');  // path style
  plan.region = mrap_arn ? std::string(sigv4a::all_regions) : std::move(loc.signing_region);
  plan.service = std::move(loc.signing_service);
  if (!sigv4::detail::is_scope_field(plan.region) || !sigv4::detail::is_scope_field(plan.service)) return plan;
  if (mrap_arn) {
    plan.algorithm = sigv4a::algorithm;
    plan.encoded_region_set = uri_encode(plan.region);
    try {
      plan.ecdsa_key = sigv4a::detail::key_for(creds, &sigv4a::process_key_cache());
    } catch (const error&) {
      return plan;
    }
  }
  if (s3express::is_directory_bucket(bucket)) plan.token_name = s3express::token_parameter;
  set_signing_scope(plan, creds);
  return plan;
}

URLMINT_DECL bool route_bucket(const presign_plan& plan, std::string_view bucket, bool& virtual_hosted) {
  if (bucket.empty() || signed_outside_sigv4(bucket)) return false;  // (not here: s3express.hpp, s3_mrap.hpp)
  const bool aws_name_ok = aws_bucket_name_problem(bucket).empty();
  const bool has_dot = bucket.find('.') != std::string_view::npos;
  if (plan.aws) {
    if (!aws_name_ok) return false;
    switch (plan.style) {
      case addressing_style::automatic:
        virtual_hosted = !has_dot;  // https: *.s3.amazonaws.com covers one label only
        return true;
      case addressing_style::path:
        virtual_hosted = false;
        return true;
      case addressing_style::virtual_hosted:
        virtual_hosted = true;
        return !has_dot;
    }
    return false;
  }
  if (bucket.size() > 255) return false;
  for (char c : bucket)
    if (c == '/' || static_cast<unsigned char>(c) < ' ' || c == 0x7f) return false;
  virtual_hosted = plan.style == addressing_style::virtual_hosted;
  return !virtual_hosted || (plan.host_takes_buckets && aws_name_ok);
}

[[noreturn]] URLMINT_DECL void throw_presign_error(const credentials& creds, const config& cfg, std::string_view bucket,
                                             std::string_view key, const presign_options& opts, time_point now) {
  // The checks of make_presign_inputs() and sigv4's steps, in their order, without building a
  // request: the messages are theirs.
  const std::string_view method = canonical_method(opts.method);
  validate_key(key);
  const location loc = resolve(cfg, bucket, key);
  sigv4::params p = s3_params(cfg, loc, now, sigv4::signature_location::query);
  p.expires_in = opts.expires_in;
  const bool mrap_arn = mrap::is_mrap_arn(bucket);
  sigv4::detail::check_signing_inputs(mrap_arn ? "sigv4a" : "sigv4", creds, mrap_arn ? mrap::signing_params(p) : p,
                                      loc.host, method, opts.headers, loc.path);
  throw error(errc::invalid_argument, "s3: cannot presign s3://" + std::string(bucket) + "/" + std::string(key));
}

URLMINT_DECL std::size_t presign_target::write(char* dst, std::string_view key, time_point now, pads_source pads_for,
                                             std::error_code& ec) {
  if (key.empty() || key.size() > max_key_bytes || now == sigv4::unset_time) {
    ec = make_error_code(errc::invalid_argument);
    return 0;
  }
  const std::int64_t second = to_unix_seconds(now);
  if (second != second_) set_time(second);

  raw_sink w{dst};
  w.append(head_);
  unsigned char high = 0;
  for (char c : key) high |= static_cast<unsigned char>(c);
  if ((high & 0x80) != 0 && !is_valid_utf8(key)) {
    ec = make_error_code(errc::invalid_argument);
    return 0;
  }
  uri_encode_to(w, key, slash_encoding::keep);
  char* const separator = w.p;
  *w.p++ = '\n';  // '?' once the canonical request is hashed: path "\n" query is one update
  w.append(query_at_, token_at_);
  w.append(token_);
  w.append(query_at_ + token_at_, query_text_size_ - token_at_);
  const char* const query_end = w.p;

  sha256_digest digest;
  {
    urlmint::detail::sha256_ctx canonical;
    canonical.update(method_nl_.data(), method_nl_.size());
    canonical.update(dst + path_at_, static_cast<std::size_t>(query_end - (dst + path_at_)));
    canonical.update(tail_.data(), tail_.size());
    canonical.final(digest.data());
  }
  *separator = '?';
  urlmint::detail::hex_digest_to(sts_ + sts_size_ - 64, digest);

  if (plan_->ecdsa_key != nullptr) {
    w.append("&X-Amz-Signature=", 17);
    w.append(plan_->ecdsa_key->sign(std::string_view(sts_, sts_size_)));
    return static_cast<std::size_t>(w.p - dst);
  }
  if (pads_date_ != date_word_) {
    pads_for(std::string_view(date_, 8), pads_);
    pads_date_ = date_word_;
  }
  {
    // Copies of the pad states, finished here: what is left in them is the digest.
    urlmint::detail::sha256_ctx inner;
    urlmint::detail::resume_pad_state(inner, pads_.inner);
    inner.update(sts_, sts_size_);
    inner.final(digest.data());
    urlmint::detail::sha256_ctx outer;
    urlmint::detail::resume_pad_state(outer, pads_.outer);
    outer.update(digest.data(), digest.size());
    outer.final(digest.data());
  }
  w.append("&X-Amz-Signature=", 17);
  urlmint::detail::hex_digest_to(w.p, digest);
  if (!keep_pads_) forget_pads();
  return static_cast<std::size_t>(w.p + 64 - dst);
}

URLMINT_DECL void derive_pads(const credentials& creds, std::string_view region, std::string_view service,
                              std::string_view date, urlmint::detail::hmac_sha256_pads& out) {
  const sigv4::signing_key derived(creds.secret_access_key.reveal(), date, region, service);
  out = derived.hmac().pads();
}

}  // namespace detail

URLMINT_DECL std::string presign(const credentials& creds, const config& cfg, std::string_view bucket,
                           std::string_view key, const presign_options& opts, time_point now,
                           sigv4::signing_key_cache* cache) {
  const detail::presign_plan plan = detail::needs_resolved_plan(cfg, bucket)
                                        ? detail::make_resolved_plan(creds, cfg, bucket)
                                        : detail::make_presign_plan(creds, cfg);
  detail::presign_target target;
  std::error_code ec;
  std::string url;
  if (target.prepare(plan, bucket, opts, ec)) {
    target.append_to(
        url, key, now,
        [&](std::string_view date, urlmint::detail::hmac_sha256_pads& pads) {
          if (cache != nullptr)
            pads = cache->get(creds.secret_access_key.reveal(), date, plan.region, plan.service)->hmac().pads();
          else
            detail::derive_pads(creds, plan.region, plan.service, date, pads);
        },
        ec);
  }
  if (ec) detail::throw_presign_error(creds, cfg, bucket, key, opts, now);
  return url;
}

URLMINT_DECL std::string presign_get_object(const credentials& creds, const config& cfg, std::string_view bucket,
                                      std::string_view key, std::chrono::seconds expires_in, time_point now) {
  presign_options o;
  o.expires_in = expires_in;
  return presign(creds, cfg, bucket, key, o, now);
}

namespace detail {

URLMINT_DECL auto presign_target::prepare(const presign_plan& plan, std::string_view bucket, const presign_options& opts, std::error_code& ec) -> bool {
  ready_ = false;
  pads_date_ = 0;
  second_ = -1;
  ec.clear();
  std::string_view method;  // as S3 signs it, from any case (see canonical_method)
  for (std::string_view m : {s3::method::get, s3::method::put, s3::method::head, s3::method::delete_})
    if (ascii_iequals(opts.method, m)) method = m;
  const auto expires = opts.expires_in.count();
  bool virtual_hosted = false;
  if (!plan.usable || method.empty() || expires < 1 || expires > sigv4::max_presign_expiry_seconds ||
      !(plan.resolved || route_bucket(plan, bucket, virtual_hosted))) {
    ec = make_error_code(errc::invalid_argument);
    return false;
  }
  // What sigv4::compute refuses: headers that would not be one line on the wire, a control
  // character in the path.
  for (const auto& h : opts.headers)
    if (!sigv4::is_token(h.name) || !sigv4::is_field_value(h.value)) {
      ec = make_error_code(errc::invalid_argument);
      return false;
    }
  for (char c : plan.base_path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      ec = make_error_code(errc::invalid_argument);
      return false;
    }
  plan_ = &plan;

  // An upper bound of all the text below, so the arena is sized once and views into it stay.
  std::size_t extras = 0;  // the extra parameters, encoded, with their '=' and '&'
  for (const auto& q : opts.query) extras += 3 * (q.name.size() + q.value.size()) + 2;
  std::size_t header_text = 0;  // the extra headers' names and values with ':' and '\n'
  for (const auto& h : opts.headers) header_text += h.name.size() + h.value.size() + 2;
  const std::size_t host_size = (virtual_hosted ? bucket.size() + 1 : 0) + plan.host.size();  // (resolved: in host)
  const std::size_t credential_size = plan.credential_prefix.size() + 8 + plan.credential_suffix.size();
  const std::size_t query_bound =
      extras + credential_size + 3 * (header_text + 5) + plan.encoded_region_set.size() + 200;
  const std::size_t bound = plan.scheme.size() + 3 + host_size + plan.base_path.size() + 3 * bucket.size() + 2 +
                            method.size() + 1 +                       // head, method
                            header_text + 4 * header_text + host_size + 48 +  // headers, tail, scratch
                            8 + 3 * (header_text + 5) + extras + credential_size + 16 +  // query values
                            query_bound + plan.scope_tail.size() + 124 + 256;  // query, string to sign, slack
  char* const base = arena_.reserve(bound);
  raw_sink w{base};

  // The URL up to the key: scheme://[bucket.]host[base_path][/bucket]/
  w.append(plan.scheme);
  w.append("://", 3);
  const char* const host_at = w.p;
  if (virtual_hosted) {
    w.append(bucket);
    w.push_back('.');
  }
  w.append(plan.host);
  host_ = std::string_view(host_at, static_cast<std::size_t>(w.p - host_at));
  path_at_ = static_cast<std::size_t>(w.p - base);
  w.append(plan.base_path);  // resolved: the whole path up to the key
  if (!plan.resolved) {
    if (!virtual_hosted) {
      w.push_back('/');
      uri_encode_to(w, bucket, slash_encoding::encode);
    }
    w.push_back('/');
  }  // the key follows, encoded once with "/" kept: S3 signs the path as sent
  head_ = std::string_view(base, static_cast<std::size_t>(w.p - base));

  const char* const method_at = w.p;
  w.append(method);
  w.push_back('\n');
  method_nl_ = std::string_view(method_at, static_cast<std::size_t>(w.p - method_at));

  // Canonical headers: the extra headers (lowercased, values canonicalized) and host, unless
  // the caller signs a Host of their own, sorted; then the signed-headers list.
  header_count_ = opts.headers.size() + 1;
  sigv4::detail::header_view* const headers = header_items_.reserve(header_count_);
  bool has_host = false;
  for (std::size_t i = 0; i < opts.headers.size(); ++i) {
    const char* name_at = w.p;
    sigv4::detail::lowercase_to(w, opts.headers[i].name);
    const char* value_at = w.p;
    sigv4::detail::canonical_header_value_to(w, opts.headers[i].value);
    headers[i] = {std::string_view(name_at, static_cast<std::size_t>(value_at - name_at)),
                  std::string_view(value_at, static_cast<std::size_t>(w.p - value_at))};
    if (headers[i].name == "host") has_host = true;
  }
  if (has_host) --header_count_;
  else headers[header_count_ - 1] = {"host", host_};
  const char* const tail_at = w.p;
  w.push_back('\n');
  char* const signed_at_scratch = w.p + 3 * header_text + host_size + 16;  // after the tail's room
  raw_sink signed_list{signed_at_scratch};
  sigv4::detail::join_canonical_headers(headers, header_count_, w, signed_list);
  const std::string_view signed_headers(signed_at_scratch,
                                        static_cast<std::size_t>(signed_list.p - signed_at_scratch));
  w.push_back('\n');
  w.append(signed_headers);  // moves the list into place (the scratch copy lies beyond)
  w.push_back('\n');
  w.append(sigv4::unsigned_payload);
  tail_ = std::string_view(tail_at, static_cast<std::size_t>(w.p - tail_at));
  const std::string_view signed_in_tail(tail_.data() + tail_.size() - sigv4::unsigned_payload.size() - 1 -
                                            signed_headers.size(),
                                        signed_headers.size());

  // X-Amz-Expires's digits.
  char* const expires_at = w.p;
  for (auto v = expires; v > 0; v /= 10) *w.p++ = static_cast<char>('0' + v % 10);
  for (char *lo = expires_at, *hi = w.p - 1; lo < hi; ++lo, --hi) {
    const char digit = *lo;
    *lo = *hi;
    *hi = digit;
  }
  const std::string_view expires_text(expires_at, static_cast<std::size_t>(w.p - expires_at));
  // X-Amz-SignedHeaders's value, encoded (";" becomes %3B).
  const char* const signed_enc_at = w.p;
  uri_encode_to(w, signed_in_tail, slash_encoding::encode);
  const std::string_view signed_encoded(signed_enc_at, static_cast<std::size_t>(w.p - signed_enc_at));

  // The extra query parameters, encoded once.
  // (A caller's parameter named like X-Amz-Date sorts against its value, which changes
  // with the time: set_time() puts the query in order again every second for that reason.)
  items_ = query_items_.reserve(opts.query.size() + 7);
  query_item* const items = items_;
  std::size_t n = 0;
  for (const auto& q : opts.query) {
    const char* name_at = w.p;
    uri_encode_to(w, q.name, slash_encoding::encode);
    const char* value_at = w.p;
    uri_encode_to(w, q.value, slash_encoding::encode);
    items[n++] = {name_at, static_cast<std::size_t>(value_at - name_at), value_at,
                  static_cast<std::size_t>(w.p - value_at), false};
  }
  // The X-Amz-Credential value with room for the date, which set_time() fills in.
  char* const credential_at = w.p;
  w.append(plan.credential_prefix);
  w.append("00000000", 8);
  w.append(plan.credential_suffix);
  credential_ = std::string_view(credential_at, static_cast<std::size_t>(w.p - credential_at));
  char* const timestamp_at = w.p;
  w.append("00000000T000000Z", 16);
  timestamp_value_ = std::string_view(timestamp_at, 16);
  items[n++] = {"X-Amz-Algorithm", 15, plan.algorithm.data(), plan.algorithm.size(), false};
  items[n++] = {"X-Amz-Credential", 16, credential_.data(), credential_.size(), false};
  items[n++] = {"X-Amz-Date", 10, timestamp_at, 16, false};
  items[n++] = {"X-Amz-Expires", 13, expires_text.data(), expires_text.size(), false};
  items[n++] = {"X-Amz-SignedHeaders", 19, signed_encoded.data(), signed_encoded.size(), false};
  if (!plan.encoded_region_set.empty())
    items[n++] = {"X-Amz-Region-Set", 16, plan.encoded_region_set.data(), plan.encoded_region_set.size(), false};
  token_ = plan.encoded_token.reveal();
  if (!token_.empty()) items[n++] = {plan.token_name.data(), plan.token_name.size(), token_.data(), token_.size(), true};
  item_count_ = n;
  query_size_ = n - 1;
  for (std::size_t i = 0; i < n; ++i) query_size_ += items[i].name_size + 1 + items[i].value_size;
  query_at_ = w.p;  // laid out by set_time(), on the first URL
  w.p += query_size_ - token_.size();

  // The string to sign: ALGORITHM "\n" TIMESTAMP "\n" DATE SCOPE-TAIL "\n" HEX, the scope tail
  // being "/" REGION "/" SERVICE "/aws4_request" (SigV4a's has no region).
  char* const sts_at = w.p;
  w.append(plan.algorithm);
  w.push_back('\n');
  sts_time_at_ = plan.algorithm.size() + 1;
  w.append("00000000T000000Z", 16);
  w.push_back('\n');
  w.append("00000000", 8);
  w.append(plan.scope_tail);
  w.push_back('\n');
  sts_ = sts_at;
  sts_size_ = static_cast<std::size_t>(w.p - sts_at) + 64;
  ready_ = true;
  return true;
}

URLMINT_DECL auto presign_target::max_size(std::string_view key) const noexcept -> std::size_t {
  // The signature: 64 hex digits, or SigV4a's DER ECDSA signature (at most 72 bytes) in hex.
  return head_.size() + 3 * key.size() + 1 + query_size_ + 17 + (plan_ != nullptr && plan_->ecdsa_key ? 144 : 64);
}

URLMINT_DECL auto presign_target::lay_out_query() noexcept -> void {
  query_item* const items = items_;
  for (std::size_t i = 1; i < item_count_; ++i) {
    const query_item item = items[i];
    std::size_t j = i;
    for (; j > 0 && item < items[j - 1]; --j) items[j] = items[j - 1];
    items[j] = item;
  }
  raw_sink q{query_at_};
  token_at_ = std::string_view::npos;
  for (std::size_t i = 0; i < item_count_; ++i) {
    if (i > 0) q.push_back('&');
    q.append(items[i].name, items[i].name_size);
    q.push_back('=');
    if (items[i].is_token) token_at_ = static_cast<std::size_t>(q.p - query_at_);
    else q.append(items[i].value, items[i].value_size);
  }
  query_text_size_ = static_cast<std::size_t>(q.p - query_at_);
  if (token_at_ == std::string_view::npos) token_at_ = query_text_size_;
}

URLMINT_DECL auto presign_target::set_time(std::int64_t second) -> void {
  second_ = second;
  const amz_date when = format_amz_date(from_unix_seconds(second));
  std::memcpy(date_, when.text.data(), 8);
  std::uint64_t word = 0;
  std::memcpy(&word, date_, 8);
  date_word_ = word;
  // The string to sign's timestamp and scope date.
  std::memcpy(sts_ + sts_time_at_, when.text.data(), 16);
  std::memcpy(sts_ + sts_time_at_ + 17, when.text.data(), 8);
  // The query's: X-Amz-Credential's date and X-Amz-Date, then the order again if a caller's
  // parameter sorts against them.
  std::memcpy(const_cast<char*>(credential_.data()) + plan_->credential_prefix.size(), when.text.data(), 8);
  std::memcpy(const_cast<char*>(timestamp_value_.data()), when.text.data(), 16);
  lay_out_query();
}

}  // namespace detail
}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_PRESIGN_IPP
