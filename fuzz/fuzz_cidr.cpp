// CloudFront's AWS:SourceIp: normalize_source_ip accepts exactly dotted-quad IPv4 with an
// optional /0../32 prefix (IPv6 is refused), and its output is a fixed point.

#include "fuzz_support.hpp"

#include <urlmint/cloudfront.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  try {
    const std::string ip = urlmint::cloudfront::normalize_source_ip(text);
    urlmint_fuzz::require(text.find(':') == std::string_view::npos, "IPv6 is never accepted");
    int dots = 0, slashes = 0;
    for (char c : ip) {
      dots += c == '.';
      slashes += c == '/';
      urlmint_fuzz::require((c >= '0' && c <= '9') || c == '.' || c == '/', "only digits, dots and a slash");
    }
    urlmint_fuzz::require(dots == 3 && slashes == 1, "a.b.c.d/n");
    urlmint_fuzz::require(urlmint::cloudfront::normalize_source_ip(ip) == ip, "normalizing is idempotent");
  } catch (const urlmint::error& e) {
    urlmint_fuzz::require(e.code() == urlmint::errc::invalid_argument, "CIDR errors are invalid_argument");
    urlmint_fuzz::require(urlmint_fuzz::clean_message(e.what(), text), "clean one-line CIDR error");
  }
  return 0;
}
