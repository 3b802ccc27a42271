#ifndef URLMINT_SIGV4_HPP
#define URLMINT_SIGV4_HPP

// AWS Signature Version 4, in the named steps of AWS's specification:
//   request -> canonical_request() -> string_to_sign() -> signature() -> headers or URL.
// Each step is a public function so tests and `--debug` output can look at it on its own.
// Nothing here reads the clock, the environment or the network.
// Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html

#include <array>      // std::array
#include <atomic>     // std::atomic: the lock-free reader side of detail::dated_key_slot
#include <cstring>    // std::memcpy
#include <chrono>     // std::chrono::seconds
#include <cstdint>    // std::int64_t
#include <memory>     // std::shared_ptr
#include <mutex>      // std::mutex
#include <optional>   // std::optional
#include <string>
#include <string_view>
#include <utility>    // std::pair
#include <vector>

#include "config.hpp"
#include "credentials.hpp"
#include "crypto.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "time.hpp"

namespace urlmint {
namespace sigv4 {

/// The algorithm name in Authorization, X-Amz-Algorithm and the string to sign.
inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
/// The payload hash of presigned URLs and of bodies the signer does not hash (HTTPS only for S3).
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
/// Hex SHA-256 of an empty body.
inline constexpr std::string_view empty_payload_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Longest validity a SigV4 presigned URL may have: 7 days, in seconds.
inline constexpr std::int64_t max_presign_expiry_seconds = 604800;

/// One HTTP header as the caller gives it; names are case-insensitive.
struct header {
  std::string name;
  std::string value;
};

/// Whether `name` is an RFC 9110 token (a valid header field name): one or more of
/// A-Z a-z 0-9 and !#$%&'*+-.^_`|~.
URLMINT_DECL bool is_token(std::string_view name) noexcept;

/// Whether `value` can be a header field value on the wire: no control character (CR, LF, NUL
/// and the rest below 0x20, and DEL) other than horizontal tab.
URLMINT_DECL bool is_field_value(std::string_view value) noexcept;

/// Throws errc::invalid_argument naming the header (never its value, which may be a secret)
/// when `h` would not be exactly one header line on the wire: a name that is not an RFC 9110
/// token, or a control character in the value. Signing refuses such headers before anything
/// is signed or sent, so CR/LF can never inject a header line or smuggle a second request.
URLMINT_DECL void validate_header(const header& h);

/// One query parameter, decoded (the signer percent-encodes it).
struct query_param {
  std::string name;
  std::string value;
};

/// Where the signature goes.
enum class signature_location {
  headers,  ///< an Authorization header (requests the caller sends)
  query,    ///< X-Amz-* query parameters (presigned URLs)
};

/// How the wire path becomes the canonical URI.
enum class path_encoding {
  /// S3: the path is used exactly as sent, already encoded once; "//", "./" and "../" survive.
  as_is,
  /// Every other service: remove dot segments and duplicate slashes, then encode the path again.
  normalize_and_double_encode,
  /// Encode the wire path again without normalizing it.
  double_encode,
};

/// Whether the session token is part of what is signed (S3 and most services) or added to
/// the request after signing (a few services, e.g. IoT).
enum class session_token_mode { included, appended_after_signing };

/// Whether header-mode signing adds and signs x-amz-content-sha256 (S3 requires it).
enum class content_sha256_header { omit, include };

/// What to sign: a request as it will be sent.
struct request {
  std::string method = "GET";          ///< upper case
  std::string scheme = "https";        ///< "https" or "http"
  std::string host;                    ///< host, with ":port" only when not the scheme's default
  std::string path = "/";              ///< the path as sent on the wire, percent-encoded once
  std::vector<query_param> query;      ///< decoded query parameters
  std::vector<header> headers;         ///< headers to sign; "host" is added when absent
  std::string payload_hash = std::string(empty_payload_sha256);  ///< hex SHA-256, or unsigned_payload
};

/// params::time before it is set: signing then fails instead of minting a 1970 date.
inline constexpr time_point unset_time = time_point::min();

/// How to sign it.
struct params {
  std::string region;                    ///< e.g. "us-east-1"
  std::string service;                   ///< e.g. "s3"
  time_point time = unset_time;          ///< the signing instant (whole seconds are used); required
  signature_location location = signature_location::headers;
  /// Query signing only: X-Amz-Expires, 1..604800 s. Empty omits the parameter, which some
  /// services allow; S3 requires it.
  std::optional<std::chrono::seconds> expires_in = std::chrono::seconds(3600);
  path_encoding path = path_encoding::as_is;
  session_token_mode token_mode = session_token_mode::included;
  content_sha256_header content_sha256 = content_sha256_header::omit;
};

/// Throws errc::invalid_argument naming the field when `p` cannot produce a valid signature.
URLMINT_DECL void validate(const params& p);

// ---------------------------------------------------------------------------------------------
// Step 1: the canonical request.

/// The path after RFC 3986 dot-segment removal with empty segments dropped, as non-S3 services
/// canonicalize it ("/a//b/../c/" -> "/a/c/"). A trailing slash is kept.
URLMINT_DECL std::string normalize_path(std::string_view path);

/// The canonical URI of a wire path under the given path rule.
URLMINT_DECL std::string canonical_uri(std::string_view wire_path, path_encoding rule);

/// An encoded query parameter, as it appears in the canonical query and on the wire.
struct encoded_param {
  std::string name;
  std::string value;
};

/// Encodes and sorts parameters for the canonical query string: by encoded name, then by
/// encoded value, byte order.
URLMINT_DECL std::vector<encoded_param> encode_query(const std::vector<query_param>& query);

/// Joins encoded parameters as "a=1&b=2"; an empty value still gets its "=".
URLMINT_DECL std::string join_query(const std::vector<encoded_param>& encoded);

/// The canonical query string of decoded parameters.
URLMINT_DECL std::string canonical_query(const std::vector<query_param>& query);

namespace detail {

/// Appends `s` lowercased (ASCII) to `out`.
template <class Output>
void lowercase_to(Output& out, std::string_view s) {
  for (char c : s) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
}

/// Appends the SigV4 canonical form of a header value (see canonical_header_value) to `out`.
template <class Output>
void canonical_header_value_to(Output& out, std::string_view value) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = any;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    any = true;
    out.push_back(c);
  }
}

/// A canonicalized header: lowercase name and canonical value, as views.
struct header_view {
  std::string_view name;
  std::string_view value;
};

/// Sorts `items` stably by name (insertion sort: a handful of headers) and writes the
/// canonical headers block ("name:value\n" each, repeated names joined with ",") and the
/// signed-headers list ("a;b"). The one implementation behind canonical_headers() and the S3
/// presign path.
template <class Canonical, class Signed>
void join_canonical_headers(header_view* items, std::size_t count, Canonical& canonical, Signed& signed_headers) {
  for (std::size_t i = 1; i < count; ++i) {
    const header_view item = items[i];
    std::size_t j = i;
    for (; j > 0 && item.name < items[j - 1].name; --j) items[j] = items[j - 1];
    items[j] = item;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0 && items[i].name == items[i - 1].name) {
      canonical.push_back(',');
    } else {
      if (i > 0) {
        canonical.push_back('\n');
        signed_headers.push_back(';');
      }
      signed_headers.append(items[i].name.data(), items[i].name.size());
      canonical.append(items[i].name.data(), items[i].name.size());
      canonical.push_back(':');
    }
    canonical.append(items[i].value.data(), items[i].value.size());
  }
  if (count > 0) canonical.push_back('\n');
}

}  // namespace detail

