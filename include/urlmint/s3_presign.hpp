#ifndef URLMINT_S3_PRESIGN_HPP
#define URLMINT_S3_PRESIGN_HPP

// S3 presigned URLs: the one body of code behind every presign (s3::presign, s3::signer,
// s3::presigner) of every kind of bucket, and the long-lived s3::signer. Included by s3.hpp;
// include either. A plain bucket is routed against a plan made once per rotation; an access
// point, a multi-region access point (SigV4a), a directory bucket (an S3 Express session) or
// Transfer Acceleration gets a plan of its own from s3::resolve() (make_resolved_plan), and the
// same writer lays its URL out. The general SigV4 steps (sigv4::compute) are for signed
// requests and s3::presign_steps, so a TU that presigns does not compile them.
//
// How a URL is made (detail::presign_target): what does not depend on the key or the time is
// worked out once per bucket and options (validation, the URL up to the key, the X-Amz-* and
// extra query parameters encoded and in canonical order, the canonical headers, the string to
// sign's fixed text); the timestamp is formatted once per second and patched in place; per key
// there is only the key's encoding, three hash updates over the URL as written (no canonical
// request string), one HMAC from the day's cached pad states, and the hex signature.

#include <atomic>    // std::atomic
#include <chrono>
#include <cstdint>   // std::uint64_t
#include <cstring>   // std::memcpy
#include <memory>    // std::unique_ptr
#include <mutex>     // std::mutex
#include <string>
#include <string_view>
#include <system_error>  // std::error_code
#include <vector>

#include "config.hpp"
#include "function_ref.hpp"
#include "s3.hpp"
#include "sigv4a.hpp"  // sigv4a::key_pair

namespace urlmint {
namespace s3 {
namespace detail {

// What depends on one set of credentials and the configuration, worked out once per rotation
// (or, for a bucket that names its own host and scope, per bucket: see make_resolved_plan).
// `usable` is false whenever every presign would fail for this configuration (the error and
// its message then come from the validators, see throw_presign_error).
struct presign_plan {
  bool usable = false;
  bool aws = true;
  // The host and path up to the key are final (an access point, a multi-region access point, a
  // directory bucket, Transfer Acceleration): the bucket is not routed again.
  bool resolved = false;
  addressing_style style = addressing_style::automatic;
  std::string scheme;
  std::string host;  // AWS: the regional S3 host; elsewhere the endpoint's authority
  std::string base_path;  // resolved: the whole path up to the key, with its final "/"
  bool host_takes_buckets = false;  // custom endpoint: a DNS name (not an IP literal, not localhost)
  std::string region;
  std::string service = "s3";
  std::string_view algorithm = sigv4::algorithm;
  std::string scope_tail;         // the scope after its date: "/" region "/" service "/aws4_request"
  std::string credential_prefix;  // uri_encode(access key id) + "%2F"
  std::string credential_suffix;  // scope_tail, encoded
  secret_string encoded_token;    // uri_encode(session token); empty for long-term keys
  std::string_view token_name = "X-Amz-Security-Token";  // an S3 Express session's: X-Amz-S3session-Token
  std::string encoded_region_set;  // SigV4a: X-Amz-Region-Set's value, encoded; empty for SigV4
  std::shared_ptr<const sigv4a::key_pair> ecdsa_key;  // SigV4a signs with this instead of an HMAC
};

URLMINT_DECL presign_plan make_presign_plan(const credentials& creds, const config& cfg);

// Whether `bucket` gets a plan of its own (make_resolved_plan) instead of the configuration's
// shared one: access point and multi-region access point ARNs (their own host, region and
// service; SigV4a), directory buckets (s3express, signed with their session) and Accelerate.
URLMINT_DECL bool needs_resolved_plan(const config& cfg, std::string_view bucket) noexcept;

// The plan for one bucket that s3::resolve() addresses and scopes itself (see
// needs_resolved_plan): its host, path and signing scope, with
// SigV4a's key for a multi-region access point and the session token's name for a directory
// bucket (`creds` is then the S3 Express session). Unusable where resolve() would throw.
URLMINT_DECL presign_plan make_resolved_plan(const credentials& creds, const config& cfg, std::string_view bucket);

// Fills in the scope, the credential and the token from plan.region, .service and .ecdsa_key.
URLMINT_DECL void set_signing_scope(presign_plan& plan, const credentials& creds);

// Whether the validators would accept this bucket under `plan`, and if so whether it goes in
// the host. Mirrors validate_bucket() and resolve() (tests/presign_fastpath_test.cpp compares
// them over generated inputs); returns false where they would throw.
URLMINT_DECL bool route_bucket(const presign_plan& plan, std::string_view bucket, bool& virtual_hosted);

// An encoder output writing through a raw pointer into room the caller has reserved.
struct raw_sink {
  char* p;
  [[gnu::always_inline]] void append(const char* data, std::size_t n) noexcept {
    std::memcpy(p, data, n);
    p += n;
  }
  [[gnu::always_inline]] void append(std::string_view text) noexcept { append(text.data(), text.size()); }
  [[gnu::always_inline]] void push_back(char c) noexcept { *p++ = c; }
};

// Bytes with inline room and a heap overflow for the rare big input; sized once, before
// writing, from an upper bound, so the views into it stay valid.
template <class T, std::size_t Inline>
class small_buffer {
 public:
  T* reserve(std::size_t n) {
    if (n > Inline) {
      heap_.reset(new T[n]);
      return heap_.get();
    }
    heap_.reset();
    return inline_;
  }

