// Credentials documents from credential_process, container/instance metadata and STS: the
// JSON and XML parsers either return credentials with a key id and secret, or throw a
// one-line urlmint::error that never quotes the secret or the token; ISO 8601 expirations
// of any year are handled without overflow.

#include "fuzz_support.hpp"

#include <urlmint/providers.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = urlmint::providers;
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  (void)p::parse_iso8601(text);
  // JSON strings cannot run into each other, so JSON errors may quote a field (e.g. Code) that
  // the input happened to fill with the markers; XML elements can run on, so STS errors must
  // never show them.
  const auto check = [&](auto&& parse, bool quotes_allowed) {
    try {
      const urlmint::credentials c = parse();
      urlmint_fuzz::require(!c.access_key_id.empty() && !c.secret_access_key.empty(), "parsed credentials are complete");
    } catch (const urlmint::error& e) {
      const std::string_view m = e.what();
      urlmint_fuzz::require(m.find('\n') == std::string_view::npos, "one-line credentials error");
      urlmint_fuzz::require(quotes_allowed || (m.find(urlmint_fuzz::secret) == std::string_view::npos &&
                                                 m.find(urlmint_fuzz::token) == std::string_view::npos),
                            "STS errors never quote the secret or token");
    }
  };
  check([&] { return p::parse_json_credentials(text, p::json_credentials_format::process, "fuzz"); }, true);
  check([&] { return p::parse_json_credentials(text, p::json_credentials_format::metadata, "fuzz"); }, true);
  // STS error documents (<ErrorResponse>/<Error>) quote Code and Message by design; they carry
  // no credentials, so only the success path is held to never quoting them.
  const bool sts_error = text.find("<Error") != std::string_view::npos;
  check([&] { return p::parse_sts_credentials(text, "fuzz"); }, sts_error);
  return 0;
}
