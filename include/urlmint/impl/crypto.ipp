#ifndef URLMINT_IMPL_CRYPTO_IPP
#define URLMINT_IMPL_CRYPTO_IPP

// Definitions for crypto.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../crypto.hpp"

namespace urlmint {
namespace detail {

URLMINT_DECL std::string openssl_errors() {
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

URLMINT_DECL void secure_wipe(void* data, std::size_t size) noexcept { OPENSSL_cleanse(data, size); }

URLMINT_DECL bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}
namespace detail {

URLMINT_DECL void hex_digest_to(char* out, const sha256_digest& d) noexcept {
  for (std::size_t i = 0; i < d.size(); ++i) std::memcpy(out + 2 * i, hex_pairs.text + 2 * d[i], 2);
}

URLMINT_DECL sha256_digest hmac_from_pads(const hmac_sha256_pads& pads, std::string_view message) noexcept {
  sha256 inner(pads.inner);
  inner.update(message);
  const sha256_digest inner_digest = inner.finish();
  sha256 outer(pads.outer);
  outer.update(inner_digest.data(), inner_digest.size());
  return outer.finish();
}
}  // namespace detail

URLMINT_DECL sha256_digest sha256_of(std::string_view data) noexcept {
  sha256 h;
  h.update(data);
  return h.finish();
}

URLMINT_DECL std::string sha256_hex(std::string_view data) {
  const auto d = sha256_of(data);
  return hex_encode(d.data(), d.size());
}

URLMINT_DECL sha256_digest hmac_sha256(std::string_view key, std::string_view message) noexcept {
  return hmac_sha256_key(key).mac(message);
}

URLMINT_DECL std::string_view as_bytes(const sha256_digest& d) noexcept {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}
}  // namespace urlmint

#endif  // URLMINT_IMPL_CRYPTO_IPP
