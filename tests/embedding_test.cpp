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

TEST_CASE("no silent traps: an unset signing time, a method in lower case, named request fields", "[traps]") {
  const urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");
  SECTION("a sigv4::params whose time was never set is an error, not 1970") {
    urlmint::sigv4::request req;
    req.host = "example.amazonaws.com";
    urlmint::sigv4::params p;
    p.region = "us-east-1";
    p.service = "service";
    CHECK_THROWS_WITH(urlmint::sigv4::sign(req, creds, p), Catch::Contains("signing time is not set"));
    p.time = may_24_2013;
    CHECK_NOTHROW(urlmint::sigv4::sign(req, creds, p));
  }
  SECTION("methods are named constants, and user strings in any case mean the same") {
    s3::presign_options upper;
    upper.method = s3::method::put;
    s3::presign_options lower;
    lower.method = "put";
    CHECK(s3::presign(creds, {}, "examplebucket", "k", lower, may_24_2013) ==
          s3::presign(creds, {}, "examplebucket", "k", upper, may_24_2013));
    const s3::signer signer(creds, {});
    CHECK(signer.presign("examplebucket", "k", lower, may_24_2013) ==
          s3::presign(creds, {}, "examplebucket", "k", upper, may_24_2013));
    lower.method = "FETCH";
    CHECK_THROWS_WITH(s3::presign(creds, {}, "examplebucket", "k", lower, may_24_2013),
                      Catch::Contains("FETCH") && Catch::Contains("use GET, PUT, HEAD or DELETE"));
  }
  SECTION("sign_request takes named fields") {
    s3::request_options r;
    r.method = s3::method::get;
    r.bucket = "examplebucket";
    r.key = "test.txt";
    r.headers = {{"Range", "bytes=0-9"}};
    const auto signed_by_fields = s3::sign_request(creds, {}, r, may_24_2013);
    const auto signed_by_position = s3::sign_request(creds, {}, "GET", "examplebucket", "test.txt", {},
                                                     {{"Range", "bytes=0-9"}}, urlmint::sigv4::empty_payload_sha256,
                                                     may_24_2013);
    CHECK(signed_by_fields.url == "https://examplebucket.s3.amazonaws.com/test.txt");
    REQUIRE(signed_by_fields.headers.size() == signed_by_position.headers.size());
    for (std::size_t i = 0; i < signed_by_fields.headers.size(); ++i)
      CHECK(signed_by_fields.headers[i].value == signed_by_position.headers[i].value);
    // AWS's documented GetObject example (the S3 SigV4 header-signing page).
    bool found = false;
    for (const auto& h : signed_by_fields.headers)
      if (h.name == "Authorization")
        found = h.value.find("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41") !=
                std::string::npos;
    CHECK(found);
  }
}
