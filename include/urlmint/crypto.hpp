#ifndef URLMINT_CRYPTO_HPP
#define URLMINT_CRYPTO_HPP

// SHA-256 and HMAC-SHA256 for SigV4, plus RAII owners for the OpenSSL objects other headers use.
//
// Why SHA256_Init/Update/Final and not EVP: SigV4 is nothing but short SHA-256 runs, and on
// OpenSSL 3 the EVP path costs a provider dispatch per call, EVP_MD_CTX_copy_ex allocates, and
// the one-shot HMAC() re-fetches the digest every time (about 1.5 us against 0.2 us here).
// SHA256_CTX is a plain struct: an HMAC key's inner and outer pad states are precomputed once
// and copied by value for each signature, with no allocation and no locking. The functions are
// deprecated in OpenSSL 3.0 but present in every 3.x build that keeps the deprecated API
// (the default, and Debian's); they run the same SHA-NI/AVX assembly as EVP.

#include <openssl/crypto.h>  // OPENSSL_cleanse, CRYPTO_memcmp
#include <openssl/err.h>     // ERR_get_error, ERR_error_string_n
#include <openssl/evp.h>     // EVP_PKEY, EVP_MD_CTX
#include <openssl/sha.h>     // SHA256_CTX

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <cstring>      // std::memcpy
#include <memory>       // std::unique_ptr
#include <string>
#include <string_view>

#include "config.hpp"
#include "encoding.hpp"

#if defined(__GNUC__)
#define URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"")
#define URLMINT_DETAIL_SUPPRESS_DEPRECATED_END _Pragma("GCC diagnostic pop")
#else
#define URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
#define URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
#endif