/// Lowercase ASCII copy of a header name.
URLMINT_DECL std::string lowercase(std::string_view s);

/// A header value as SigV4 canonicalizes it: leading and trailing whitespace trimmed and
/// each run of inner whitespace (spaces, tabs, folded line breaks) collapsed to one space.
URLMINT_DECL std::string canonical_header_value(std::string_view value);

/// The canonical headers block and the signed-headers list.
struct canonical_headers_result {
  std::string canonical;       ///< "name:value\n" per header, sorted by name
  std::string signed_headers;  ///< "host;x-amz-date"
};

/// Canonicalizes headers: names lowercased, values trimmed and collapsed, headers sorted by
/// name, repeated headers joined with "," in the order given.
URLMINT_DECL canonical_headers_result canonical_headers(const std::vector<header>& headers);

/// Assembles the canonical request from its parts:
/// METHOD \n URI \n QUERY \n HEADERS(each ending in \n) \n SIGNED_HEADERS \n PAYLOAD_HASH
URLMINT_DECL std::string canonical_request(std::string_view method, std::string_view canonical_uri_,
                                     std::string_view canonical_query_, std::string_view canonical_headers_,
                                     std::string_view signed_headers, std::string_view payload_hash);

// ---------------------------------------------------------------------------------------------
// Step 2: the string to sign.

/// "YYYYMMDD/REGION/SERVICE/aws4_request".
URLMINT_DECL std::string credential_scope(std::string_view date, std::string_view region, std::string_view service);