 private:
  T inline_[Inline];
  std::unique_ptr<T[]> heap_;
};

// A query parameter being put in canonical order: encoded name and value, as raw pointers
// (trivially constructible, so an array of them costs nothing until used).
struct query_item {
  const char* name;
  std::size_t name_size;
  const char* value;
  std::size_t value_size;
  bool is_token;  // the session token: its value is spliced in from the plan per URL
  std::string_view name_view() const noexcept { return {name, name_size}; }
  std::string_view value_view() const noexcept { return {value, value_size}; }
  bool operator<(const query_item& o) const noexcept {
    const int c = name_view().compare(o.name_view());
    return c != 0 ? c < 0 : value_view() < o.value_view();
  }
};

// Everything of a presign that does not depend on the key or the time, for one plan, bucket
// and options: prepared once, then any number of keys. Not thread-safe (one per thread).
class presign_target {
 public:
  presign_target() = default;
  presign_target(const presign_target&) = delete;
  presign_target& operator=(const presign_target&) = delete;
  ~presign_target() { secure_wipe(&pads_, sizeof pads_); }

  /// Validates the bucket and options against `plan` and lays out the fixed text. Sets `ec`
  /// (invalid_argument) and returns false when every key would fail.
  URLMINT_DECL bool prepare(const presign_plan& plan, std::string_view bucket, const presign_options& opts, std::error_code& ec);

  /// The longest URL append_to() may write for `key`.
  URLMINT_DECL std::size_t max_size(std::string_view key) const noexcept;

  /// Puts the signing key's pad states for a "YYYYMMDD" date into its second argument.
  using pads_source = function_ref<void(std::string_view date, urlmint::detail::hmac_sha256_pads& pads)>;

  /// Writes the presigned URL of `key` at `now` to `dst` (room: max_size(key)) and returns
  /// its size, or sets `ec` and returns 0 for a key S3 refuses. `pads_for(date, pads)` puts
  /// the signing key's pad states for "YYYYMMDD" into `pads`; it is asked once a day.
  URLMINT_DECL std::size_t write(char* dst, std::string_view key, time_point now, pads_source pads_for,
                                 std::error_code& ec);

  /// Whether the day's pad states stay in this object between URLs (a presigner, owned by its
  /// caller) or are wiped after each URL (the per-thread cache behind signer::presign, which
  /// outlives the signer: no secret may linger there).
  void keep_pads(bool keep) noexcept { keep_pads_ = keep; }
  void forget_pads() noexcept {
    secure_wipe(&pads_, sizeof pads_);
    pads_date_ = 0;
  }

  /// Appends the URL of `key` to `out`; leaves `out` unchanged and sets `ec` on failure.
  void append_to(std::string& out, std::string_view key, time_point now, pads_source pads_for, std::error_code& ec) {
    const std::size_t start = out.size();
    out.resize(start + max_size(key));
    const std::size_t n = write(&out[start], key, now, pads_for, ec);
    out.resize(start + n);
  }

  bool ready() const noexcept { return ready_; }

 private:
  // The query in canonical order, the token left out: it goes in at token_at_, from the
  // plan, so a long session token is never copied here.
  URLMINT_DECL void lay_out_query() noexcept;