namespace urlmint {

/// A SHA-256 digest or HMAC-SHA256 value: 32 raw bytes.
using sha256_digest = std::array<std::uint8_t, 32>;

namespace detail {

struct evp_pkey_deleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct evp_md_ctx_deleter {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct evp_pkey_ctx_deleter {
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
using unique_evp_pkey = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
using unique_evp_md_ctx = std::unique_ptr<EVP_MD_CTX, evp_md_ctx_deleter>;
using unique_evp_pkey_ctx = std::unique_ptr<EVP_PKEY_CTX, evp_pkey_ctx_deleter>;

/// Drains OpenSSL's thread-local error queue into "; "-separated text (empty when clear).
URLMINT_DECL std::string openssl_errors();

}  // namespace detail

/// Wipes `size` bytes at `data` in a way the compiler may not optimize away.
URLMINT_DECL void secure_wipe(void* data, std::size_t size) noexcept;

/// Compares two byte ranges in time that does not depend on where they differ.
URLMINT_DECL bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

namespace detail {

// The SHA-256 shim: the one place that decides how a hash state is kept; everything above it
// (sha256, hmac_sha256_key, the presign hot path) is one body of code for both builds.
//
// With OpenSSL's low-level API (present unless OpenSSL was built, or this program is compiled,
// without the deprecated 3.0 API: -DOPENSSL_NO_DEPRECATED -DOPENSSL_API_COMPAT=30000), a state
// is a plain SHA256_CTX: resuming an HMAC key's saved pad state is a 112-byte copy, with no
// allocation and no provider dispatch. Without it (or with -DURLMINT_SHA256_USE_EVP), states
// are EVP_MD_CTX objects on a digest fetched once, and an HMAC pad state is the 64-byte padded
// key block, hashed again at the start of every MAC. Same bytes either way.
// Measured 2026-12-02 (OpenSSL 3.0.19, AMD EPYC with SHA-NI, g++ 12 -O2, on-CPU time, the same
// program built both ways, load ~12 on 2 cores): HMAC-SHA256 of a 133-byte string to sign from
// cached pads 182 ns low-level vs 402 ns EVP (2.2x); a whole presigned URL through s3::presigner
// 499 ns vs 787 ns (EVP is 58% slower: per-context allocation, provider dispatch, and the pad
// block hashed again). So the low-level path stays wherever OpenSSL still has it.
#if !defined(URLMINT_SHA256_USE_EVP) && !defined(OPENSSL_NO_DEPRECATED_3_0)
#define URLMINT_DETAIL_SHA256_LOW_LEVEL 1
#else
#define URLMINT_DETAIL_SHA256_LOW_LEVEL 0
#endif

#if URLMINT_DETAIL_SHA256_LOW_LEVEL
struct sha256_ctx {
  SHA256_CTX c;
  sha256_ctx() noexcept {
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
    SHA256_Init(&c);
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
  }
  void update(const void* data, std::size_t size) noexcept {
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
    SHA256_Update(&c, data, size);
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
  }
  void final(std::uint8_t* out) noexcept {
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
    SHA256_Final(out, &c);
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
  }
  void wipe() noexcept { secure_wipe(&c, sizeof c); }
};
/// A resumable pad state: the hash state after one 64-byte key block. Plain data.
using sha256_pad_state = SHA256_CTX;
inline void save_pad_state(const sha256_ctx& h, const std::uint8_t*, sha256_pad_state& out) noexcept { out = h.c; }
inline void resume_pad_state(sha256_ctx& h, const sha256_pad_state& s) noexcept { h.c = s; }
#else
inline const EVP_MD* sha256_md() noexcept {
  // Fetched once: EVP_sha256() would be fetched from the provider again on every init.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
struct sha256_ctx {
  EVP_MD_CTX* c;
  sha256_ctx() : c(EVP_MD_CTX_new()) {
    if (c == nullptr || sha256_md() == nullptr || EVP_DigestInit_ex2(c, sha256_md(), nullptr) != 1) {
      EVP_MD_CTX_free(c);
      throw std::bad_alloc();
    }
  }
  sha256_ctx(const sha256_ctx& o) : c(EVP_MD_CTX_new()) {
    if (c == nullptr || EVP_MD_CTX_copy_ex(c, o.c) != 1) {
      EVP_MD_CTX_free(c);
      throw std::bad_alloc();
    }
  }
  sha256_ctx& operator=(const sha256_ctx& o) {
    if (this != &o && EVP_MD_CTX_copy_ex(c, o.c) != 1) throw std::bad_alloc();
    return *this;
  }
  ~sha256_ctx() { EVP_MD_CTX_free(c); }  // frees the digest state with OPENSSL_clear_free
  void update(const void* data, std::size_t size) noexcept { EVP_DigestUpdate(c, data, size); }
  void final(std::uint8_t* out) noexcept {
    unsigned int n = 0;
    EVP_DigestFinal_ex(c, out, &n);
  }
  void wipe() noexcept {}
};
/// A resumable pad state: the 64-byte padded key block itself (EVP states are not plain data).
struct sha256_pad_state {
  std::uint8_t block[64];
};
inline void save_pad_state(const sha256_ctx&, const std::uint8_t* block, sha256_pad_state& out) noexcept {
  std::memcpy(out.block, block, 64);
}
inline void resume_pad_state(sha256_ctx& h, const sha256_pad_state& s) noexcept { h.update(s.block, 64); }
#endif

}  // namespace detail

/// Incremental SHA-256. Also an "output" for the encoders in encoding.hpp (append/push_back),
/// so canonical requests can be hashed as they are written. A state that was never finished
/// (a copy of an HMAC key's pad state) is wiped on destruction; a finished one holds nothing
/// secret (its chaining value is the digest it returned), so it costs no wipe.
class sha256 {
 public:
  sha256() = default;
  /// Resumes from a saved pad state (see detail::hmac_sha256_pads).
  explicit sha256(const detail::sha256_pad_state& state) { detail::resume_pad_state(ctx_, state); }
  ~sha256() {
    if (!finished_) ctx_.wipe();
  }
  sha256(const sha256&) = default;
  sha256& operator=(const sha256&) = default;

  /// Hashes `size` more bytes.
  void update(const void* data, std::size_t size) noexcept { ctx_.update(data, size); }
  void update(std::string_view data) noexcept { update(data.data(), data.size()); }
  void append(const char* data, std::size_t size) noexcept { update(data, size); }
  void push_back(char c) noexcept { update(&c, 1); }

  /// The digest of everything hashed so far. The object must not be updated afterwards.
  sha256_digest finish() noexcept {
    sha256_digest out;
    ctx_.final(out.data());
    finished_ = true;
    return out;
  }

