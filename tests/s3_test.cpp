#include <catch2/catch.hpp>

#include <urlmint/s3.hpp>

namespace s3 = urlmint::s3;
using std::chrono::seconds;

std::string urlmint_odr_second_tu_presign();  // odr_second_tu.cpp

namespace {
const urlmint::credentials aws_example("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");

s3::config custom(const std::string& endpoint, s3::addressing_style style = s3::addressing_style::automatic) {
  s3::config c;
  c.region = "us-east-1";
  c.endpoint_url = endpoint;
  c.style = style;
  return c;
}
}  // namespace

TEST_CASE("presigned GET reproduces AWS's documented example to the byte", "[s3]") {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
  const std::string expected =
      "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  CHECK(s3::presign_get_object(aws_example, {}, "examplebucket", "test.txt", seconds(86400), may_24_2013) == expected);
  SECTION("the signer object with its key cache gives the same URL twice") {
    s3::signer signer(aws_example, {});
    s3::presign_options o;
    o.expires_in = seconds(86400);
    CHECK(signer.presign("examplebucket", "test.txt", o, may_24_2013) == expected);
    CHECK(signer.presign("examplebucket", "test.txt", o, may_24_2013) == expected);
  }
  SECTION("a second translation unit links and agrees") { CHECK(urlmint_odr_second_tu_presign() == expected); }
}

