// What an application embedding urlmint relies on: std::error_code interop and credentials
// sources that rotate.

#include <catch2/catch.hpp>

#include <urlmint/providers.hpp>
#include <urlmint/s3.hpp>

#include <system_error>

namespace s3 = urlmint::s3;

TEST_CASE("urlmint::errc is a std::error_code enum in the \"urlmint\" category, and no code is 0",
          "[error]") {
  static_assert(std::is_error_code_enum<urlmint::errc>::value, "errc converts to std::error_code");
  const std::error_code ec = urlmint::errc::invalid_argument;
  CHECK(ec);  // 0 would read as success
  CHECK(ec.value() != 0);
  CHECK(std::string(ec.category().name()) == "urlmint");
  CHECK(ec.message() == "invalid argument");
  CHECK(ec == urlmint::errc::invalid_argument);
  CHECK(ec != urlmint::errc::transport);
  for (int v = 1; v <= static_cast<int>(urlmint::errc::too_large); ++v)
    CHECK(urlmint::error_category().message(v) != "unknown urlmint error");
  const urlmint::error e(urlmint::errc::precondition_failed, "s3 cp: s3://b/k already exists (--no-overwrite)");
  CHECK(e.error_code() == urlmint::errc::precondition_failed);
  CHECK(e.code() == urlmint::errc::precondition_failed);
}

TEST_CASE("a credentials_source is fixed credentials or anything with get(now)", "[credentials]") {
  const urlmint::time_point now = urlmint::from_unix_seconds(1700000000);
  SECTION("fixed credentials never rotate") {
    const urlmint::credentials_source fixed = urlmint::credentials("AKIDFIXED", "secret");
    urlmint::time_point until;
    CHECK(fixed.get(now, until)->access_key_id == "AKIDFIXED");
    CHECK(until == urlmint::time_point::max());
    CHECK_FALSE(fixed.rotates());
  }
  SECTION("a provider says until when its answer is current") {
    auto p = std::make_shared<urlmint::providers::provider>(
        [](urlmint::time_point t) {
          urlmint::providers::resolved_credentials r{urlmint::credentials("ASIAP", "s", "t"), "test"};
          r.creds.expiration = t + std::chrono::hours(1);
          return r;
        },
        std::chrono::minutes(5));
    const urlmint::credentials_source source = p;
    urlmint::time_point until;
    CHECK(source.get(now, until)->access_key_id == "ASIAP");
    CHECK(until == now + std::chrono::minutes(55));
    CHECK(source.rotates());
  }
  SECTION("any other source is asked again at most once a second") {
    struct counting {
      int calls = 0;
      std::shared_ptr<const urlmint::credentials> get(urlmint::time_point) {
        ++calls;
        return std::make_shared<const urlmint::credentials>("AKIDCOUNT" + std::to_string(calls), "secret");
      }
    };
    auto c = std::make_shared<counting>();
    const s3::signer signer(c, {});
    const std::string first = signer.presign("examplebucket", "k", {}, now);
    CHECK(signer.presign("examplebucket", "k", {}, now + std::chrono::milliseconds(500)).find("AKIDCOUNT1") !=
          std::string::npos);
    CHECK(c->calls == 1);
    CHECK(signer.presign("examplebucket", "k", {}, now + std::chrono::seconds(2)).find("AKIDCOUNT2") !=
          std::string::npos);
    CHECK(first.find("AKIDCOUNT1") != std::string::npos);
  }
  SECTION("a source that fails is reported when signing, with its own message") {
    struct failing {
      std::shared_ptr<const urlmint::credentials> get(urlmint::time_point) {
        throw urlmint::error(urlmint::errc::invalid_credentials, "test: no credentials");
      }
    };
    const s3::signer signer(std::make_shared<failing>(), {});
    CHECK_THROWS_WITH(signer.presign("examplebucket", "k", {}, now), "test: no credentials");
  }
}
