#include <catch2/catch.hpp>

#include <urlmint/time.hpp>

TEST_CASE("x-amz-date formats UTC without gmtime", "[time]") {
  CHECK(urlmint::format_amz_date(urlmint::from_unix_seconds(0)).timestamp() == "19700101T000000Z");
  CHECK(urlmint::format_amz_date(urlmint::from_unix_seconds(1369353600)).timestamp() == "20130524T000000Z");
  CHECK(urlmint::format_amz_date(urlmint::from_unix_seconds(951782400)).timestamp() == "20000229T000000Z");
  CHECK(urlmint::format_amz_date(urlmint::from_unix_seconds(4102444799)).timestamp() == "20991231T235959Z");
  CHECK(urlmint::format_amz_date(urlmint::from_unix_seconds(1369353600)).date() == "20130524");
  SECTION("sub-second parts are dropped, not rounded") {
    const auto t = urlmint::from_unix_seconds(1369353600) + std::chrono::milliseconds(999);
    CHECK(urlmint::format_amz_date(t).timestamp() == "20130524T000000Z");
  }
}

TEST_CASE("every week from 1967 to 2262 round-trips through the calendar", "[time]") {
  // 2262 is where system_clock's nanosecond count (libstdc++) ends.
  for (std::int64_t day = -1000; day < 106000; day += 7) {
    const std::int64_t s = day * 86400 + 3723;
    CHECK(urlmint::from_civil(urlmint::to_civil(s)) == s);
    const urlmint::amz_date formatted = urlmint::format_amz_date(urlmint::from_unix_seconds(s));
    REQUIRE(urlmint::to_unix_seconds(*urlmint::parse_amz_date(formatted.timestamp())) == s);
  }
}

TEST_CASE("parse_amz_date accepts only YYYYMMDDTHHMMSSZ with a real date", "[time]") {
  CHECK(urlmint::parse_amz_date("20130524T000000Z"));
  CHECK(urlmint::parse_amz_date("20240229T235959Z"));
  for (const char* bad : {"", "20130524", "20130524T000000", "2013-05-24T00:00:00Z", "20130532T000000Z",
                          "20230229T000000Z", "20131301T000000Z", "20130524T240000Z", "20130524T006000Z",
                          "2013052AT000000Z", "20130524t000000z", "20130524T000000Z "}) {
    INFO(bad);
    CHECK_FALSE(urlmint::parse_amz_date(bad));
  }
}

TEST_CASE("parse_amz_date refuses years a time_point cannot hold instead of overflowing", "[time]") {
  // Regression: fuzz_amz_date found that "99991231T235959Z" overflowed system_clock's 64-bit
  // nanosecond count (undefined behaviour under UBSan).
  for (const char* out_of_range : {"99991231T235959Z", "22620411T235947Z", "00000101T000000Z", "16770921T000000Z"}) {
    INFO(out_of_range);
    CHECK_FALSE(urlmint::parse_amz_date(out_of_range));
  }
  CHECK(urlmint::format_amz_date(*urlmint::parse_amz_date("22620411T000000Z")).timestamp() == "22620411T000000Z");
  CHECK(urlmint::format_amz_date(*urlmint::parse_amz_date("16770922T000000Z")).timestamp() == "16770922T000000Z");
}