/// "AWS4-HMAC-SHA256\nTIMESTAMP\nSCOPE\nhex(SHA256(canonical_request))".
URLMINT_DECL std::string string_to_sign(std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_);

// ---------------------------------------------------------------------------------------------
// Step 3: the signing key and the signature.

/// The derived key HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"),
/// held with its HMAC pad states precomputed. Immutable; shareable across threads.
class signing_key {
 public:
  /// Derives the key for one day, region and service. `date` is "YYYYMMDD".
  signing_key(std::string_view secret_access_key, std::string_view date, std::string_view region,
              std::string_view service)
      : hmac_(derive(secret_access_key, date, region, service, bytes_)) {}
  ~signing_key() { secure_wipe(bytes_.data(), bytes_.size()); }
  signing_key(const signing_key&) = default;
  signing_key& operator=(const signing_key&) = default;

  /// The 32 key bytes (secret material: never print them).
  const sha256_digest& bytes() const noexcept { return bytes_; }
  /// HMAC-SHA256 of `message` under this key.
  sha256_digest mac(std::string_view message) const noexcept { return hmac_.mac(message); }
  /// The prepared HMAC, for incremental MACs.
  const hmac_sha256_key& hmac() const noexcept { return hmac_; }

 private:
  static hmac_sha256_key derive(std::string_view secret, std::string_view date, std::string_view region,
                                std::string_view service, sha256_digest& out) {
    // "AWS4" + secret: a short stack buffer covers real secrets (40 bytes) with no allocation.
    std::array<char, 128> prefixed{};
    std::string fallback;
    std::string_view first_key;
    if (secret.size() + 4 <= prefixed.size()) {
      std::memcpy(prefixed.data(), "AWS4", 4);
      std::memcpy(prefixed.data() + 4, secret.data(), secret.size());
      first_key = std::string_view(prefixed.data(), secret.size() + 4);
    } else {
      fallback.reserve(secret.size() + 4);
      fallback.append("AWS4").append(secret);
      first_key = fallback;
    }
    sha256_digest k = hmac_sha256(first_key, date);
    secure_wipe(prefixed.data(), prefixed.size());
    if (!fallback.empty()) secure_wipe(fallback.data(), fallback.size());
    // A loop, not three calls: each HMAC inlined here would be compiled again in every TU.
    for (std::string_view part : {region, service, std::string_view("aws4_request")}) k = hmac_sha256(as_bytes(k), part);
    out = k;
    secure_wipe(k.data(), k.size());
    return hmac_sha256_key(as_bytes(out));
  }

  sha256_digest bytes_{};
  hmac_sha256_key hmac_;
};

/// Lowercase hex HMAC-SHA256 of the string to sign under the signing key.
URLMINT_DECL std::string signature(const signing_key& key, std::string_view string_to_sign_);

/// A small cache of derived signing keys, keyed by (secret, date, region, service), so a day's
/// signatures cost one HMAC instead of five. Safe to share between threads. It holds copies of
/// the secrets it has seen (wiped when evicted or destroyed); keep it no longer than the
/// credentials themselves.
class signing_key_cache {
 public:
  /// The key for this scope, derived on first use.
  std::shared_ptr<const signing_key> get(std::string_view secret_access_key, std::string_view date,
                                         std::string_view region, std::string_view service) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& e : entries_)
        if (e.key && e.date == date && e.region == region && e.service == service &&
            constant_time_equal(e.secret.reveal(), secret_access_key))
          return e.key;
    }
    auto key = std::make_shared<const signing_key>(secret_access_key, date, region, service);
    std::lock_guard<std::mutex> lock(mutex_);
    entry& slot = entries_[next_++ % entries_.size()];
    slot.secret = secret_string(secret_access_key);
    slot.date.assign(date);
    slot.region.assign(region);
    slot.service.assign(service);
    slot.key = key;
    return key;
  }

 private:
  struct entry {
    secret_string secret;
    std::string date;
    std::string region;
    std::string service;
    std::shared_ptr<const signing_key> key;
  };
  std::mutex mutex_;
  std::array<entry, 8> entries_;
  std::size_t next_ = 0;
};

