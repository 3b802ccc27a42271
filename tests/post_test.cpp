#include <catch2/catch.hpp>

#include <urlmint/post.hpp>

#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace post = urlmint::post;
using std::chrono::seconds;

namespace {

const urlmint::credentials aws_example("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");

// One vector of tests/data/post/<case>/expected.txt: the URL and the fields in form order.
// Values are JSON strings written by Python with ensure_ascii=False (only \" \\ \t \n escaped).
struct expected_form {
  std::string url;
  std::vector<post::form_field> fields;
};

std::string unquote(const std::string& json) {
  std::string out;
  for (std::size_t i = 1; i + 1 < json.size(); ++i) {
    if (json[i] == '\\') {
      const char e = json[++i];
      out += e == 't' ? '\t' : e == 'n' ? '\n' : e;
    } else {
      out += json[i];
    }
  }
  return out;
}

expected_form read_expected(const std::string& dir) {
  const auto text = test_support::read_file(dir + "/expected.txt");
  REQUIRE(text);
  expected_form out;
  std::size_t pos = 0;
  while (pos < text->size()) {
    auto nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    const std::string line = text->substr(pos, nl - pos);
    pos = nl + 1;
    if (line.rfind("url ", 0) == 0) {
      out.url = unquote(line.substr(4));
    } else if (line.rfind("field ", 0) == 0) {
      const auto eq = line.find('=');
      out.fields.push_back({line.substr(6, eq - 6), unquote(line.substr(eq + 1))});
    }
  }
  return out;
}

// The same inputs tests/post_botocore.py gives botocore (keep the two lists in step).
struct post_case {
  urlmint::credentials creds;
  urlmint::s3::config cfg;
  std::string bucket;
  std::string key;
  post::post_options opts;
};

std::map<std::string, post_case> botocore_cases() {
  std::map<std::string, post_case> cases;
  cases["exact-key"] = {aws_example, {}, "examplebucket", "uploads/chart.png", {}};

  post_case all{aws_example, {}, "examplebucket", "user/user1/photo.png", {}};
  all.opts.acl = "public-read";
  all.opts.min_bytes = 1;
  all.opts.max_bytes = 10485760;
  all.opts.content_type = "image/png";
  all.opts.success_action_status = "201";
  all.opts.metadata = {{"uuid", "14365123651274"}};
  all.opts.expires_in = seconds(86400);
  cases["all-conditions"] = all;

  post_case prefix{aws_example, {}, "uploads", "user/user1/${filename}", {}};
  prefix.cfg.endpoint_url = "http://127.0.0.1:9000";
  prefix.opts.content_type = "image/";
  prefix.opts.content_type_is_prefix = true;
  prefix.opts.max_bytes = 1048576;
  prefix.opts.expires_in = seconds(600);
  cases["prefix-local-endpoint"] = prefix;

  post_case token{urlmint::credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                       "FwoGZXIvYXdzEBYaDH//token+with/slashes=and+pluses=="),
                  {},
                  "examplebucket",
                  "k.txt",
                  {}};
  token.cfg.region = "eu-west-1";
  token.cfg.endpoint_url = "https://s3.example.test:8443";
  token.opts.content_type = "text/plain";
  token.opts.expires_in = seconds(604800);
  cases["session-token-other-region"] = token;

  post_case unicode{aws_example, {}, "my.dotted.bucket",
                    "fotos/\xc3\xbc \xf0\x9d\x84\x9e \"quoted\" back\\slash & <tag>.png", {}};
  unicode.opts.metadata = {{"Note", "tab\there \xc3\xa9 \xf0\x9f\x93\x88"}};
  unicode.opts.conditions = {post::condition::starts_with("Cache-Control", "max-age=")};
  unicode.opts.fields = {{"Cache-Control", "max-age=60"}};
  cases["unicode-and-escapes"] = unicode;
  return cases;
}

post::presigned_post sign(const post_case& c) {
  return post::presign_post(c.creds, c.cfg, c.bucket, c.key, c.opts, may_24_2013);
}

}  // namespace

