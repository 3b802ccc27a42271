#include <catch2/catch.hpp>

#include <urlmint/publish.hpp>

#include <map>

namespace publish = urlmint::publish;

namespace {
const urlmint::curl::global curl_global_for_tests;
const urlmint::credentials aws_example("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");

publish::config from(const std::map<std::string, std::string>& vars) {
  return publish::config_from([&](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}
}  // namespace

TEST_CASE("configuration comes from the seed's environment variables", "[publish]") {
  const auto c = from({{"URLMINT_BUCKET", "chart-bucket"},
                       {"AWS_REGION", "eu-west-1"},
                       {"CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net"},
                       {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"}});
  CHECK(c.bucket == "chart-bucket");
  CHECK(c.s3.region == "eu-west-1");
  CHECK(c.s3.endpoint_url == "http://127.0.0.1:9000");
  CHECK(c.cloudfront_domain == "d111111abcdef8.cloudfront.net");
  CHECK(c.presign_expiry == std::chrono::seconds(604800));
  SECTION("AWS_DEFAULT_REGION is the fallback, then us-east-1") {
    CHECK(from({{"AWS_DEFAULT_REGION", "ap-south-1"}}).s3.region == "ap-south-1");
    CHECK(from({}).s3.region == "us-east-1");
  }
}

TEST_CASE("with a CloudFront domain the link is https://DOMAIN/KEY", "[publish]") {
  publish::config c;
  c.bucket = "chart-bucket";
  c.cloudfront_domain = "https://D111111ABCDEF8.cloudfront.net/";
  const auto l = publish::share_url(aws_example, c, "charts/q1 sales+eu.png", may_24_2013);
  CHECK(l.kind == publish::url_kind::cloudfront);
  CHECK(l.url == "https://d111111abcdef8.cloudfront.net/charts/q1%20sales%2Beu.png");
}

TEST_CASE("without a CloudFront domain the link is a presigned GET valid 7 days", "[publish]") {
  publish::config c;
  c.bucket = "examplebucket";
  const auto l = publish::share_url(aws_example, c, "test.txt", may_24_2013);
  CHECK(l.kind == publish::url_kind::presigned);
  CHECK(l.url ==
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
        "&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=" + urlmint::sigv4::compute(
            [] {
              urlmint::sigv4::request r;
              r.host = "examplebucket.s3.amazonaws.com";
              r.path = "/test.txt";
              r.payload_hash = "UNSIGNED-PAYLOAD";
              return r;
            }(),
            aws_example,
            [] {
              auto p = urlmint::s3::s3_params({}, may_24_2013, urlmint::sigv4::signature_location::query);
              p.expires_in = std::chrono::seconds(604800);
              return p;
            }()).signature);
  SECTION("an expiry above 7 days is refused") {
    c.presign_expiry = std::chrono::seconds(604801);
    CHECK_THROWS_WITH(publish::share_url(aws_example, c, "k", may_24_2013),
                      "sigv4: expiry of 604801 s is out of range; presigned URLs last 1 to 604800 seconds (7 days)");
  }
}

TEST_CASE("a publisher needs a bucket and a well-formed CloudFront domain", "[publish]") {
  publish::config c;
  CHECK_THROWS_WITH(publish::publisher(aws_example, c),
                    "publish: no bucket configured; set URLMINT_BUCKET or config::bucket");
  c.bucket = "b";
  c.cloudfront_domain = "d1.cloudfront.net/path";
  CHECK_THROWS_AS(publish::publisher(aws_example, c), urlmint::error);
}

TEST_CASE("url kinds have names for logs", "[publish]") {
  CHECK(publish::to_string(publish::url_kind::cloudfront) == "cloudfront");
  CHECK(publish::to_string(publish::url_kind::presigned) == "presigned");
}