  URLMINT_DECL void set_time(std::int64_t second);

  small_buffer<char, 2048> arena_;
  small_buffer<sigv4::detail::header_view, 8> header_items_;
  small_buffer<query_item, 16> query_items_;
  const presign_plan* plan_ = nullptr;
  query_item* items_ = nullptr;
  bool ready_ = false;
  std::string_view head_;       // scheme://host/path-up-to-the-key/
  std::string_view host_;
  std::size_t path_at_ = 0;     // where the path starts in head_
  std::string_view method_nl_;  // "GET\n"
  std::string_view tail_;       // "\n" canonical headers "\n" signed headers "\n" UNSIGNED-PAYLOAD
  std::string_view credential_;       // X-Amz-Credential's value (its date patched in place)
  std::string_view timestamp_value_;  // X-Amz-Date's value (patched in place)
  std::string_view token_;
  std::size_t header_count_ = 0;
  std::size_t item_count_ = 0;
  char* query_at_ = nullptr;         // the query without the token
  std::size_t query_text_size_ = 0;
  std::size_t token_at_ = 0;         // where the token goes in it
  std::size_t query_size_ = 0;       // with the token
  char* sts_ = nullptr;
  std::size_t sts_size_ = 0;
  std::size_t sts_time_at_ = 0;  // where the timestamp starts in the string to sign
  std::int64_t second_ = -1;
  char date_[8] = {};
  std::uint64_t date_word_ = 0;
  std::uint64_t pads_date_ = 0;  // the date whose pads are in pads_ (0: none)
  bool keep_pads_ = true;
  urlmint::detail::hmac_sha256_pads pads_{};
};

// Throws the error the validators give for an input presign_target refused (the same
// message as before the fast path existed: the validators are the one source of messages).
[[noreturn]] URLMINT_DECL void throw_presign_error(const credentials& creds, const config& cfg, std::string_view bucket,
                                             std::string_view key, const presign_options& opts, time_point now);

// The pads of a signing key derived now (no cache).
URLMINT_DECL void derive_pads(const credentials& creds, std::string_view region, std::string_view service,
                              std::string_view date, urlmint::detail::hmac_sha256_pads& out);

}  // namespace detail

/// A presigned URL for bucket/key, valid from `now` for opts.expires_in. Pass a cache to reuse
/// signing keys across calls; an s3::signer (or s3::presigner) is faster still.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
URLMINT_DECL std::string presign(const credentials& creds, const config& cfg, std::string_view bucket,
                           std::string_view key, const presign_options& opts, time_point now,
                           sigv4::signing_key_cache* cache = nullptr);

/// A presigned GET valid for `expires_in`.
URLMINT_DECL std::string presign_get_object(const credentials& creds, const config& cfg, std::string_view bucket,
                                      std::string_view key, std::chrono::seconds expires_in, time_point now);

class presigner;

/// Credentials, endpoint configuration and a signing-key cache together: the object to keep
/// for the life of an application. Thread-safe; all methods are const or internally locked.
/// With a rotating credentials_source (a providers::provider), each URL or request is signed
/// with the credentials current at its signing time; what depends on the access key, token
/// and region is rebuilt once per rotation, and the per-URL path takes no lock.
class signer {
 public:
  /// Throws errc::invalid_credentials for incomplete fixed credentials. A rotating source is
  /// first asked when the first URL or request is signed.
  signer(credentials_source source, config cfg);
  URLMINT_DECL ~signer();
  signer(const signer&) = delete;
  signer& operator=(const signer&) = delete;

  const config& configuration() const noexcept { return cfg_; }
  /// Where the credentials come from.
  const credentials_source& source() const noexcept { return source_; }
  /// The credentials this signer signs with at `now` (a snapshot that stays valid however the
  /// source moves on). Throws what the source throws when it has none.
  std::shared_ptr<const credentials> credentials_at(time_point now) const { return current(now).creds; }
  /// The credentials that sign requests on `bucket` at `now`: credentials_at(now), except for a
  /// directory bucket, whose requests are signed with its S3 Express session (from the session
  /// cache set with use_sessions()). Throws errc::invalid_argument for a directory bucket when
  /// there is no session cache.
  URLMINT_DECL std::shared_ptr<const credentials> credentials_for(std::string_view bucket, time_point now) const;
  /// Gives the signer where credentials_for() gets S3 Express sessions: an
  /// s3express::session_cache (<urlmint/s3express_sessions.hpp>) or a source of your own.
  /// Call it before the signer is shared between threads.
  void use_sessions(std::shared_ptr<s3express::session_source> sessions) { sessions_ = std::move(sessions); }
  /// The S3 Express session source, if any.
  const std::shared_ptr<s3express::session_source>& sessions() const noexcept { return sessions_; }