TEST_CASE("POST URL and fields match botocore's generate_presigned_post byte for byte", "[post]") {
  const auto cases = botocore_cases();
  const std::string root = test_support::data_dir() + "/post";
  for (const auto& [name, c] : cases) {
    DYNAMIC_SECTION(name) {
      const expected_form want = read_expected(root + "/" + name);
      const post::presigned_post got = sign(c);
      CHECK(got.url == want.url);
      REQUIRE(got.fields.size() == want.fields.size());
      for (std::size_t i = 0; i < want.fields.size(); ++i) {
        INFO("field " << i << " " << want.fields[i].name);
        CHECK(got.fields[i].name == want.fields[i].name);
        CHECK(got.fields[i].value == want.fields[i].value);
      }
      CHECK(got.policy_json == *test_support::read_file(root + "/" + name + "/policy.json"));
    }
  }
  SECTION("every case has a vector and every vector a case") {
    for (const auto& [name, c] : cases) CHECK(test_support::read_file(root + "/" + name + "/expected.txt"));
  }
}

TEST_CASE("AWS's documented POST example: its policy encodes to its base64 and signs to its signature", "[post]") {
  // "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)",
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html (Amazon S3 API
  // Reference). The page shows the policy with CRLF line ends; its published base64 is of
  // exactly these bytes, and the signature uses the example credentials on 20151229.
  const std::string policy =
      "{ \"expiration\": \"2015-12-30T12:00:00.000Z\",\r\n"
      "  \"conditions\": [\r\n"
      "    {\"bucket\": \"sigv4examplebucket\"},\r\n"
      "    [\"starts-with\", \"$key\", \"user/user1/\"],\r\n"
      "    {\"acl\": \"public-read\"},\r\n"
      "    {\"success_action_redirect\": \"http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html\"},\r\n"
      "    [\"starts-with\", \"$Content-Type\", \"image/\"],\r\n"
      "    {\"x-amz-meta-uuid\": \"14365123651274\"},\r\n"
      "    {\"x-amz-server-side-encryption\": \"AES256\"},\r\n"
      "    [\"starts-with\", \"$x-amz-meta-tag\", \"\"],\r\n"
      "\r\n"
      "    {\"x-amz-credential\": \"AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request\"},\r\n"
      "    {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"},\r\n"
      "    {\"x-amz-date\": \"20151229T000000Z\" }\r\n"
      "  ]\r\n"
      "}";
  const std::string documented_base64 =
      "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NG"
      "V4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVh"
      "ZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2"
      "Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1t"
      "ZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWy"
      "JzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1Q"
      "TEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifS"
      "wNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
  const std::string documented_signature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";

  CHECK(urlmint::base64_encode(policy) == documented_base64);
  const urlmint::sigv4::signing_key key(aws_example.secret_access_key.reveal(), "20151229", "us-east-1", "s3");
  CHECK(post::policy_signature(key, documented_base64) == documented_signature);

  SECTION("the same conditions built with the condition helpers check clean") {
    const std::vector<post::condition> conditions = {
        post::condition::exact("bucket", "sigv4examplebucket"),
        post::condition::starts_with("key", "user/user1/"),
        post::condition::exact("acl", "public-read"),
        post::condition::exact("success_action_redirect",
                               "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"),
        post::condition::starts_with("Content-Type", "image/"),
        post::condition::exact("x-amz-meta-uuid", "14365123651274"),
        post::condition::exact("x-amz-server-side-encryption", "AES256"),
        post::condition::starts_with("x-amz-meta-tag", ""),
    };
    CHECK_NOTHROW(post::check_conditions(conditions));
  }
}

