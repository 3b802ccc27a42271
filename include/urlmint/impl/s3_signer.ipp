#ifndef URLMINT_IMPL_S3_SIGNER_IPP
#define URLMINT_IMPL_S3_SIGNER_IPP

// Definitions of s3::signer and s3::presigner (declared in s3_presign.hpp): included by it when
// header-only, by <urlmint/src.hpp> once under URLMINT_SEPARATE_COMPILATION.

#include "../s3_presign.hpp"

namespace urlmint {
namespace s3 {

URLMINT_DECL signer::signer(credentials_source source, config cfg)
    : source_(std::move(source)), cfg_(std::move(cfg)), id_(next_signer_id()) {
  if (!source_.rotates()) current(time_point{});
}

URLMINT_DECL signer::~signer() { delete state_.load(std::memory_order_relaxed); }

URLMINT_DECL auto signer::credentials_for(std::string_view bucket, time_point now) const -> std::shared_ptr<const credentials> {
  if (!s3express::is_directory_bucket(bucket)) return credentials_at(now);
  if (!sessions_)
    throw error(errc::invalid_argument, "s3: directory bucket \"" + std::string(bucket) +
                                            "\" needs an S3 Express session; sign through s3::client, which "
                                            "calls CreateSession, or give the signer a session cache");
  return sessions_->get(bucket, *credentials_at(now), now);
}

URLMINT_DECL auto signer::presign(std::string_view bucket, std::string_view key, const presign_options& opts,
                      time_point now) const -> std::string {
  std::string url;
  presign_append(url, bucket, key, opts, now);
  return url;
}

URLMINT_DECL auto signer::presign(std::string_view bucket, std::string_view key, const presign_options& opts, time_point now,
                      std::error_code& ec) const -> std::string {
  std::string url;
  presign_append(url, bucket, key, opts, now, ec);
  return url;
}

URLMINT_DECL auto signer::presign_append(std::string& out, std::string_view bucket, std::string_view key, const presign_options& opts,
                      time_point now) const -> void {
  if (s3express::is_directory_bucket(bucket)) {  // signed with its S3 Express session, not the state's creds
    out += s3::presign(*credentials_for(bucket, now), cfg_, bucket, key, opts, now, &cache_);
    return;
  }
  const state& st = current(now);
  std::error_code ec;
  append_with(st, out, bucket, key, opts, now, ec);
  if (ec) detail::throw_presign_error(*st.creds, cfg_, bucket, key, opts, now);
}

URLMINT_DECL auto signer::presign_append(std::string& out, std::string_view bucket, std::string_view key, const presign_options& opts,
                      time_point now, std::error_code& ec) const -> void {
  if (s3express::is_directory_bucket(bucket)) {
    ec.clear();
    try {
      presign_append(out, bucket, key, opts, now);
    } catch (const error& e) {
      ec = e.error_code();
    }
    return;
  }
  const state* st = current(now, ec);
  if (st != nullptr) append_with(*st, out, bucket, key, opts, now, ec);
}

URLMINT_DECL auto signer::presign(std::string_view bucket, std::string_view key, const presign_options& opts) const -> std::string {
  return presign(bucket, key, opts, clock::now());
}

URLMINT_DECL auto signer::sign(request_options request, time_point now) const -> sigv4::signed_request {
  const auto creds = credentials_for(request.bucket, now);
  return s3::sign_request(*creds, cfg_, std::move(request), now, &cache_);
}

URLMINT_DECL auto signer::sign(std::string_view method, std::string_view bucket, std::string_view key,
                             std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                             std::string_view payload_hash, time_point now) const -> sigv4::signed_request {
  return s3::sign_request(*credentials_for(bucket, now), cfg_, method, bucket, key, std::move(query),
                          std::move(headers), payload_hash, now, &cache_);
}

URLMINT_DECL auto signer::same_options(const presign_options& a, const presign_options& b) noexcept -> bool {
  if (a.method != b.method || a.expires_in != b.expires_in || a.headers.size() != b.headers.size() ||
      a.query.size() != b.query.size())
    return false;
  for (std::size_t i = 0; i < a.headers.size(); ++i)
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) return false;
  for (std::size_t i = 0; i < a.query.size(); ++i)
    if (a.query[i].name != b.query[i].name || a.query[i].value != b.query[i].value) return false;
  return true;
}

URLMINT_DECL auto signer::next_signer_id() noexcept -> std::uint64_t {
  static std::atomic<std::uint64_t> ids{0};
  return ids.fetch_add(1, std::memory_order_relaxed) + 1;
}

URLMINT_DECL auto signer::append_with(const state& st, std::string& out, std::string_view bucket, std::string_view key,
                   const presign_options& opts, time_point now, std::error_code& ec) const -> void {
  thread_local one_shot_cache cache;
  detail::presign_target& target = cache.target;
  if (!(target.ready() && cache.signer_id == id_ && cache.generation == st.generation && cache.bucket == bucket &&
        same_options(cache.opts, opts))) {
    cache.signer_id = 0;  // invalid until prepared
    target.keep_pads(false);
    if (!bind_target(st, bucket, opts, cache.own_plan, target, ec)) return;
    cache.bucket.assign(bucket);
    cache.opts = opts;
    cache.generation = st.generation;
    cache.signer_id = id_;
  }
  const detail::presign_plan& own_plan = cache.own_plan;  // (a thread_local cannot be captured)
  target.append_to(
      out, key, now,
      [this, &st, &own_plan](std::string_view date, urlmint::detail::hmac_sha256_pads& pads) {
        pads_for(st, own_plan, date, pads);
      },
      ec);
}

URLMINT_DECL auto signer::bind_target(const state& st, std::string_view bucket, const presign_options& opts,
                                      detail::presign_plan& own_plan, detail::presign_target& target,
                                      std::error_code& ec) const -> bool {
  if (detail::needs_resolved_plan(cfg_, bucket)) {
    own_plan = detail::make_resolved_plan(*st.creds, cfg_, bucket);  // its own host and scope (unusable: refused)
    return target.prepare(own_plan, bucket, opts, ec);
  }
  if (own_plan.resolved) own_plan = detail::presign_plan{};  // drop the last bucket's token
  return target.prepare(st.plan, bucket, opts, ec);
}

URLMINT_DECL auto signer::pads_for(const state& st, const detail::presign_plan& own_plan, std::string_view date,
                                   urlmint::detail::hmac_sha256_pads& pads) const -> void {
  if (own_plan.resolved)  // a bucket's own region and service: the signer's key cache
    pads = cache_.get(st.creds->secret_access_key.reveal(), date, own_plan.region, own_plan.service)->hmac().pads();
  else
    st.pads_for(date, pads);
}

URLMINT_DECL auto signer::current(time_point now) const -> const state& {
  const state* st = state_.load(std::memory_order_acquire);
  if (st != nullptr && st->current_at(now)) return *st;
  return rotate(now);
}

URLMINT_DECL auto signer::current(time_point now, std::error_code& ec) const noexcept -> const state* {
  ec.clear();
  const state* st = state_.load(std::memory_order_acquire);
  if (st != nullptr && st->current_at(now)) return st;
  try {
    return &rotate(now);
  } catch (const error& e) {
    ec = e.error_code();
  } catch (const std::exception&) {
    ec = make_error_code(errc::invalid_credentials);
  }
  return nullptr;
}

URLMINT_DECL auto signer::rotate(time_point now) const -> const state& {
  std::lock_guard<std::mutex> lock(rotate_mutex_);
  const state* old = state_.load(std::memory_order_relaxed);
  if (old != nullptr && old->current_at(now)) return *old;
  time_point until;
  std::shared_ptr<const credentials> creds = source_.get(now, until);
  if (!creds) throw error(errc::invalid_credentials, "s3: the credentials source returned no credentials");
  if (old != nullptr && old->creds == creds) {
    old->current_until.store(until.time_since_epoch().count(), std::memory_order_release);
    return *old;
  }
  validate(*creds);
  auto fresh = std::make_unique<state>();
  fresh->plan = detail::make_presign_plan(*creds, cfg_);
  fresh->creds = std::move(creds);
  fresh->generation = ++generations_;
  fresh->current_until.store(until.time_since_epoch().count(), std::memory_order_relaxed);
  const state* published = fresh.release();
  state_.store(published, std::memory_order_release);
  const auto steady_now = std::chrono::steady_clock::now();
  if (old != nullptr) retired_.push_back({std::unique_ptr<const state>(old), steady_now});
  while (!retired_.empty() && steady_now - retired_.front().since > retire_grace) retired_.erase(retired_.begin());
  return *published;
}

URLMINT_DECL presigner::presigner(const signer& s, std::string bucket, presign_options opts) : signer_(&s), bucket_(std::move(bucket)), opts_(std::move(opts)) {
  if (s3express::is_directory_bucket(bucket_))
    throw error(errc::invalid_argument, "s3: presigner: \"" + bucket_ +
                                            "\" is a directory bucket, whose URLs are signed with its S3 Express "
                                            "session; use signer::presign, which asks the signer's session cache");
  std::error_code ec;
  const signer::state& st = signer_->current(clock::now());
  if (!bind(st, ec)) detail::throw_presign_error(*st.creds, signer_->cfg_, bucket_, "key", opts_, clock::now());
}

URLMINT_DECL auto presigner::append(std::string& out, std::string_view key, time_point now) -> void {
  std::error_code ec;
  append(out, key, now, ec);
  if (ec) detail::throw_presign_error(*signer_->current(now).creds, signer_->cfg_, bucket_, key, opts_, now);
}

URLMINT_DECL auto presigner::append(std::string& out, std::string_view key, time_point now, std::error_code& ec) -> void {
  const std::size_t start = out.size();
  for (int attempt = 0; attempt < 2; ++attempt) {  // twice if a rotation lengthened the URL
    out.resize(start + max_size(key));
    const std::size_t n = write(&out[start], out.size() - start, key, now, ec);
    out.resize(start + n);
    if (ec != errc::too_large) return;
  }
}

URLMINT_DECL auto presigner::presign(std::string_view key, time_point now) -> std::string {
  std::string url;
  append(url, key, now);
  return url;
}

URLMINT_DECL auto presigner::write(char* dst, std::size_t room, std::string_view key, time_point now, std::error_code& ec) -> std::size_t {
  ec.clear();
  const signer::state* st = signer_->current(now, ec);
  if (st == nullptr) return 0;
  if (st->generation != generation_ && !bind(*st, ec)) return 0;
  if (target_.max_size(key) > room) {
    ec = make_error_code(errc::too_large);
    return 0;
  }
  return target_.write(
      dst, key, now,
      [this, st](std::string_view date, urlmint::detail::hmac_sha256_pads& pads) {
        signer_->pads_for(*st, own_plan_, date, pads);
      },
      ec);
}

URLMINT_DECL auto presigner::bind(const signer::state& st, std::error_code& ec) -> bool {
  if (!signer_->bind_target(st, bucket_, opts_, own_plan_, target_, ec)) return false;
  generation_ = st.generation;
  return true;
}

}  // namespace s3
}  // namespace urlmint

#endif  // URLMINT_IMPL_S3_SIGNER_IPP
