#ifndef URLMINT_FUZZ_FUZZ_SUPPORT_HPP
#define URLMINT_FUZZ_FUZZ_SUPPORT_HPP

// Shared by the libFuzzer targets: a property check that aborts (so libFuzzer records the
// input as a crash) and the fixed credentials and time the targets sign with.

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t
#include <cstdio>       // std::fprintf
#include <cstdlib>      // std::abort
#include <string>
#include <string_view>

#include <urlmint/urlmint.hpp>

namespace urlmint_fuzz {

/// Aborts with `what` when a property does not hold.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "urlmint fuzz property violated: %s\n", what);
  std::abort();
}

/// The fuzz input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr std::string_view token = "FUZZ/SESSION+TOKEN=";

/// `text` with each valid %XX escape decoded (others kept): what a verifier quotes back from a
/// URL's query values.
inline std::string lenient_percent_decoded(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

/// Whether an error message keeps the library's promises: one line, and no secret or token
/// unless the caller's own `input` carried it (quoting input back is not a leak).
inline bool clean_message(std::string_view m, std::string_view input = {}) {
  const auto absent = [&](std::string_view s) {
    return m.find(s) == std::string_view::npos || input.find(s) != std::string_view::npos;
  };
  return m.find('\n') == std::string_view::npos && m.find('\r') == std::string_view::npos && absent(secret) &&
         absent(token);
}

}  // namespace urlmint_fuzz

#endif  // URLMINT_FUZZ_FUZZ_SUPPORT_HPP