namespace detail {

/// The signing key of one fixed (secret, region, service) for the two most recent dates, as
/// HMAC pad states. Built for the presign hot path: readers never write shared memory, so
/// threads signing in parallel share the cache lines read-only (a mutex, or a shared_ptr's
/// reference count, would bounce one line between cores on every URL). Each slot is a
/// sequence lock whose every shared word is a std::atomic, so there is no data race in the
/// C++ sense and ThreadSanitizer stays quiet; writers (once a day) serialize on a mutex.
/// Two slots so URLs signed on both sides of midnight (clock skew, threads) both stay cached.
class dated_key_slot {
 public:
  dated_key_slot() = default;
  dated_key_slot(const dated_key_slot&) = delete;
  dated_key_slot& operator=(const dated_key_slot&) = delete;
  ~dated_key_slot() {
    for (auto& s : slots_)
      for (auto& w : s.data) w.store(0, std::memory_order_relaxed);
  }

  /// Copies the pads cached for `date` ("YYYYMMDD") into `out`; false when none are cached
  /// (`out` may then hold a partial copy). The caller wipes `out` after use.
  bool load(std::string_view date, urlmint::detail::hmac_sha256_pads& out) const noexcept {
    const std::uint64_t wanted = pack(date);
    for (const auto& s : slots_) {
      // A torn read only happens while a writer replaces the slot; retrying a few times and
      // then deriving the key afresh is always correct.
      for (int attempt = 0; attempt < 4; ++attempt) {
        const std::uint64_t seq0 = s.seq.load(std::memory_order_acquire);
        if ((seq0 & 1) != 0) continue;
        if (s.date.load(std::memory_order_acquire) != wanted) break;
        auto* bytes = reinterpret_cast<unsigned char*>(&out);
        // Acquire loads (plain moves on x86) keep the re-check of `seq` after them, without a
        // standalone fence, which ThreadSanitizer cannot model (g++ -Wtsan).
        for (std::size_t i = 0; i < words; ++i) {
          const std::uint64_t w = s.data[i].load(std::memory_order_acquire);
          std::memcpy(bytes + 8 * i, &w, 8);
        }
        if (s.seq.load(std::memory_order_relaxed) == seq0) return true;
      }
    }
    return false;
  }

  /// Publishes the pads for `date`, replacing the older of the two cached dates.
  void store(std::string_view date, const urlmint::detail::hmac_sha256_pads& pads) noexcept {
    const std::uint64_t d = pack(date);
    std::uint64_t words_in[words] = {};
    std::memcpy(words_in, &pads, sizeof pads);
    std::lock_guard<std::mutex> lock(write_mutex_);
    slot* target = &slots_[0];
    for (auto& s : slots_) {
      const std::uint64_t held = s.date.load(std::memory_order_relaxed);
      if (held == d) {
        target = nullptr;  // another thread got here first
        break;
      }
      if (unpacked_less(held, target->date.load(std::memory_order_relaxed))) target = &s;
    }
    if (target != nullptr) {
      const std::uint64_t seq = target->seq.load(std::memory_order_relaxed);
      // Release stores keep the odd `seq` before every data word: a reader that sees a new
      // word also sees the odd (or a later) `seq` and retries.
      target->seq.store(seq + 1, std::memory_order_relaxed);
      target->date.store(d, std::memory_order_release);
      for (std::size_t i = 0; i < words; ++i) target->data[i].store(words_in[i], std::memory_order_release);
      target->seq.store(seq + 2, std::memory_order_release);
    }
    secure_wipe(words_in, sizeof words_in);
  }

 private:
  static constexpr std::size_t words = sizeof(urlmint::detail::hmac_sha256_pads) / 8;
  static_assert(sizeof(urlmint::detail::hmac_sha256_pads) % 8 == 0, "pads are copied in whole words");

  // "YYYYMMDD" as one word (0 = empty slot: a real date is never eight NUL bytes).
  static std::uint64_t pack(std::string_view date) noexcept {
    std::uint64_t v = 0;
    std::memcpy(&v, date.data(), date.size() < 8 ? date.size() : 8);
    return v;
  }
  // Date order of two packed dates (byte order of the digits, whatever the endianness).
  static bool unpacked_less(std::uint64_t a, std::uint64_t b) noexcept {
    char ta[8];
    char tb[8];
    std::memcpy(ta, &a, 8);
    std::memcpy(tb, &b, 8);
    return std::memcmp(ta, tb, 8) < 0;
  }

