// SigV4 timestamps: whatever parse_amz_date accepts formats back to the same 16 characters,
// and calendar conversion round-trips for every second of years 0..9999.

#include <cstring>  // std::memcpy

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = urlmint_fuzz::as_text(data, size);
  if (const auto t = urlmint::parse_amz_date(text)) {
    urlmint_fuzz::require(urlmint::format_amz_date(*t).timestamp() == text, "format(parse(x)) == x");
  }
  if (size >= 8) {
    std::int64_t raw;
    std::memcpy(&raw, data, sizeof raw);
    // What system_clock holds on libstdc++ (64-bit nanoseconds): 1677-09-21 .. 2262-04-11.
    constexpr std::int64_t lo = -9223372035;
    constexpr std::int64_t hi = 9223372035;
    const std::int64_t span = hi - lo + 1;
    const std::int64_t s = lo + ((raw % span) + span) % span;
    const urlmint::civil_time c = urlmint::to_civil(s);
    urlmint_fuzz::require(urlmint::from_civil(c) == s, "from_civil(to_civil(s)) == s");
    const urlmint::time_point tp = urlmint::from_unix_seconds(s);
    const auto parsed = urlmint::parse_amz_date(urlmint::format_amz_date(tp).timestamp());
    urlmint_fuzz::require(parsed && *parsed == tp, "parse(format(t)) == t");
  }
  return 0;
}
