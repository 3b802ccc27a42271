#include <catch2/catch.hpp>

#include <urlmint/multipart.hpp>

namespace mp = urlmint::multipart;
namespace s3 = urlmint::s3;

namespace {
const urlmint::credentials aws_example("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");

s3::config local() {
  s3::config c;
  c.endpoint_url = "http://127.0.0.1:8080";
  return c;
}

std::string header_value(const urlmint::sigv4::signed_request& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (urlmint::sigv4::lowercase(h.name) == name) return h.value;
  return "<absent>";
}
}  // namespace

TEST_CASE("a presigned UploadPart URL matches botocore's signature for the same part", "[multipart]") {
  // botocore 1.43 generate_presigned_url('upload_part', ...) at 2013-05-24T00:00:00Z, path style.
  const std::string url = mp::presign_upload_part(aws_example, local(), "charts", "big file.bin", "tx1-abc", 3,
                                                  std::chrono::seconds(3600), may_24_2013);
  CHECK(url ==
        "http://127.0.0.1:8080/charts/big%20file.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&partNumber=3&uploadId=tx1-abc"
        "&X-Amz-Signature=9f8caef2c0cdd05ba07859e1fbf9805e582f37aab5dfdaf34957fae4cc13d02d");
}

TEST_CASE("the four multipart requests use S3's methods and query parameters", "[multipart]") {
  s3::put_options o;
  o.content_type = "image/png";
  o.cache_control = "max-age=31536000";
  SECTION("create is a POST with ?uploads= that carries the object's headers") {
    auto r = mp::sign_create(aws_example, local(), "charts", "a.png", o, may_24_2013);
    CHECK(r.method == "POST");
    CHECK(r.url == "http://127.0.0.1:8080/charts/a.png?uploads=");
    CHECK(header_value(r, "content-type") == "image/png");
    CHECK(header_value(r, "cache-control") == "max-age=31536000");
  }
  SECTION("upload part is a PUT with partNumber and uploadId and a signed Content-MD5") {
    auto r = mp::sign_upload_part(aws_example, local(), "charts", "a.png", "id/with+chars", 2,
                                  urlmint::sha256_hex("abc"), mp::content_md5("abc"), may_24_2013);
    CHECK(r.method == "PUT");
    CHECK(r.url == "http://127.0.0.1:8080/charts/a.png?partNumber=2&uploadId=id%2Fwith%2Bchars");
    CHECK(header_value(r, "content-md5") == "kAFQmDzST7DWlj99KOF/cg==");
    CHECK(header_value(r, "authorization").find("SignedHeaders=content-md5;host;x-amz-content-sha256;x-amz-date") !=
          std::string::npos);
  }
  SECTION("complete is a POST with ?uploadId= and the body's hash") {
    const std::string body = mp::complete_body({{1, "\"e1\""}});
    auto r = mp::sign_complete(aws_example, local(), "charts", "a.png", "u1", body, may_24_2013);
    CHECK(r.method == "POST");
    CHECK(r.url == "http://127.0.0.1:8080/charts/a.png?uploadId=u1");
    CHECK(header_value(r, "x-amz-content-sha256") == urlmint::sha256_hex(body));
  }
  SECTION("abort is a DELETE with ?uploadId=") {
    auto r = mp::sign_abort(aws_example, local(), "charts", "a.png", "u1", may_24_2013);
    CHECK(r.method == "DELETE");
    CHECK(r.url == "http://127.0.0.1:8080/charts/a.png?uploadId=u1");
  }
  SECTION("a part number outside 1..10000 is refused") {
    CHECK_THROWS_WITH(mp::presign_upload_part(aws_example, local(), "charts", "a", "u", 10001,
                                              std::chrono::seconds(60), may_24_2013),
                      "multipart: part number 10001 is out of range; S3 part numbers are 1 to 10000");
    CHECK_THROWS_WITH(mp::sign_abort(aws_example, local(), "charts", "a", "", may_24_2013),
                      "multipart: upload id is empty; pass the UploadId CreateMultipartUpload returned");
  }
}

TEST_CASE("the CompleteMultipartUpload body lists parts in ascending order with escaped ETags", "[multipart]") {
  CHECK(mp::complete_body({{2, "\"bb\""}, {1, "\"aa\""}}) ==
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Part><PartNumber>1</PartNumber><ETag>&quot;aa&quot;</ETag></Part>"
        "<Part><PartNumber>2</PartNumber><ETag>&quot;bb&quot;</ETag></Part></CompleteMultipartUpload>");
  CHECK_THROWS_WITH(mp::complete_body({}), "multipart: no parts to complete; upload at least one part first");
  CHECK_THROWS_WITH(mp::complete_body({{1, "a"}, {1, "b"}}),
                    "multipart: part 1 is listed twice; list each part once");
  CHECK_THROWS_WITH(mp::complete_body({{1, ""}}),
                    "multipart: part 1 has no ETag; use the ETag header UploadPart returned");
}

TEST_CASE("the UploadId is read from InitiateMultipartUploadResult", "[multipart]") {
  const std::string ok =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>VXBsb2FkIElE&amp;x</UploadId></InitiateMultipartUploadResult>";
  CHECK(mp::parse_upload_id(ok) == "VXBsb2FkIElE&x");
  CHECK_THROWS_WITH(mp::parse_upload_id("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not "
                                        "exist</Message></Error>"),
                    "multipart: CreateMultipartUpload failed with NoSuchBucket: The specified bucket does not exist");
  CHECK_THROWS_WITH(mp::parse_upload_id("garbage"),
                    "multipart: CreateMultipartUpload's answer has no UploadId; the server said: \"garbage\"");
}

