#include <catch2/catch.hpp>

#include <urlmint/s3_client.hpp>

#include <unistd.h>  // getpid

#include <fstream>

#include "loopback_server.hpp"

namespace s3 = urlmint::s3;
using std::chrono::milliseconds;

namespace {
const urlmint::curl::global curl_global_for_tests;

s3::config local(const std::string& endpoint, const std::string& region = "us-east-1") {
  s3::config c;
  c.region = region;
  c.endpoint_url = endpoint;
  c.style = s3::addressing_style::path;
  return c;
}

const std::string signature_body =
    "<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature "
    "we calculated does not match the signature you provided. Check your key and signing method.</Message>"
    "<RequestId>tx1</RequestId><StringToSign>AWS4-HMAC-SHA256\n20261125T000000Z\nscope\nabc</StringToSign>"
    "<CanonicalRequest>PUT\n/b/k\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>";
}  // namespace

TEST_CASE("an S3 error body is parsed into code, message, request id and the server's signing steps", "[s3_client]") {
  const auto d = s3::parse_error_response(403, {}, signature_body);
  CHECK(d.status == 403);
  CHECK(d.code == "SignatureDoesNotMatch");
  CHECK(d.request_id == "tx1");
  CHECK(d.string_to_sign == "AWS4-HMAC-SHA256\n20261125T000000Z\nscope\nabc");
  CHECK(d.canonical_request == "PUT\n/b/k\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
  const auto e = s3::make_service_error(d, "PUT s3://b/k", local("http://127.0.0.1:1"));
  CHECK(e.code() == urlmint::errc::signature_mismatch);
  CHECK(std::string(e.what()) ==
        "s3: PUT s3://b/k failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not match "
        "the signature you provided. Check your key and signing method; the secret access key is wrong for this "
        "access key id (check AWS_SECRET_ACCESS_KEY), or the request changed after signing; compare the server's "
        "StringToSign with --debug (request id tx1)");
}

TEST_CASE("a wrong region is named from AuthorizationHeaderMalformed, redirects and headers", "[s3_client]") {
  const auto cfg = local("http://127.0.0.1:1");
  SECTION("AuthorizationHeaderMalformed with <Region>") {
    const auto d = s3::parse_error_response(
        400, {}, "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; "
                 "the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>");
    CHECK(d.region == "eu-west-1");
    CHECK(s3::describe(d, "GET s3://b/k", cfg).find("; the bucket is in region eu-west-1, not us-east-1; pass --region "
                                                    "eu-west-1 (or set AWS_REGION=eu-west-1)") != std::string::npos);
  }
  SECTION("the region only in the message") {
    const auto d = s3::parse_error_response(
        400, {}, "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; "
                 "expecting 'ap-south-1'</Message></Error>");
    CHECK(d.region == "ap-south-1");
  }
  SECTION("a 301 PermanentRedirect on HEAD carries x-amz-bucket-region") {
    const auto d = s3::parse_error_response(301, {{"x-amz-bucket-region", "eu-central-1"}}, "");
    CHECK(d.code == "PermanentRedirect");
    CHECK(s3::describe(d, "HEAD s3://b/k", cfg) ==
          "s3: HEAD s3://b/k failed: HTTP 301 PermanentRedirect; the bucket is in region eu-central-1, not us-east-1; "
          "pass --region eu-central-1 (or set AWS_REGION=eu-central-1)");
  }
  SECTION("a 307 with only an Endpoint") {
    const auto d = s3::parse_error_response(
        307, {}, "<Error><Code>TemporaryRedirect</Code><Message>Please re-send this request to the specified temporary "
                 "endpoint.</Message><Endpoint>b.s3-eu-west-1.amazonaws.com</Endpoint></Error>");
    CHECK(s3::describe(d, "PUT s3://b/k", cfg).find("; the bucket lives in another region (endpoint "
                                                    "b.s3-eu-west-1.amazonaws.com); pass its --region") !=
          std::string::npos);
  }
}

TEST_CASE("a body that is not S3 XML is quoted, printable, in the message", "[s3_client]") {
  const auto d = s3::parse_error_response(502, {{"x-amz-request-id", "r9"}}, "<html>\n<b>Bad\tGateway</b></html>");
  CHECK(d.code.empty());
  CHECK(d.request_id == "r9");
  CHECK(s3::describe(d, "GET s3://b/k", local("http://127.0.0.1:1")) ==
        "s3: GET s3://b/k failed: HTTP 502; the answer is not S3 XML (\"<html> <b>Bad Gateway</b></html>\"); is "
        "--endpoint-url really an S3 server? (request id r9)");
}

TEST_CASE("Content-MD5 only for unsigned payloads, never for directory buckets", "[s3_client]") {
  // A signed payload's SHA-256 is checked by the server (integration_test proves Swift does).
  CHECK_FALSE(s3::content_md5_needed("charts", true));
  CHECK(s3::content_md5_needed("charts", false));
  CHECK_FALSE(s3::content_md5_needed("charts--use1-az4--x-s3", false));
  CHECK_FALSE(s3::content_md5_needed("charts--use1-az4--x-s3", true));
}

TEST_CASE("only connection failures, 5xx and throttling codes are retried", "[s3_client]") {
  CHECK(s3::is_retryable(500, ""));
  CHECK(s3::is_retryable(503, "SlowDown"));
  CHECK(s3::is_retryable(504, ""));
  CHECK(s3::is_retryable(400, "RequestTimeout"));
  CHECK_FALSE(s3::is_retryable(403, "AccessDenied"));
  CHECK_FALSE(s3::is_retryable(404, "NoSuchKey"));
  CHECK_FALSE(s3::is_retryable(501, "NotImplemented"));
}

TEST_CASE("backoff grows exponentially up to the cap, scaled by the jitter draw", "[s3_client]") {
  s3::retry_policy p;
  p.base_delay = milliseconds(100);
  p.max_delay = milliseconds(1000);
  CHECK(s3::backoff_delay(p, 1, 0.5) == milliseconds(50));
  CHECK(s3::backoff_delay(p, 2, 0.5) == milliseconds(100));
  CHECK(s3::backoff_delay(p, 3, 0.5) == milliseconds(200));
  CHECK(s3::backoff_delay(p, 10, 0.5) == milliseconds(500));
  CHECK(s3::backoff_delay(p, 40, 0.999) == milliseconds(999));
  CHECK(s3::backoff_delay(p, 3, 0.0) == milliseconds(0));
}

TEST_CASE("the lifecycle rule expires a prefix after N days", "[s3_client]") {
  CHECK(s3::lifecycle_expiration_xml("charts/", 30) ==
        "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ID>expire-charts/</ID>"
        "<Filter><Prefix>charts/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration>"
        "</Rule></LifecycleConfiguration>");
  CHECK_THROWS_WITH(s3::lifecycle_expiration_xml("a", 0),
                    "s3: lifecycle expiry of 0 days is out of range; use 1 or more days");
}

TEST_CASE("a missing file or a directory is refused before any request", "[s3_client]") {
  CHECK_THROWS_WITH(s3::check_readable_file("/nonexistent/file.png"),
                    "s3: cannot read \"/nonexistent/file.png\": No such file or directory; check the path");
  CHECK_THROWS_WITH(s3::check_readable_file("/"), "s3: \"/\" is a directory; give the path of one file to upload");
  CHECK_THROWS_WITH(s3::check_readable_file("/dev/null"),
                    "s3: \"/dev/null\" is not a regular file; upload a file, or use - for stdin");
}

TEST_CASE("a PUT sends the body's SHA-256 (no Content-MD5: the hash is checked) and the object headers, and is "
          "re-signed on retry",
          "[s3_client]") {
  std::atomic<int> calls{0};
  test_support::loopback_server server([&](const test_support::received_request&) {
    return ++calls == 1 ? test_support::http_reply(503, "<Error><Code>SlowDown</Code></Error>")
                        : test_support::http_reply(200, "", "ETag: \"900150983cd24fb0d6963f7d28e17f72\"\r\n");
  });
  std::vector<milliseconds> sleeps;
  s3::client_options o;
  o.sleep = [&](milliseconds d) { sleeps.push_back(d); };
  int clock_calls = 0;
  o.now = [&] { return *urlmint::parse_amz_date(++clock_calls == 1 ? "20130524T000000Z" : "20130524T000001Z"); };
  s3::client c(urlmint::credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
               local(server.url()), o);
  s3::put_options po;
  po.content_type = "image/png";
  po.cache_control = "max-age=31536000";
  const auto r = c.put_object("charts", "a.png", "abc", po);
  CHECK(r.attempts == 2);
  CHECK(r.etag == "\"900150983cd24fb0d6963f7d28e17f72\"");
  CHECK(sleeps.size() == 1);
  const auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  for (const auto& q : reqs) {
    CHECK(q.body == "abc");
    CHECK(q.head.find("Content-MD5") == std::string::npos);
    CHECK(q.head.find("\r\nx-amz-content-sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\r\n") !=
          std::string::npos);
    CHECK(q.head.find("\r\nCache-Control: max-age=31536000\r\n") != std::string::npos);
  }
  CHECK(reqs[0].head.find("x-amz-date: 20130524T000000Z") != std::string::npos);
  CHECK(reqs[1].head.find("x-amz-date: 20130524T000001Z") != std::string::npos);
}

TEST_CASE("a failed multipart upload is aborted and the first error is reported", "[s3_client]") {
  test_support::loopback_server server([](const test_support::received_request& r) {
    if (r.head.rfind("POST", 0) == 0)
      return test_support::http_reply(200, "<InitiateMultipartUploadResult><UploadId>u1</UploadId>"
                                           "</InitiateMultipartUploadResult>");
    if (r.head.rfind("DELETE", 0) == 0) return test_support::http_reply(204, "");
    return test_support::http_reply(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
  });
  s3::client_options o;
  o.multipart_threshold = 6 * 1024 * 1024;
  o.part_size = 5 * 1024 * 1024;
  o.sleep = [](milliseconds) {};
  s3::client c(urlmint::credentials("AKIAIOSFODNN7EXAMPLE", "secret"), local(server.url()), o);
  const std::string body(11 * 1024 * 1024, 'x');
  CHECK_THROWS_WITH(c.put_object("b", "big.bin", body),
                    Catch::StartsWith("s3: PUT s3://b/big.bin (multipart) part ") &&
                        Catch::Contains("HTTP 403 AccessDenied: Access Denied; the credentials are not allowed"));
  const auto reqs = server.requests();
  REQUIRE_FALSE(reqs.empty());
  CHECK(reqs.back().head.rfind("DELETE /b/big.bin?uploadId=u1 HTTP/1.1", 0) == 0);
}

TEST_CASE("a failed write condition is errc::precondition_failed, for 412 and 409 ConditionalRequestConflict",
          "[s3_client][conditional]") {
  const auto cfg = local("http://127.0.0.1:1");
  const auto d412 = s3::parse_error_response(
      412, {}, "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not "
               "hold</Message></Error>");
  const auto e412 = s3::make_service_error(d412, "PUT s3://b/k", cfg);
  CHECK(e412.code() == urlmint::errc::precondition_failed);
  CHECK(std::string(e412.what()) ==
        "s3: PUT s3://b/k failed: HTTP 412 PreconditionFailed: At least one of the pre-conditions you specified did "
        "not hold; the write's condition did not hold (an object already has this key, or its ETag is no longer the "
        "one given); nothing was changed");
  const auto d409 = s3::parse_error_response(409, {}, "<Error><Code>ConditionalRequestConflict</Code></Error>");
  CHECK(s3::make_service_error(d409, "PUT s3://b/k", cfg).code() == urlmint::errc::precondition_failed);
  CHECK_FALSE(s3::is_retryable(409, "ConditionalRequestConflict"));
  const auto other409 = s3::parse_error_response(409, {}, "<Error><Code>BucketNotEmpty</Code></Error>");
  CHECK(s3::make_service_error(other409, "DELETE s3://b", cfg).code() == urlmint::errc::service);
}