TEST_CASE("the policy document is written the way Python's json.dumps writes it", "[post]") {
  SECTION("quotes, backslashes and control characters are escaped") {
    CHECK(post::json_quote("a\"b\\c\b\f\n\r\t\x01\x1f\x7f/") ==
          "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f/\"");
  }
  SECTION("non-ASCII becomes lowercase \\u escapes, with surrogate pairs above U+FFFF") {
    CHECK(post::json_quote("\xc3\xbc\xe2\x82\xac\xf0\x9f\x93\x88") == "\"\\u00fc\\u20ac\\ud83d\\udcc8\"");
  }
  SECTION("invalid UTF-8 is refused") {
    CHECK_THROWS_WITH(post::json_quote("\xff"), "post: a policy value is not valid UTF-8; S3 policies are UTF-8 JSON");
  }
  SECTION("conditions use the three shapes of the policy language") {
    CHECK(post::policy_document("2013-05-24T01:00:00Z", {post::condition::exact("acl", "private"),
                                                         post::condition::starts_with("key", "u/"),
                                                         post::condition::length_range(0, 10)}) ==
          "{\"expiration\": \"2013-05-24T01:00:00Z\", \"conditions\": [{\"acl\": \"private\"}, "
          "[\"starts-with\", \"$key\", \"u/\"], [\"content-length-range\", 0, 10]]}");
  }
  SECTION("the expiration is ISO 8601 in whole UTC seconds") {
    CHECK(post::format_expiration(may_24_2013 + seconds(86399) + std::chrono::milliseconds(999)) ==
          "2013-05-24T23:59:59Z");
    CHECK(post::format_expiration(urlmint::from_unix_seconds(951782400)) == "2000-02-29T00:00:00Z");
  }
}

TEST_CASE("a key prefix lets the page pick the key under it", "[post]") {
  post::post_options o;
  o.key_is_prefix = true;
  const auto form = post::presign_post(aws_example, {}, "examplebucket", "uploads/", o, may_24_2013);
  CHECK(form.fields[0].name == "key");
  CHECK(form.fields[0].value == "uploads/${filename}");
  CHECK_THAT(form.policy_json, Catch::Contains("[\"starts-with\", \"$key\", \"uploads/\"]"));
  SECTION("an empty prefix allows any key") {
    const auto any = post::presign_post(aws_example, {}, "examplebucket", "", o, may_24_2013);
    CHECK_THAT(any.policy_json, Catch::Contains("[\"starts-with\", \"$key\", \"\"]"));
  }
}

TEST_CASE("the overload without a time signs at the system clock's now", "[post]") {
  const auto before = urlmint::clock::now();
  const auto form = post::presign_post(aws_example, {}, "examplebucket", "k", {});
  const auto date = urlmint::format_amz_date(before);
  const auto after = urlmint::format_amz_date(urlmint::clock::now());
  CHECK((form.fields[3].value == std::string(date.timestamp()) || form.fields[3].value == std::string(after.timestamp())));
}

TEST_CASE("to_json gives the url and the fields in form order", "[post]") {
  post::presigned_post form;
  form.url = "http://127.0.0.1:9000/b";
  form.fields = {{"key", "a\"b"}, {"policy", "cA=="}};
  CHECK(post::to_json(form) == "{\"url\": \"http://127.0.0.1:9000/b\", \"fields\": {\"key\": \"a\\\"b\", \"policy\": \"cA==\"}}");
}