 private:
  friend class hmac_sha256_key;
  detail::sha256_ctx ctx_;
  bool finished_ = false;
};

namespace detail {

/// An HMAC key's two pad states as one trivially copyable value: what a lock-free cache can
/// publish word by word (sigv4::detail::dated_key_slot). Secret: wipe copies after use.
struct hmac_sha256_pads {
  sha256_pad_state inner;
  sha256_pad_state outer;
};

// "000102...ff": two hex digits per byte value, so a digest is written 2 bytes at a time.
struct hex_pair_table {
  char text[512];
  constexpr hex_pair_table() : text() {
    for (int i = 0; i < 256; ++i) {
      text[2 * i] = "0123456789abcdef"[i >> 4];
      text[2 * i + 1] = "0123456789abcdef"[i & 15];
    }
  }
};
inline constexpr hex_pair_table hex_pairs{};

/// Writes the 64 lowercase hex digits of `d` to `out` (no terminator).
URLMINT_DECL void hex_digest_to(char* out, const sha256_digest& d) noexcept;

/// HMAC-SHA256 of `message` from saved pad states, with no key object to build and wipe.
URLMINT_DECL sha256_digest hmac_from_pads(const hmac_sha256_pads& pads, std::string_view message) noexcept;

/// An output for the encoders in encoding.hpp that batches small appends into whole blocks
/// before handing them to SHA-256: a canonical request arrives as a dozen short pieces, and
/// each SHA256_Update call has a fixed cost comparable to hashing 64 bytes.
class buffered_sha256 {
 public:
  void append(const char* data, std::size_t size) noexcept {
    if (size > sizeof buffer_ - used_) {
      flush();
      if (size >= sizeof buffer_) {
        hash_.update(data, size);
        return;
      }
    }
    std::memcpy(buffer_ + used_, data, size);
    used_ += size;
  }
  void append(std::string_view data) noexcept { append(data.data(), data.size()); }
  void push_back(char c) noexcept {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }
  /// The digest of everything appended.
  sha256_digest finish() noexcept {
    flush();
    return hash_.finish();
  }

 private:
  void flush() noexcept {
    if (used_ > 0) hash_.update(buffer_, used_);
    used_ = 0;
  }
  sha256 hash_;
  std::size_t used_ = 0;
  char buffer_[512];
};

}  // namespace detail

/// SHA-256 of `data`.
URLMINT_DECL sha256_digest sha256_of(std::string_view data) noexcept;

/// Lowercase hex SHA-256 of `data`, as SigV4's payload hash and canonical-request hash.
URLMINT_DECL std::string sha256_hex(std::string_view data);

/// An HMAC-SHA256 key with its inner and outer pad states precomputed, so each MAC costs
/// only the message blocks plus one outer block. Immutable after construction, so one
/// object may be used from many threads at once. Wiped on destruction.
class hmac_sha256_key {
 public:
  /// Prepares `key` (any length; keys over 64 bytes are hashed first, per RFC 2104).
  explicit hmac_sha256_key(std::string_view key) {
    std::uint8_t block[64] = {};
    if (key.size() > sizeof block) {
      const auto d = sha256_of(key);
      std::memcpy(block, d.data(), d.size());
    } else {
      std::memcpy(block, key.data(), key.size());
    }
    std::uint8_t pad[64];
    for (std::size_t i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x36;
    inner_.update(pad, sizeof pad);
    detail::save_pad_state(inner_.ctx_, pad, pads_.inner);
    for (std::size_t i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x5c;
    outer_.update(pad, sizeof pad);
    detail::save_pad_state(outer_.ctx_, pad, pads_.outer);
    secure_wipe(block, sizeof block);
    secure_wipe(pad, sizeof pad);
  }
  ~hmac_sha256_key() { secure_wipe(&pads_, sizeof pads_); }
  hmac_sha256_key(const hmac_sha256_key&) = default;
  hmac_sha256_key& operator=(const hmac_sha256_key&) = default;

  /// HMAC-SHA256 of `message` under this key.
  sha256_digest mac(std::string_view message) const noexcept {
    sha256 inner = inner_;
    inner.update(message);
    return finish(inner);
  }

  /// Rebuilds a key from pad states saved with pads().
  explicit hmac_sha256_key(const detail::hmac_sha256_pads& pads)
      : inner_(pads.inner), outer_(pads.outer), pads_(pads) {}

  /// The pad states, for caches that publish keys lock-free. Secret: wipe the copy after use.
  const detail::hmac_sha256_pads& pads() const noexcept { return pads_; }

  /// Starts a MAC whose message is fed incrementally; complete it with finish().
  sha256 begin() const noexcept { return inner_; }

  /// Completes a MAC started with begin().
  sha256_digest finish(sha256& inner) const noexcept {
    auto inner_digest = inner.finish();
    sha256 outer = outer_;
    outer.update(inner_digest.data(), inner_digest.size());
    return outer.finish();
  }

 private:
  sha256 inner_;
  sha256 outer_;
  detail::hmac_sha256_pads pads_;  // the same states as plain data
};

/// HMAC-SHA256 of `message` under `key`.
URLMINT_DECL sha256_digest hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// A byte view of a digest, for chaining HMACs.
URLMINT_DECL std::string_view as_bytes(const sha256_digest& d) noexcept;

}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/crypto.ipp"
#endif

#endif  // URLMINT_CRYPTO_HPP