  /// A presigned URL (the same bytes as s3::presign), with this signer's key for the day
  /// (one heap allocation, the returned string, for options that fit in 2 KiB). For many
  /// keys of one bucket, an s3::presigner does the per-bucket work once.
  URLMINT_DECL std::string presign(std::string_view bucket, std::string_view key, const presign_options& opts,
                      time_point now) const;
  /// The same, without exceptions (std::filesystem style): on bad input (an expiry over
  /// 604800 s, an empty key, an invalid bucket, ...) or missing credentials, returns an empty
  /// string and sets `ec` (urlmint::errc); clears `ec` on success.
  URLMINT_DECL std::string presign(std::string_view bucket, std::string_view key, const presign_options& opts, time_point now,
                      std::error_code& ec) const;
  /// Appends the presigned URL of presign() to `out` (nothing else: no newline). Makes no heap
  /// allocation when `out` already has room for it (reuse one buffer for many URLs) and the
  /// options fit in 2 KiB. Throws like s3::presign, leaving `out` unchanged.
  URLMINT_DECL void presign_append(std::string& out, std::string_view bucket, std::string_view key, const presign_options& opts,
                      time_point now) const;
  /// The same, without exceptions: on failure `out` is unchanged and `ec` set.
  URLMINT_DECL void presign_append(std::string& out, std::string_view bucket, std::string_view key, const presign_options& opts,
                      time_point now, std::error_code& ec) const;
  /// A presigned URL valid from the system clock's now.
  URLMINT_DECL std::string presign(std::string_view bucket, std::string_view key, const presign_options& opts = {}) const;
  /// A header-signed request (see s3::sign_request).
  URLMINT_DECL sigv4::signed_request sign(request_options request, time_point now) const;
  /// sign() with the fields of request_options in order (prefer request_options).
  URLMINT_DECL sigv4::signed_request sign(std::string_view method, std::string_view bucket, std::string_view key,
                             std::vector<sigv4::query_param> query, std::vector<sigv4::header> headers,
                             std::string_view payload_hash, time_point now) const;

 private:
  friend class presigner;

  // Everything that depends on one set of credentials. Immutable once published, except the
  // key slot, which is itself safe for concurrent use.
  struct state {
    std::shared_ptr<const credentials> creds;
    detail::presign_plan plan;
    std::uint64_t generation = 0;  // which rotation this is (a presigner rebinds when it changes)
    mutable sigv4::detail::dated_key_slot keys;
    // Until when the source vouches for `creds` (time_point ticks); moved forward in place when
    // the source hands out the same credentials again, so polling sources cost no new state.
    mutable std::atomic<time_point::rep> current_until{0};
    bool current_at(time_point now) const noexcept {
      return now.time_since_epoch().count() < current_until.load(std::memory_order_acquire);
    }
    // The day's signing key as pad states: from the lock-free slot, else derived and published.
    void pads_for(std::string_view date, urlmint::detail::hmac_sha256_pads& out) const {
      if (keys.load(date, out)) return;
      detail::derive_pads(*creds, plan.region, plan.service, date, out);
      keys.store(date, out);
    }
  };
  struct retired_state {
    std::unique_ptr<const state> held;
    std::chrono::steady_clock::time_point since;
  };
  // A replaced state stays readable this long: a thread that loaded it just before the
  // rotation finishes its URL in microseconds, so minutes are a wide margin.
  static constexpr std::chrono::minutes retire_grace{10};

  // One-shot presigns reuse, per thread, the target prepared for the last (signer, rotation,
  // bucket, options) seen: the validation and layout of a presigner, done once instead of per
  // call. The pads are not kept there (wiped after each URL).
  struct one_shot_cache {
    std::uint64_t signer_id = 0;
    std::uint64_t generation = 0;
    std::string bucket;
    presign_options opts;
    detail::presign_plan own_plan;  // an access point's, an MRAP's or Accelerate's (resolved); else unused
    detail::presign_target target;
  };
  URLMINT_DECL static bool same_options(const presign_options& a, const presign_options& b) noexcept;
  URLMINT_DECL static std::uint64_t next_signer_id() noexcept;

