// The presigned-URL verifier on arbitrary URLs: it never crashes or throws, its verdict is one
// line without secrets, and a URL it accepts really is valid for the fixed credentials.

#include "fuzz_support.hpp"

#include <urlmint/verify.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  static const urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", urlmint_fuzz::secret);
  static const urlmint::credentials temporary("ASIAEXAMPLETEMPORARY", urlmint_fuzz::secret, urlmint_fuzz::token);
  static const urlmint::time_point now = *urlmint::parse_amz_date("20130524T000000Z");
  const auto lookup = [](std::string_view id) -> std::optional<urlmint::credentials> {
    if (id == creds.access_key_id) return creds;
    if (id == temporary.access_key_id) return temporary;
    return std::nullopt;
  };
  // The verdict may quote the URL's own values, decoded (e.g. a token swallowed into a broken
  // X-Amz-Credential): what the input carried, either way, is not a leak.
  const std::string carried = std::string(text) + '\n' + urlmint_fuzz::lenient_percent_decoded(text);
  urlmint::verify::options opts;
  opts.headers = {{"Content-Type", "text/plain"}};
  for (const char* method : {"GET", "PUT"}) {
    opts.method = method;
    const urlmint::verify::result r = urlmint::verify::verify_presigned(text, lookup, now, opts);
    urlmint_fuzz::require(urlmint_fuzz::clean_message(r.message, carried), "verdict is one line without secrets");
    urlmint_fuzz::require(r.valid() == (r.reason == urlmint::verify::failure::none), "valid() agrees with reason");
    if (r.valid()) {
      urlmint_fuzz::require(r.expires_at && r.signed_at && *r.expires_at >= now, "a valid URL has not expired");
      urlmint_fuzz::require(*r.signed_at - now <= urlmint::max_clock_skew, "a valid URL is not future-dated");
    }
  }
  return 0;
}
