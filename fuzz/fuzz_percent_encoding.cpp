// Round trips of the byte encodings: percent_decode(uri_encode(x)) == x in both slash modes,
// base64 and hex likewise, and percent_decode of arbitrary text never misbehaves.

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  for (auto slash : {urlmint::slash_encoding::encode, urlmint::slash_encoding::keep}) {
    const auto decoded = urlmint::percent_decode(urlmint::uri_encode(text, slash));
    urlmint_fuzz::require(decoded && *decoded == text, "percent_decode(uri_encode(x)) == x");
  }
  const auto b64 = urlmint::base64_decode(urlmint::base64_encode(text));
  urlmint_fuzz::require(b64 && *b64 == text, "base64_decode(base64_encode(x)) == x");
  const std::string hex = urlmint::hex_encode(text);
  urlmint_fuzz::require(hex.size() == 2 * size, "hex is two digits a byte");

  // Arbitrary text: a successful decode re-encodes to something that decodes the same.
  for (bool plus : {false, true}) {
    if (const auto d = urlmint::percent_decode(text, plus)) {
      urlmint_fuzz::require(d->size() <= size, "decoding never grows");
      const auto again = urlmint::percent_decode(urlmint::uri_encode(*d));
      urlmint_fuzz::require(again && *again == *d, "decode, encode, decode is stable");
    }
  }
  if (const auto d = urlmint::base64_decode(text)) {
    urlmint_fuzz::require(d->size() <= size, "base64 decoding never grows");
  }
  (void)urlmint::is_valid_utf8(text);
  return 0;
}