  URLMINT_DECL void append_with(const state& st, std::string& out, std::string_view bucket, std::string_view key,
                   const presign_options& opts, time_point now, std::error_code& ec) const;

  // Prepares `target` for `bucket`: against the state's shared plan, or, for a bucket that
  // needs_resolved_plan, against its own plan, built into `own_plan` (once per rotation).
  URLMINT_DECL bool bind_target(const state& st, std::string_view bucket, const presign_options& opts,
                                detail::presign_plan& own_plan, detail::presign_target& target,
                                std::error_code& ec) const;
  // The day's signing key as pad states: for `own_plan`'s region and service when bind_target
  // built it (resolved), else the state's.
  URLMINT_DECL void pads_for(const state& st, const detail::presign_plan& own_plan, std::string_view date,
                             urlmint::detail::hmac_sha256_pads& pads) const;

  URLMINT_DECL const state& current(time_point now) const;
  // The non-throwing form: nullptr and `ec` set when the source fails.
  URLMINT_DECL const state* current(time_point now, std::error_code& ec) const noexcept;

  URLMINT_DECL const state& rotate(time_point now) const;

  credentials_source source_;
  config cfg_;
  mutable std::atomic<const state*> state_{nullptr};
  mutable std::mutex rotate_mutex_;  // one rotation at a time; guards retired_ and generations_
  mutable std::vector<retired_state> retired_;
  mutable std::uint64_t generations_ = 0;
  mutable sigv4::signing_key_cache cache_;
  std::shared_ptr<s3express::session_source> sessions_;
  std::uint64_t id_;  // unique per signer, for the per-thread one-shot cache
};

/// Many presigned URLs of one bucket with the same options, e.g. `urlmint s3 presign --batch`:
/// the bucket and options are validated and laid out once, the timestamp is formatted once a
/// second and the day's signing key is kept, so a URL costs little more than its SHA-256
/// blocks. The same bytes as signer::presign. Follows the signer's credential rotations.
/// Not thread-safe: give each thread its own (they share the signer, which is). Any bucket but
/// a directory bucket (whose URLs need an S3 Express session: use signer::presign).
class presigner {
 public:
  /// Throws errc::invalid_argument (the message of s3::presign) when no key could be presigned
  /// with this bucket and these options or the bucket is a directory bucket, or what the
  /// credentials source throws.
  presigner(const signer& s, std::string bucket, presign_options opts);
  presigner(const presigner&) = delete;
  presigner& operator=(const presigner&) = delete;

  /// Appends the URL of `key` signed at `now` to `out`. Throws like signer::presign_append,
  /// leaving `out` unchanged.
  URLMINT_DECL void append(std::string& out, std::string_view key, time_point now);
  /// The same, without exceptions: on failure `out` is unchanged and `ec` set.
  URLMINT_DECL void append(std::string& out, std::string_view key, time_point now, std::error_code& ec);
  /// The URL of `key` at `now`.
  URLMINT_DECL std::string presign(std::string_view key, time_point now);

  /// The most write() puts out for `key` with the credentials it last used.
  std::size_t max_size(std::string_view key) const noexcept { return target_.max_size(key); }
  /// Writes the URL of `key` at `now` to `dst` (`room` bytes; max_size(key) always suffice
  /// unless the credentials rotate in between) and returns its size. On failure returns 0 and
  /// sets `ec`: errc::too_large when `room` is short (ask max_size(key) again), else as
  /// append(). For callers with their own output buffer, such as `--batch`.
  URLMINT_DECL std::size_t write(char* dst, std::size_t room, std::string_view key, time_point now, std::error_code& ec);

 private:
  URLMINT_DECL bool bind(const signer::state& st, std::error_code& ec);

  const signer* signer_;
  std::string bucket_;
  presign_options opts_;
  std::uint64_t generation_ = 0;
  detail::presign_plan own_plan_;  // an access point's, an MRAP's or Accelerate's (resolved); else unused
  detail::presign_target target_;
};

}  // namespace s3
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/s3_presign.ipp"
#include "impl/s3_signer.ipp"
#endif

#endif  // URLMINT_S3_PRESIGN_HPP
