#ifndef URLMINT_ENCODING_HPP
#define URLMINT_ENCODING_HPP

// Byte encodings used by SigV4 and CloudFront: hex, base64 and AWS's UriEncode.
// Every encoder writes into an "output" that has `append(const char*, std::size_t)` and
// `push_back(char)`; std::string qualifies, and so do the hashing sinks in crypto.hpp,
// which lets the signer hash a canonical request without building it in memory.

#include <cstddef>   // std::size_t
#include <cstdint>   // std::uint8_t
#include <optional>  // std::optional
#include <string>
#include <string_view>

#include "config.hpp"

namespace urlmint {

namespace detail {

inline constexpr char hex_digits_lower[] = "0123456789abcdef";
inline constexpr char hex_digits_upper[] = "0123456789ABCDEF";

// RFC 3986 unreserved characters, the only bytes UriEncode leaves alone.
constexpr bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace detail

/// Writes `size` bytes as lowercase hex (2 * size characters) to `out`.
template <class Output>
void hex_encode_to(Output& out, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  char pair[2];
  for (std::size_t i = 0; i < size; ++i) {
    pair[0] = detail::hex_digits_lower[bytes[i] >> 4];
    pair[1] = detail::hex_digits_lower[bytes[i] & 0x0f];
    out.append(pair, 2);
  }
}

/// Where the next `c` at or after `pos` is in `text`, or text.size() when there is none: the
/// end of a field in "a.b.c"-style splitting.
constexpr std::size_t find_or_end(std::string_view text, char c, std::size_t pos) noexcept {
  const std::size_t at = text.find(c, pos);
  return at == std::string_view::npos ? text.size() : at;
}

/// Lowercase hex of `size` bytes, as SigV4 prints hashes and signatures.
URLMINT_DECL std::string hex_encode(const void* data, std::size_t size);

/// Lowercase hex of the bytes of `data`.
URLMINT_DECL std::string hex_encode(std::string_view data);

/// The bytes of hex text (either case); nullopt for an odd length or a non-hex digit.
URLMINT_DECL std::optional<std::string> hex_decode(std::string_view hex);

/// Whether an object key's "/" is kept (S3 paths) or encoded as %2F (query names and values).
enum class slash_encoding { keep, encode };

/// AWS UriEncode of `text` into `out`: RFC 3986 unreserved bytes (A-Z a-z 0-9 - . _ ~) are kept,
/// every other byte (UTF-8 included) becomes %XX with uppercase hex; a space is %20, never "+".
/// `/` is kept only with slash_encoding::keep. See
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
template <class Output>
void uri_encode_to(Output& out, std::string_view text, slash_encoding slash) {
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (detail::is_unreserved(c) || (c == '/' && slash == slash_encoding::keep)) continue;
    if (i > run_start) out.append(text.data() + run_start, i - run_start);
    const char escaped[3] = {'%', detail::hex_digits_upper[c >> 4], detail::hex_digits_upper[c & 0x0f]};
    out.append(escaped, 3);
    run_start = i + 1;
  }
  if (text.size() > run_start) out.append(text.data() + run_start, text.size() - run_start);
}

/// AWS UriEncode of `text` (see uri_encode_to).
URLMINT_DECL std::string uri_encode(std::string_view text, slash_encoding slash = slash_encoding::encode);

/// Decodes %XX escapes. With `plus_is_space` a "+" becomes a space (HTML form encoding);
/// without it "+" stays "+", as S3 reads paths. Returns nullopt for a truncated or non-hex escape.
URLMINT_DECL std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

/// Standard base64 (RFC 4648, with "=" padding, no line breaks) into `out`.
template <class Output>
void base64_encode_to(Output& out, const void* data, std::size_t size) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  char quad[4];
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    quad[0] = alphabet[(v >> 18) & 63];
    quad[1] = alphabet[(v >> 12) & 63];
    quad[2] = alphabet[(v >> 6) & 63];
    quad[3] = alphabet[v & 63];
    out.append(quad, 4);
  }
  if (i < size) {
    std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    if (i + 1 < size) v |= std::uint32_t{bytes[i + 1]} << 8;
    quad[0] = alphabet[(v >> 18) & 63];
    quad[1] = alphabet[(v >> 12) & 63];
    quad[2] = i + 1 < size ? alphabet[(v >> 6) & 63] : '=';
    quad[3] = '=';
    out.append(quad, 4);
  }
}

/// Standard base64 of `size` bytes.
URLMINT_DECL std::string base64_encode(const void* data, std::size_t size);

/// Standard base64 of the bytes of `data`.
URLMINT_DECL std::string base64_encode(std::string_view data);

/// Decodes standard base64 (padding optional, no whitespace). Returns nullopt on any other byte.
URLMINT_DECL std::optional<std::string> base64_decode(std::string_view text);

/// Appends the UTF-8 encoding of Unicode code point `code_point` (at most U+10FFFF) to `out`.
URLMINT_DECL void append_utf8(std::string& out, std::uint32_t code_point);

/// Escapes the five XML special characters (& < > " ') of `text` for element content and
/// attribute values (S3 and CloudFront request bodies).
URLMINT_DECL std::string xml_escape(std::string_view text);

/// ASCII case-insensitive equality (HTTP header, query and form field names).
URLMINT_DECL bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
URLMINT_DECL bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/encoding.ipp"
#endif

#endif  // URLMINT_ENCODING_HPP
