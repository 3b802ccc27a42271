#ifndef URLMINT_TIME_HPP
#define URLMINT_TIME_HPP

// Calendar arithmetic for signing times. Formatting is done by hand from the epoch count
// (no gmtime/strftime: they take locks or locale state and cost more than the hash itself).

#include <array>        // std::array
#include <chrono>       // std::chrono::system_clock
#include <cstdint>      // std::int64_t
#include <optional>     // std::optional
#include <string>
#include <string_view>

#include "config.hpp"

namespace urlmint {

/// The clock type every signing API takes its time from.
using clock = std::chrono::system_clock;
/// A signing instant. Signing functions take it as a parameter; they never read the clock.
using time_point = clock::time_point;

/// S3 accepts request times within 15 minutes of its own clock (RequestTimeTooSkewed beyond).
inline constexpr std::chrono::minutes max_clock_skew{15};

/// A UTC calendar date and time of day.
struct civil_time {
  int year;
  int month;   ///< 1..12
  int day;     ///< 1..31
  int hour;    ///< 0..23
  int minute;  ///< 0..59
  int second;  ///< 0..59
};

namespace detail {

// Days since 1970-01-01 for a proleptic Gregorian date, counting in 400-year eras so the
// arithmetic stays in integers (the well-known "days from civil" method).
constexpr std::int64_t days_from_civil(std::int64_t y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(std::int64_t y, int m) noexcept {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

URLMINT_DECL bool parse_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) noexcept;

URLMINT_DECL void put_digits(char* out, int value, int count) noexcept;

}  // namespace detail

/// Seconds since the Unix epoch, rounded down.
URLMINT_DECL std::int64_t to_unix_seconds(time_point t) noexcept;

/// The instant `seconds` after the Unix epoch.
URLMINT_DECL time_point from_unix_seconds(std::int64_t seconds) noexcept;

/// UTC calendar fields of a Unix time in seconds.
URLMINT_DECL civil_time to_civil(std::int64_t unix_seconds) noexcept;

/// Unix seconds of a UTC calendar time (fields are not range-checked here).
URLMINT_DECL std::int64_t from_civil(const civil_time& c) noexcept;

/// SigV4's timestamp, "YYYYMMDDTHHMMSSZ" (ISO 8601 basic format, UTC), as 16 characters.
/// Its first 8 characters are the credential-scope date.
struct amz_date {
  std::array<char, 16> text;
  /// The full "YYYYMMDDTHHMMSSZ".
  std::string_view timestamp() const noexcept { return {text.data(), text.size()}; }
  /// The "YYYYMMDD" date of the credential scope.
  std::string_view date() const noexcept { return {text.data(), 8}; }
};

/// Formats `t` (UTC, whole seconds) as SigV4's x-amz-date. Years must be 0..9999.
URLMINT_DECL amz_date format_amz_date(time_point t) noexcept;

/// Parses SigV4's "YYYYMMDDTHHMMSSZ". Returns nullopt when the text is not exactly that form,
/// names an impossible date or time, or lies outside what time_point can hold (libstdc++
/// counts nanoseconds in 64 bits: 1677-09-21 to 2262-04-11).
URLMINT_DECL std::optional<time_point> parse_amz_date(std::string_view text) noexcept;

}  // namespace urlmint

#if defined(URLMINT_HEADER_ONLY)
#include "impl/time.ipp"
#endif

#endif  // URLMINT_TIME_HPP