  struct slot {
    std::atomic<std::uint64_t> seq{0};
    std::atomic<std::uint64_t> date{0};
    std::array<std::atomic<std::uint64_t>, words> data{};
  };
  slot slots_[2];
  std::mutex write_mutex_;
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Putting it together.

/// Every intermediate of one signature: what users need to debug SignatureDoesNotMatch
/// (compare with the StringToSign and CanonicalRequest in S3's 403 body).
struct signing_steps {
  std::string timestamp;          ///< x-amz-date, "YYYYMMDDTHHMMSSZ"
  std::string scope;              ///< credential scope
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;          ///< lowercase hex
  std::string signed_headers;     ///< "host;x-amz-date"
  std::vector<encoded_param> query;  ///< the final encoded query, sorted, without X-Amz-Signature
  std::vector<header> headers;       ///< the headers to send (header mode), Authorization included
};

/// A request ready to send: the URL (with its query) and the headers to add.
struct signed_request {
  std::string method;
  std::string url;
  std::vector<header> headers;  ///< includes Authorization, x-amz-date, ... (not Host: it follows the URL)
};

namespace detail {

// Whether a region or service can stand in a credential scope: not empty, and no '/', space or
// control character (which would split or break the scope). validate(params) refuses the rest.
URLMINT_DECL bool is_scope_field(std::string_view field) noexcept;

URLMINT_DECL bool has_header(const std::vector<header>& headers, std::string_view lower_name);

URLMINT_DECL std::shared_ptr<const signing_key> key_for(const credentials& creds, std::string_view date,
                                                  const params& p, signing_key_cache* cache);

// What SigV4 and SigV4a (sigv4a.hpp) sign differently; everything else is one body of code.
struct signing_scheme {
  std::string_view algorithm;   // "AWS4-HMAC-SHA256" or "AWS4-ECDSA-P256-SHA256"
  std::string_view name;        // "sigv4" or "sigv4a", for error messages
  bool region_in_scope = true;  // SigV4a's scope has no region...
  bool region_set = false;      // ...it signs x-amz-region-set / X-Amz-Region-Set instead
};

// "DATE/SERVICE/aws4_request": SigV4a's scope.
URLMINT_DECL std::string regionless_scope(std::string_view date, std::string_view service);

// "ALGORITHM\nTIMESTAMP\nSCOPE\nhex(SHA256(canonical_request))".
URLMINT_DECL std::string string_to_sign(std::string_view algorithm_, std::string_view timestamp, std::string_view scope,
                                  std::string_view canonical_request_);

// The checks every signature starts with, in this order (credentials, params, host, method,
// headers, path); `name` ("sigv4", "sigv4a") begins each message. Throws errc::invalid_argument
// or errc::invalid_credentials.
URLMINT_DECL void check_signing_inputs(std::string_view name, const credentials& creds, const params& p,
                                       std::string_view host, std::string_view method,
                                       const std::vector<header>& headers, std::string_view path);

// Every step up to the string to sign: validation, timestamp, scope, signed headers, query,
// canonical request, string to sign, and (header mode) the headers to send but Authorization.
URLMINT_DECL signing_steps steps_to_sign(const request& req, const credentials& creds, const params& p,
                                   const signing_scheme& scheme);

// Once s.signature is set: adds Authorization (header mode).
URLMINT_DECL void add_authorization(signing_steps& s, const credentials& creds, const params& p,
                              std::string_view algorithm_);

// The header-signed request of finished header-mode steps.
URLMINT_DECL signed_request signed_request_of(const request& req, signing_steps&& s);

// The presigned URL of finished query-mode steps: the canonical query, the session token when
// it is appended after signing, then X-Amz-Signature.
URLMINT_DECL std::string presigned_url(const request& req, const credentials& creds, const params& p,
                                 const signing_steps& s);

}  // namespace detail

/// Runs every signing step for `req` and returns the intermediates. Header mode adds
/// x-amz-date (and x-amz-content-sha256, x-amz-security-token as configured) to the signed
/// headers; query mode adds the X-Amz-* parameters. Pass a cache to reuse signing keys.
URLMINT_DECL signing_steps compute(const request& req, const credentials& creds, const params& p,
                             signing_key_cache* cache = nullptr);

/// The URL of `req` with the given encoded query.
URLMINT_DECL std::string build_url(const request& req, std::string_view encoded_query);

/// Signs `req` with an Authorization header (params.location is forced to headers).
URLMINT_DECL signed_request sign(const request& req, const credentials& creds, params p,
                           signing_key_cache* cache = nullptr);

/// A presigned URL for `req` (params.location is forced to query). The query is in canonical
/// order with X-Amz-Signature last.
URLMINT_DECL std::string presign(const request& req, const credentials& creds, params p,
                           signing_key_cache* cache = nullptr);

}  // namespace sigv4
}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/sigv4.ipp"
#endif

#endif  // URLMINT_SIGV4_HPP