TEST_CASE("header-signed requests reproduce AWS's documented examples", "[s3]") {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
  auto authorization = [](const urlmint::sigv4::signed_request& r) { return r.headers.back().value; };
  SECTION("GET object with Range") {
    const auto r = s3::sign_request(aws_example, {}, "GET", "examplebucket", "test.txt", {}, {{"Range", "bytes=0-9"}},
                                    urlmint::sigv4::empty_payload_sha256, may_24_2013);
    CHECK(r.url == "https://examplebucket.s3.amazonaws.com/test.txt");
    CHECK_THAT(authorization(r), Catch::EndsWith("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
  }
  SECTION("PUT object with a storage class") {
    const auto r = s3::sign_request(aws_example, {}, "PUT", "examplebucket", "test$file.text", {},
                                    {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                                    urlmint::sha256_hex("Welcome to Amazon S3."), may_24_2013);
    CHECK(r.url == "https://examplebucket.s3.amazonaws.com/test%24file.text");
    CHECK_THAT(authorization(r), Catch::EndsWith("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
  }
  SECTION("GET bucket lifecycle") {
    const auto r = s3::sign_request(aws_example, {}, "GET", "examplebucket", "", {{"lifecycle", ""}}, {},
                                    urlmint::sigv4::empty_payload_sha256, may_24_2013);
    CHECK_THAT(authorization(r), Catch::EndsWith("fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
  }
  SECTION("list objects") {
    const auto r = s3::sign_request(aws_example, {}, "GET", "examplebucket", "", {{"max-keys", "2"}, {"prefix", "J"}},
                                    {}, urlmint::sigv4::empty_payload_sha256, may_24_2013);
    CHECK(r.url == "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
    CHECK_THAT(authorization(r), Catch::EndsWith("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
  }
}

TEST_CASE("endpoints resolve to AWS hosts, custom servers and both addressing styles", "[s3]") {
  auto url = [](const s3::config& c, const std::string& bucket, const std::string& key) {
    return s3::object_url(c, bucket, key);
  };
  s3::config us_east;
  s3::config eu;
  eu.region = "eu-west-1";
  CHECK(url(us_east, "bucket", "k") == "https://bucket.s3.amazonaws.com/k");
  CHECK(url(eu, "bucket", "k") == "https://bucket.s3.eu-west-1.amazonaws.com/k");
  SECTION("path style names the bucket in the path") {
    eu.style = s3::addressing_style::path;
    us_east.style = s3::addressing_style::path;
    CHECK(url(eu, "bucket", "k") == "https://s3.eu-west-1.amazonaws.com/bucket/k");
    CHECK(url(us_east, "bucket", "k") == "https://s3.amazonaws.com/bucket/k");
  }
  SECTION("dotted buckets fall back to path style on https") {
    CHECK(url(eu, "my.bucket", "k") == "https://s3.eu-west-1.amazonaws.com/my.bucket/k");
    eu.style = s3::addressing_style::virtual_hosted;
    CHECK_THROWS_WITH(url(eu, "my.bucket", "k"), Catch::Contains("--addressing-style path"));
  }
  SECTION("custom endpoints default to path style and keep non-default ports") {
    CHECK(url(custom("http://127.0.0.1:9000"), "b", "k") == "http://127.0.0.1:9000/b/k");
    CHECK(url(custom("https://acct.r2.cloudflarestorage.com"), "b", "k") == "https://acct.r2.cloudflarestorage.com/b/k");
    CHECK(url(custom("https://acct.r2.cloudflarestorage.com:443/"), "b", "k") ==
          "https://acct.r2.cloudflarestorage.com/b/k");
    CHECK(url(custom("http://minio.local:80"), "b", "k") == "http://minio.local/b/k");
    CHECK(url(custom("https://s3.example.com/base/"), "b", "k") == "https://s3.example.com/base/b/k");
  }
  SECTION("virtual style on a custom endpoint puts the bucket in front of the host") {
    CHECK(url(custom("https://acct.r2.cloudflarestorage.com", s3::addressing_style::virtual_hosted), "b-1", "k") ==
          "https://b-1.acct.r2.cloudflarestorage.com/k");
    CHECK_THROWS_WITH(url(custom("http://127.0.0.1:9000", s3::addressing_style::virtual_hosted), "b", "k"),
                      Catch::Contains("needs a DNS name"));
  }
}

TEST_CASE("object keys are encoded once and never normalized", "[s3]") {
  const s3::config c;
  CHECK(s3::object_url(c, "bucket", "a b+c%d~e=f&g?h#i") ==
        "https://bucket.s3.amazonaws.com/a%20b%2Bc%25d~e%3Df%26g%3Fh%23i");
  CHECK(s3::object_url(c, "bucket", "a//b/./c/../d") == "https://bucket.s3.amazonaws.com/a//b/./c/../d");
  CHECK(s3::object_url(c, "bucket", "/leading") == "https://bucket.s3.amazonaws.com//leading");
  CHECK(s3::object_url(c, "bucket", "caf\xC3\xA9.png") == "https://bucket.s3.amazonaws.com/caf%C3%A9.png");
  CHECK(s3::object_url(custom("http://127.0.0.1:1"), "bucket", "/x") == "http://127.0.0.1:1/bucket//x");
}

TEST_CASE("extra signed headers and query parameters appear in the URL and the signature", "[s3]") {
  s3::presign_options o;
  o.method = "PUT";
  o.headers = {{"Content-Type", "image/png"}};
  o.query = {{"response-content-disposition", "attachment; filename=\"a b.png\""}, {"versionId", "v1"}};
  const std::string url = s3::presign(aws_example, {}, "examplebucket", "k", o, may_24_2013);
  CHECK(url.find("X-Amz-SignedHeaders=content-type%3Bhost") != std::string::npos);
  CHECK(url.find("response-content-disposition=attachment%3B%20filename%3D%22a%20b.png%22&versionId=v1") !=
        std::string::npos);
  const auto steps = s3::presign_steps(aws_example, {}, "examplebucket", "k", o, may_24_2013);
  CHECK(steps.canonical_request.substr(0, 6) == "PUT\n/k");
  CHECK(steps.canonical_request.find("\ncontent-type:image/png\nhost:examplebucket.s3.amazonaws.com\n") !=
        std::string::npos);
  CHECK_THAT(steps.canonical_request, Catch::EndsWith("\nUNSIGNED-PAYLOAD"));
}

TEST_CASE("bad bucket names for AWS are refused with the rule they break", "[s3]") {
  const s3::config c;
  const std::pair<const char*, const char*> cases[] = {
      {"ab", "3 to 63"},           {"Bucket", "uppercase"},     {"my_bucket", "underscores"},
      {"a..b", "adjacent periods"}, {"192.168.5.4", "IP address"}, {"-abc", "start and end"},
      {"xn--abc", "xn--"},          {"abc.mrap", ".mrap"},  {"a.-b", "'-' next to '.'"},
  };
  for (const auto& [bucket, why] : cases) {
    INFO(bucket);
    CHECK_THROWS_WITH(s3::object_url(c, bucket, "k"), Catch::Contains(why));
  }
  CHECK_THROWS_WITH(s3::object_url(c, std::string(64, 'a'), "k"), Catch::Contains("3 to 63"));
  SECTION("custom endpoints accept names AWS would not") {
    CHECK(s3::object_url(custom("http://127.0.0.1:9000"), "My_Bucket", "k") == "http://127.0.0.1:9000/My_Bucket/k");
  }
}

TEST_CASE("bad keys, methods, expiries and endpoints are refused", "[s3]") {
  s3::presign_options o;
  auto presign = [&](const std::string& key, const s3::config& c = {}) {
    return s3::presign(aws_example, c, "examplebucket", key, o, may_24_2013);
  };
  CHECK_THROWS_WITH(presign(""), Catch::Contains("key is empty"));
  CHECK_THROWS_WITH(presign(std::string(1025, 'k')), Catch::Contains("at most 1024"));
  CHECK_NOTHROW(presign(std::string(1024, 'k')));
  CHECK_THROWS_WITH(presign("bad\xFF"), Catch::Contains("UTF-8"));
  o.method = "PATCH";
  CHECK_THROWS_WITH(presign("k"), Catch::Contains("GET, PUT, HEAD or DELETE"));
  o.method = "GET";
  o.expires_in = seconds(604801);
  CHECK_THROWS_WITH(presign("k"), Catch::Contains("604800"));
  o.expires_in = seconds(0);
  CHECK_THROWS_WITH(presign("k"), Catch::Contains("604800"));
  o.expires_in = seconds(60);
  CHECK_THROWS_WITH(presign("k", custom("ftp://host")), Catch::Contains("only http:// and https://"));
  CHECK_THROWS_WITH(presign("k", custom("127.0.0.1:9000")), Catch::Contains("no scheme"));
  CHECK_THROWS_WITH(presign("k", custom("http://127.0.0.1:99999")), Catch::Contains("65535"));
  CHECK_THROWS_WITH(presign("k", custom("http://:9000")), Catch::Contains("no host"));
  SECTION("missing credentials name the variables, never a secret") {
    urlmint::credentials none;
    CHECK_THROWS_AS(s3::presign(none, {}, "examplebucket", "k", o, may_24_2013), urlmint::error);
    CHECK_THROWS_WITH(s3::presign(none, {}, "examplebucket", "k", o, may_24_2013),
                      Catch::Contains("AWS_ACCESS_KEY_ID"));
  }
}

TEST_CASE("s3:// URIs split into bucket and key", "[s3]") {
  CHECK(s3::parse_s3_uri("s3://b/k/with/slashes").key == "k/with/slashes");
  CHECK(s3::parse_s3_uri("s3://b//lead").key == "/lead");
  CHECK(s3::parse_s3_uri("s3://b").key.empty());
  CHECK_THROWS_WITH(s3::parse_s3_uri("https://b/k"), Catch::Contains("s3://BUCKET/KEY"));
  CHECK_THROWS_WITH(s3::parse_s3_uri("s3:///k"), Catch::Contains("no bucket"));
}

TEST_CASE("header-signed PUT carries the payload hash and the seed's headers", "[s3]") {
  s3::put_options o;
  o.content_type = "image/png";
  o.cache_control = "max-age=31536000";
  o.metadata = {{"Chart-Id", "42"}};
  const auto r = s3::sign_put_object(aws_example, custom("http://127.0.0.1:8080"), "charts", "a b.png", o,
                                     urlmint::sha256_hex("png"), may_24_2013);
  CHECK(r.method == "PUT");
  CHECK(r.url == "http://127.0.0.1:8080/charts/a%20b.png");
  CHECK_THAT(r.headers.back().value,
             Catch::Contains("SignedHeaders=cache-control;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-chart-id,"));
  SECTION("UNSIGNED-PAYLOAD needs https") {
    CHECK_THROWS_WITH(s3::sign_put_object(aws_example, custom("http://127.0.0.1:8080"), "charts", "k", o,
                                          urlmint::sigv4::unsigned_payload, may_24_2013),
                      Catch::Contains("https"));
  }
}