TEST_CASE("XML text is decoded and encoded", "[multipart]") {
  CHECK(mp::xml_unescape("a&lt;b&gt;&amp;&quot;&apos;&#233;&#x20AC;&bogus;") == "a<b>&\"'\xC3\xA9\xE2\x82\xAC&bogus;");
  CHECK(urlmint::xml_escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  CHECK(mp::xml_element_text("<Codes>x</Codes><Code>y</Code>", "Code") == std::optional<std::string>("y"));
  CHECK(mp::xml_element_text("<Code/>", "Code") == std::optional<std::string>(""));
  CHECK_FALSE(mp::xml_element_text("<Other>1</Other>", "Code"));
}

TEST_CASE("a 200 CompleteMultipartUpload answer with an Error body is an error", "[multipart]") {
  CHECK(mp::complete_result_is_error("<Error><Code>InternalError</Code></Error>"));
  CHECK_FALSE(mp::complete_result_is_error("<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>"));
}

TEST_CASE("a part plan covers the object in parts of at least 5 MiB and at most 10000 parts", "[multipart]") {
  const std::uint64_t mib = 1024 * 1024;
  auto p = mp::plan_parts(100 * mib, 16 * mib);
  REQUIRE(p.size() == 7);
  CHECK(p[0].part_number == 1);
  CHECK(p[6].offset == 96 * mib);
  CHECK(p[6].size == 4 * mib);
  SECTION("an empty object is one empty part") {
    auto e = mp::plan_parts(0, 5 * mib);
    REQUIRE(e.size() == 1);
    CHECK(e[0].size == 0);
  }
  SECTION("a huge object raises the part size to stay within 10000 parts") {
    auto h = mp::plan_parts(100000 * 5 * mib, 5 * mib);
    CHECK(h.size() == 10000);
  }
  SECTION("a part size below 5 MiB is refused") {
    CHECK_THROWS_WITH(mp::plan_parts(10, 1024),
                      "multipart: part size 1024 bytes is out of range; S3 parts are 5 MiB to 5 GiB");
  }
}

TEST_CASE("Content-MD5 is the base64 MD5 of the body", "[multipart]") {
  CHECK(mp::content_md5("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
  mp::md5 h;
  h.update("a");
  h.update("bc");
  CHECK(h.finish_base64() == "kAFQmDzST7DWlj99KOF/cg==");
}

TEST_CASE("conditional writes sign If-None-Match or If-Match on PutObject and Complete, never on Create or parts",
          "[multipart][conditional]") {
  s3::put_options o;
  o.if_none_match = "*";
  const auto put = s3::sign_put_object(aws_example, local(), "charts", "a.png", o, urlmint::sha256_hex(""), may_24_2013);
  CHECK(header_value(put, "if-none-match") == "*");
  CHECK(header_value(put, "authorization").find("SignedHeaders=host;if-none-match;") != std::string::npos);
  const auto create = mp::sign_create(aws_example, local(), "charts", "a.png", o, may_24_2013);
  CHECK(header_value(create, "if-none-match") == "<absent>");
  const std::string body = mp::complete_body({{1, "\"e1\""}});
  const auto complete =
      mp::sign_complete(aws_example, local(), "charts", "a.png", "u1", body, s3::condition_headers(o), may_24_2013);
  CHECK(header_value(complete, "if-none-match") == "*");
  CHECK(header_value(complete, "content-type") == "application/xml");
  s3::put_options m;
  m.if_match = "abc";
  CHECK(s3::condition_headers(m).at(0).value == "\"abc\"");
  m.if_none_match = "*";
  CHECK_THROWS_WITH(s3::condition_headers(m),
                    "s3: a write takes one condition; use --no-overwrite or --if-match, not both");
  s3::put_options bad;
  bad.if_none_match = "\"e\"";
  CHECK_THROWS_AS(s3::condition_headers(bad), urlmint::error);
}

TEST_CASE("uploads with a checksum announce it at Create and list each part's value at Complete",
          "[multipart][checksums]") {
  s3::put_options o;
  o.checksum = urlmint::checksums::algorithm::crc32c;
  const auto create = mp::sign_create(aws_example, local(), "charts", "a.bin", o, may_24_2013);
  CHECK(header_value(create, "x-amz-checksum-algorithm") == "CRC32C");
  CHECK(header_value(create, "x-amz-checksum-type") == "COMPOSITE");
  o.checksum = urlmint::checksums::algorithm::crc64nvme;
  CHECK(header_value(mp::sign_create(aws_example, local(), "charts", "a.bin", o, may_24_2013), "x-amz-checksum-type") ==
        "FULL_OBJECT");
  CHECK(mp::complete_body({{2, "\"e2\"", "AAAAAAAAAAA="}, {1, "\"e1\"", "rosUhgp5mIg="}},
                          urlmint::checksums::algorithm::crc64nvme) ==
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag><ChecksumCRC64NVME>rosUhgp5mIg=</ChecksumCRC64NVME></Part>"
        "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag><ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME></Part>"
        "</CompleteMultipartUpload>");
  CHECK_THROWS_WITH(mp::complete_body({{1, "\"e1\""}}, urlmint::checksums::algorithm::sha1),
                    "multipart: part 1 has no SHA1 checksum; every part of the upload needs one");
  CHECK(mp::complete_body({{1, "\"e1\""}}).find("Checksum") == std::string::npos);
}
