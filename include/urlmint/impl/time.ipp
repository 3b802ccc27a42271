#ifndef URLMINT_IMPL_TIME_IPP
#define URLMINT_IMPL_TIME_IPP

// Definitions for time.hpp: included by it when header-only, by <urlmint/src.hpp> once
// under URLMINT_SEPARATE_COMPILATION.

#include "../time.hpp"

namespace urlmint {
namespace detail {

URLMINT_DECL bool parse_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) noexcept {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

URLMINT_DECL void put_digits(char* out, int value, int count) noexcept {
  for (int i = count - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}
}  // namespace detail

URLMINT_DECL std::int64_t to_unix_seconds(time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

URLMINT_DECL time_point from_unix_seconds(std::int64_t seconds) noexcept {
  return time_point(std::chrono::duration_cast<clock::duration>(std::chrono::seconds(seconds)));
}

URLMINT_DECL civil_time to_civil(std::int64_t unix_seconds) noexcept {
  std::int64_t days = unix_seconds / 86400;
  std::int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return civil_time{static_cast<int>(y), m, d, static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                    static_cast<int>(rem % 60)};
}

URLMINT_DECL std::int64_t from_civil(const civil_time& c) noexcept {
  return detail::days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
}

URLMINT_DECL amz_date format_amz_date(time_point t) noexcept {
  const civil_time c = to_civil(to_unix_seconds(t));
  amz_date out{};
  char* p = out.text.data();
  detail::put_digits(p, c.year, 4);
  detail::put_digits(p + 4, c.month, 2);
  detail::put_digits(p + 6, c.day, 2);
  p[8] = 'T';
  detail::put_digits(p + 9, c.hour, 2);
  detail::put_digits(p + 11, c.minute, 2);
  detail::put_digits(p + 13, c.second, 2);
  p[15] = 'Z';
  return out;
}

URLMINT_DECL std::optional<time_point> parse_amz_date(std::string_view text) noexcept {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  civil_time c{};
  if (!detail::parse_digits(text, 0, 4, c.year) || !detail::parse_digits(text, 4, 2, c.month) ||
      !detail::parse_digits(text, 6, 2, c.day) || !detail::parse_digits(text, 9, 2, c.hour) ||
      !detail::parse_digits(text, 11, 2, c.minute) || !detail::parse_digits(text, 13, 2, c.second))
    return std::nullopt;
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > detail::days_in_month(c.year, c.month) ||
      c.hour > 23 || c.minute > 59 || c.second > 59)
    return std::nullopt;
  // Converting an out-of-range year would overflow the nanosecond count (undefined behaviour,
  // found by fuzz_amz_date), so such dates are refused instead.
  constexpr std::int64_t min_s = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::min()).count();
  constexpr std::int64_t max_s = std::chrono::duration_cast<std::chrono::seconds>(clock::duration::max()).count();
  const std::int64_t s = from_civil(c);
  if (s <= min_s || s >= max_s) return std::nullopt;
  return from_unix_seconds(s);
}
}  // namespace urlmint

#endif  // URLMINT_IMPL_TIME_IPP
