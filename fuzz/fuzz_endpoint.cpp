// Endpoint URLs: parse_endpoint succeeds only with an http(s) scheme and a host, and what it
// returns parses again to the same endpoint; failures are clean urlmint::errors.

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  try {
    const urlmint::s3::endpoint e = urlmint::s3::parse_endpoint(text);
    urlmint_fuzz::require(e.scheme == "http" || e.scheme == "https", "scheme is http or https");
    urlmint_fuzz::require(!e.host.empty(), "host is not empty");
    const std::string again_text = e.scheme + "://" + e.authority() + e.base_path;
    const urlmint::s3::endpoint again = urlmint::s3::parse_endpoint(again_text);
    urlmint_fuzz::require(again.host == e.host && again.authority() == e.authority() &&
                              again.base_path == e.base_path && again.scheme == e.scheme,
                          "a parsed endpoint round-trips");
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(e.code() == urlmint::errc::invalid_argument, "endpoint errors are invalid_argument");
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), text), "clean one-line endpoint error");
  }
  return 0;
}