TEST_CASE("bad POST options are rejected with a message that says what to fix", "[post]") {
  auto attempt = [](const post::post_options& o, const std::string& key = "k") {
    return post::presign_post(aws_example, {}, "examplebucket", key, o, may_24_2013);
  };
  post::post_options o;
  SECTION("expiry beyond 7 days") {
    o.expires_in = seconds(604801);
    CHECK_THROWS_WITH(attempt(o), "post: expiry of 604801 s is out of range; a POST policy lasts 1 to 604800 "
                                  "seconds (7 days)");
  }
  SECTION("expiry of zero") {
    o.expires_in = seconds(0);
    CHECK_THROWS_AS(attempt(o), urlmint::error);
  }
  SECTION("a size range with min above max") {
    o.min_bytes = 10;
    o.max_bytes = 5;
    CHECK_THROWS_WITH(attempt(o), "post: minimum size 10 is larger than maximum size 5; swap them");
  }
  SECTION("two size ranges that do not overlap") {
    o.max_bytes = 100;
    o.conditions = {post::condition::length_range(200, 300)};
    CHECK_THROWS_WITH(attempt(o), "post: conditions contradict: content-length-range 0..100 and "
                                  "content-length-range 200..300 do not overlap; keep one range");
  }
  SECTION("three size ranges whose common part is empty") {
    o.conditions = {post::condition::length_range(0, 100), post::condition::length_range(50, 200),
                    post::condition::length_range(150, 300)};
    CHECK_THROWS_WITH(attempt(o), "post: conditions contradict: content-length-range 50..100 and "
                                  "content-length-range 150..300 do not overlap; keep one range");
  }
  SECTION("overlapping size ranges are allowed") {
    o.conditions = {post::condition::length_range(0, 100), post::condition::length_range(50, 200)};
    CHECK_NOTHROW(attempt(o));
  }
  SECTION("an exact Content-Type outside a starts-with prefix") {
    o.content_type = "text/plain";
    o.conditions = {post::condition::starts_with("content-type", "image/")};
    CHECK_THROWS_WITH(attempt(o), "post: conditions contradict: Content-Type = \"text/plain\" and content-type "
                                  "starts with \"image/\" cannot both hold; remove one");
  }
  SECTION("two prefixes neither of which extends the other") {
    o.conditions = {post::condition::starts_with("Cache-Control", "max-age"),
                    post::condition::starts_with("Cache-Control", "no-")};
    CHECK_THROWS_WITH(attempt(o), Catch::StartsWith("post: conditions contradict: Cache-Control starts with"));
  }
  SECTION("two exact values for one field") {
    o.conditions = {post::condition::exact("x-amz-storage-class", "STANDARD"),
                    post::condition::exact("X-Amz-Storage-Class", "GLACIER")};
    CHECK_THROWS_WITH(attempt(o), Catch::Contains("cannot both hold"));
  }
  SECTION("a field whose value breaks its condition") {
    o.conditions = {post::condition::starts_with("Cache-Control", "max-age=")};
    o.fields = {{"Cache-Control", "no-store"}};
    CHECK_THROWS_WITH(attempt(o), "post: field Cache-Control = \"no-store\" contradicts the condition Cache-Control "
                                  "starts with \"max-age=\"");
  }
  SECTION("a field that no condition mentions") {
    o.fields = {{"Cache-Control", "no-store"}};
    CHECK_THROWS_WITH(attempt(o), Catch::Contains("has no condition in the policy"));
  }
  SECTION("a condition on a field the signer writes") {
    o.conditions = {post::condition::exact("x-amz-date", "20130524T000000Z")};
    CHECK_THROWS_WITH(attempt(o), Catch::Contains("the signer writes bucket, policy and x-amz-* itself"));
    o.conditions = {post::condition::exact("key", "other")};
    CHECK_THROWS_WITH(attempt(o), Catch::Contains("pass the key or prefix as the key argument"));
  }
  SECTION("a field name written with its '$'") {
    o.conditions = {post::condition::starts_with("$Content-Type", "image/")};
    CHECK_THROWS_WITH(attempt(o), Catch::Contains("write the field name without it"));
  }
  SECTION("an ACL that is not canned") {
    o.acl = "public";
    CHECK_THROWS_WITH(attempt(o), Catch::StartsWith("post: acl \"public\" is not a canned ACL"));
  }
  SECTION("a success_action_status S3 does not know") {
    o.success_action_status = "302";
    CHECK_THROWS_WITH(attempt(o), "post: success_action_status \"302\" is not one S3 accepts; use 200, 201 or 204");
  }
  SECTION("a Content-Type prefix flag without a prefix") {
    o.content_type_is_prefix = true;
    CHECK_THROWS_WITH(attempt(o), Catch::Contains("content_type is empty"));
  }
  SECTION("an empty exact key") {
    CHECK_THROWS_WITH(attempt(o, ""), Catch::StartsWith("post: object key is empty"));
  }
}

