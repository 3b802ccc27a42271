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
inline std::string openssl_errors() {
  std::string text;
  char buffer[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

}  // namespace detail

/// Wipes `size` bytes at `data` in a way the compiler may not optimize away.
inline void secure_wipe(void* data, std::size_t size) noexcept { OPENSSL_cleanse(data, size); }

/// Compares two byte ranges in time that does not depend on where they differ.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Incremental SHA-256. Also an "output" for the encoders in encoding.hpp (append/push_back),
/// so canonical requests can be hashed as they are written.
class sha256 {
 public:
  sha256() noexcept {
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
    SHA256_Init(&ctx_);
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
  }
  /// Resumes from a saved state (see state()), e.g. an HMAC pad state published lock-free.
  explicit sha256(const SHA256_CTX& state) noexcept : ctx_(state) {}
  ~sha256() { secure_wipe(&ctx_, sizeof ctx_); }
  sha256(const sha256&) = default;
  sha256& operator=(const sha256&) = default;

  /// Hashes `size` more bytes.
  void update(const void* data, std::size_t size) noexcept {
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
    SHA256_Update(&ctx_, data, size);
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
  }
  void update(std::string_view data) noexcept { update(data.data(), data.size()); }
  void append(const char* data, std::size_t size) noexcept { update(data, size); }
  void push_back(char c) noexcept { update(&c, 1); }

  /// The digest of everything hashed so far. The object must not be updated afterwards.
  sha256_digest finish() noexcept {
    sha256_digest out;
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_BEGIN
    SHA256_Final(out.data(), &ctx_);
    URLMINT_DETAIL_SUPPRESS_DEPRECATED_END
    return out;
  }

  /// The raw state: a plain C struct, so it can be copied byte by byte (secret when it holds
  /// key material: wipe copies with secure_wipe).
  const SHA256_CTX& state() const noexcept { return ctx_; }

 private:
  SHA256_CTX ctx_;
};

namespace detail {

/// An HMAC key's two pad states as one trivially copyable value: what a lock-free cache can
/// publish word by word (sigv4::detail::dated_key_slot). Secret: wipe copies after use.
struct hmac_sha256_pads {
  SHA256_CTX inner;
  SHA256_CTX outer;
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
inline void hex_digest_to(char* out, const sha256_digest& d) noexcept {
  for (std::size_t i = 0; i < d.size(); ++i) std::memcpy(out + 2 * i, hex_pairs.text + 2 * d[i], 2);
}

/// HMAC-SHA256 of `message` from saved pad states, with no key object to build and wipe.
inline sha256_digest hmac_from_pads(const hmac_sha256_pads& pads, std::string_view message) noexcept {
  sha256 inner(pads.inner);
  inner.update(message);
  const sha256_digest inner_digest = inner.finish();
  sha256 outer(pads.outer);
  outer.update(inner_digest.data(), inner_digest.size());
  return outer.finish();
}

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
inline sha256_digest sha256_of(std::string_view data) noexcept {
  sha256 h;
  h.update(data);
  return h.finish();
}

/// Lowercase hex SHA-256 of `data`, as SigV4's payload hash and canonical-request hash.
inline std::string sha256_hex(std::string_view data) {
  const auto d = sha256_of(data);
  return hex_encode(d.data(), d.size());
}

/// An HMAC-SHA256 key with its inner and outer pad states precomputed, so each MAC costs
/// only the message blocks plus one outer block. Immutable after construction, so one
/// object may be used from many threads at once. Wiped on destruction.
class hmac_sha256_key {
 public:
  /// Prepares `key` (any length; keys over 64 bytes are hashed first, per RFC 2104).
  explicit hmac_sha256_key(std::string_view key) noexcept {
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
    for (std::size_t i = 0; i < 64; ++i) pad[i] = block[i] ^ 0x5c;
    outer_.update(pad, sizeof pad);
    secure_wipe(block, sizeof block);
    secure_wipe(pad, sizeof pad);
  }

  /// HMAC-SHA256 of `message` under this key.
  sha256_digest mac(std::string_view message) const noexcept {
    sha256 inner = inner_;
    inner.update(message);
    return finish(inner);
  }

  /// Rebuilds a key from pad states saved with pads().
  explicit hmac_sha256_key(const detail::hmac_sha256_pads& pads) noexcept : inner_(pads.inner), outer_(pads.outer) {}

  /// The pad states, for caches that publish keys lock-free. Secret: wipe the copy after use.
  detail::hmac_sha256_pads pads() const noexcept { return {inner_.state(), outer_.state()}; }

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
};

/// HMAC-SHA256 of `message` under `key`.
inline sha256_digest hmac_sha256(std::string_view key, std::string_view message) noexcept {
  return hmac_sha256_key(key).mac(message);
}

/// A byte view of a digest, for chaining HMACs.
inline std::string_view as_bytes(const sha256_digest& d) noexcept {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace urlmint

#endif  // URLMINT_CRYPTO_HPP
