// AWS UriEncode: output holds only unreserved bytes and %XX with uppercase hex ("/" only
// when kept), encoding an unreserved-only text changes nothing, and hashing the encoding
// through the streaming sink equals hashing the string.

#include "fuzz_support.hpp"

namespace {
bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  for (auto slash : {urlmint::slash_encoding::encode, urlmint::slash_encoding::keep}) {
    const std::string enc = urlmint::uri_encode(text, slash);
    urlmint_fuzz::require(enc.size() >= size && enc.size() <= 3 * size, "encoded length within [n, 3n]");
    for (std::size_t i = 0; i < enc.size(); ++i) {
      const char c = enc[i];
      if (c == '%') {
        urlmint_fuzz::require(i + 2 < enc.size() && is_upper_hex(enc[i + 1]) && is_upper_hex(enc[i + 2]),
                              "every % starts an uppercase hex escape");
        i += 2;
        continue;
      }
      const bool slash_ok = c == '/' && slash == urlmint::slash_encoding::keep;
      urlmint_fuzz::require(urlmint::detail::is_unreserved(static_cast<unsigned char>(c)) || slash_ok,
                            "only unreserved bytes pass through");
    }
    urlmint_fuzz::require(urlmint::uri_encode(enc, slash).size() >= enc.size(), "re-encoding never shrinks");
    urlmint::sha256 streamed;
    urlmint::uri_encode_to(streamed, text, slash);
    urlmint_fuzz::require(streamed.finish() == urlmint::sha256_of(enc), "streamed hash equals string hash");
  }
  // Canonical query: names and values from the input, split at the first byte 0.
  const auto nul = text.find('\0');
  const std::string_view name = text.substr(0, nul);
  const std::string_view value = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  const std::string q = urlmint::sigv4::canonical_query({{std::string(name), std::string(value)}, {"a", "b"}});
  urlmint_fuzz::require(q.find('\0') == std::string::npos && q.find(' ') == std::string::npos,
                        "canonical query has no raw NUL or space");
  return 0;
}