TEST_CASE("POST errors and the policy never leak the secret key", "[post]") {
  const urlmint::credentials temp("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "TOKEN-XYZ");
  post::post_options o;
  const auto form = post::presign_post(temp, {}, "examplebucket", "k", o, may_24_2013);
  CHECK(form.policy_json.find("wJalrXUtnFEMI") == std::string::npos);
  for (const auto& f : form.fields) CHECK(f.value.find("wJalrXUtnFEMI") == std::string::npos);
  // The session token is part of the form by design: S3 needs it to find the credentials.
  CHECK_THAT(form.policy_json, Catch::Contains("{\"x-amz-security-token\": \"TOKEN-XYZ\"}"));
  o.expires_in = seconds(604801);
  try {
    post::presign_post(temp, {}, "examplebucket", "k", o, may_24_2013);
    FAIL("expected an error");
  } catch (const urlmint::error& e) {
    CHECK(std::string(e.what()).find("wJalrXUtnFEMI") == std::string::npos);
    CHECK(std::string(e.what()).find("TOKEN-XYZ") == std::string::npos);
  }
}

TEST_CASE("presigned part URLs carry partNumber and uploadId in the signed query", "[post][multipart]") {
  urlmint::s3::config local;
  local.endpoint_url = "http://127.0.0.1:9000";
  const auto parts = post::presign_parts(aws_example, local, "bucket", "big.bin", "UPLOAD-ID/1", 3, seconds(900),
                                         may_24_2013);
  REQUIRE(parts.size() == 3);
  CHECK(parts[1].part_number == 2);
  CHECK(parts[1].url ==
        urlmint::multipart::presign_upload_part(aws_example, local, "bucket", "big.bin", "UPLOAD-ID/1", 2, seconds(900),
                                                may_24_2013));
  CHECK_THAT(parts[1].url, Catch::StartsWith("http://127.0.0.1:9000/bucket/big.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256"));
  CHECK_THAT(parts[1].url, Catch::Contains("&X-Amz-Expires=900&X-Amz-SignedHeaders=host&partNumber=2&uploadId=UPLOAD-ID%2F1"
                                           "&X-Amz-Signature="));
  SECTION("a plan adds offsets and sizes") {
    const auto plan = urlmint::multipart::plan_parts(12 * 1024 * 1024, 5 * 1024 * 1024);
    const auto planned = post::presign_parts(aws_example, local, "bucket", "big.bin", "U", plan, seconds(60), may_24_2013);
    REQUIRE(planned.size() == 3);
    CHECK(planned[2].offset == 10 * 1024 * 1024);
    CHECK(planned[2].size == 2 * 1024 * 1024);
    CHECK(post::parts_to_json("bucket", "big.bin", "U", {planned[2]}) ==
          "{\"bucket\": \"bucket\", \"key\": \"big.bin\", \"upload_id\": \"U\", \"parts\": [{\"part_number\": 3, "
          "\"url\": \"" + planned[2].url + "\", \"offset\": 10485760, \"size\": 2097152}]}");
  }
  SECTION("a count alone prints no offsets") {
    CHECK(post::parts_to_json("b", "k", "U", {{1, "u", 0, 0}}) ==
          "{\"bucket\": \"b\", \"key\": \"k\", \"upload_id\": \"U\", \"parts\": [{\"part_number\": 1, \"url\": \"u\"}]}");
  }
}

TEST_CASE("bad multipart input is rejected before any request", "[post][multipart]") {
  const urlmint::s3::config cfg;
  SECTION("more than 10000 parts") {
    CHECK_THROWS_WITH(post::presign_parts(aws_example, cfg, "bucket", "k", "U", 10001, seconds(60), may_24_2013),
                      "multipart: 10001 parts is out of range; an S3 multipart upload has 1 to 10000 parts");
  }
  SECTION("no parts") { CHECK_THROWS_AS(post::check_part_count(0), urlmint::error); }
  SECTION("a missing upload id") {
    CHECK_THROWS_WITH(post::presign_parts(aws_example, cfg, "bucket", "k", "", 2, seconds(60), may_24_2013),
                      Catch::StartsWith("multipart: upload id is empty"));
  }
  SECTION("a part under 5 MiB that is not the last") {
    CHECK_THROWS_WITH(post::check_part_sizes({5242880, 5242879, 10}),
                      "multipart: part 2 is 5242879 bytes; every part but the last must be at least 5 MiB "
                      "(5242880 bytes)");
    CHECK_NOTHROW(post::check_part_sizes({5242880, 5242880, 1}));
    CHECK_NOTHROW(post::check_part_sizes({1}));
  }
  SECTION("a part URL that outlives 7 days") {
    CHECK_THROWS_AS(post::presign_parts(aws_example, cfg, "bucket", "k", "U", 1, seconds(604801), may_24_2013),
                    urlmint::error);
  }
}
