#include <catch2/catch.hpp>

#include <urlmint/sigv4.hpp>

#include "test_support.hpp"

using urlmint::sigv4::header;
using urlmint::sigv4::query_param;
namespace sigv4 = urlmint::sigv4;

namespace {

struct vector_case {
  std::string dir;
  std::string context;
  test_support::parsed_request request;
};

// Runs one vector folder for one signature location, checking each step against the files
// that exist so a failure names the step that broke.
void check_vector(const vector_case& v, sigv4::signature_location where, const std::string& prefix) {
  const auto expected_creq = test_support::read_file(v.dir + "/" + prefix + "canonical-request.txt");
  if (!expected_creq) return;
  const auto& ctx = v.context;
  urlmint::credentials creds(*test_support::json_value(ctx, "access_key_id"),
                             *test_support::json_value(ctx, "secret_access_key"),
                             test_support::json_value(ctx, "token").value_or(""));
  const bool s3_style = test_support::json_value(ctx, "use_double_uri_encode").value_or("true") == "false";
  const bool normalize = test_support::json_value(ctx, "normalize").value_or("true") == "true";
  const bool sign_body = test_support::json_value(ctx, "sign_body").value_or("false") == "true";

  sigv4::request req;
  req.method = v.request.method;
  req.query = v.request.query;
  req.headers = v.request.headers;
  for (const auto& h : req.headers)
    if (sigv4::lowercase(h.name) == "host") req.host = h.value;
  if (s3_style) {
    req.path = urlmint::uri_encode(v.request.path, urlmint::slash_encoding::keep);
  } else {
    req.path = v.request.path;
  }
  sigv4::params p;
  p.region = *test_support::json_value(ctx, "region");
  p.service = *test_support::json_value(ctx, "service");
  p.time = test_support::iso_time(*test_support::json_value(ctx, "timestamp"));
  p.location = where;
  p.path = s3_style ? sigv4::path_encoding::as_is
                    : (normalize ? sigv4::path_encoding::normalize_and_double_encode
                                 : sigv4::path_encoding::double_encode);
  // The suite omits X-Amz-Expires when its context says 0.
  const long long expiry = std::stoll(test_support::json_value(ctx, "expiration_in_seconds").value_or("0"));
  if (expiry > 0) {
    p.expires_in = std::chrono::seconds(expiry);
  } else {
    p.expires_in.reset();
  }
  if (const auto fixed = test_support::json_value(ctx, "signed_body_value")) {
    req.payload_hash = *fixed;
  } else {
    req.payload_hash = sign_body ? urlmint::sha256_hex(v.request.body) : std::string(sigv4::empty_payload_sha256);
    if (sign_body && where == sigv4::signature_location::headers)
      p.content_sha256 = sigv4::content_sha256_header::include;
  }

  const sigv4::signing_steps steps = sigv4::compute(req, creds, p);
  SECTION("canonical request") { CHECK(steps.canonical_request == *expected_creq); }
  if (const auto sts = test_support::read_file(v.dir + "/" + prefix + "string-to-sign.txt")) {
    SECTION("string to sign") { CHECK(steps.string_to_sign == *sts); }
    SECTION("string to sign from the expected canonical request") {
      CHECK(sigv4::string_to_sign(steps.timestamp, steps.scope, *expected_creq) == *sts);
    }
  }
  if (const auto sig = test_support::read_file(v.dir + "/" + prefix + "signature.txt")) {
    SECTION("signature") { CHECK(steps.signature == *sig); }
  }
  if (const auto url = test_support::read_file(v.dir + "/url.txt"); url && where == sigv4::signature_location::query) {
    SECTION("url") { CHECK(sigv4::presign(req, creds, p) == *url); }
  }
}

void run_folder(const std::string& root) {
  const auto cases = test_support::subdirectories(root);
  REQUIRE(!cases.empty());
  for (const auto& name : cases) {
    vector_case v;
    v.dir = root + "/" + name;
    v.context = *test_support::read_file(v.dir + "/context.json");
    v.request = test_support::parse_request(*test_support::read_file(v.dir + "/request.txt"));
    DYNAMIC_SECTION(name << " (header)") { check_vector(v, sigv4::signature_location::headers, "header-"); }
    DYNAMIC_SECTION(name << " (query)") { check_vector(v, sigv4::signature_location::query, "query-"); }
    DYNAMIC_SECTION(name << " (S3 example)") {
      const auto type = test_support::json_value(v.context, "signature_type").value_or("");
      if (type == "header") check_vector(v, sigv4::signature_location::headers, "");
      if (type == "query") check_vector(v, sigv4::signature_location::query, "");
    }
  }
}

}  // namespace

TEST_CASE("the official AWS SigV4 test suite signs step by step", "[sigv4][vectors]") {
  run_folder(test_support::data_dir() + "/sigv4-suite");
}

TEST_CASE("AWS's S3 documentation examples sign step by step", "[sigv4][vectors]") {
  run_folder(test_support::data_dir() + "/aws-s3-examples");
}

TEST_CASE("signing key derivation matches AWS's documented example", "[sigv4]") {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
  // (the "iam" example key of the general reference: 20150830, us-east-1, iam).
  const sigv4::signing_key key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
  CHECK(urlmint::hex_encode(key.bytes().data(), key.bytes().size()) ==
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  // The general reference's "deriving the signing key" example (20120215, us-east-1, iam).
  const sigv4::signing_key older("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  CHECK(urlmint::hex_encode(older.bytes().data(), older.bytes().size()) ==
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST_CASE("canonical headers lowercase, trim, collapse and join repeats in order", "[sigv4]") {
  const auto ch = sigv4::canonical_headers(
      {{"X-B", "  two   words  "}, {"host", "h"}, {"x-a", "1"}, {"X-A", "0"}, {"x-c", "\tx\t y "}});
  CHECK(ch.canonical == "host:h\nx-a:1,0\nx-b:two words\nx-c:x y\n");
  CHECK(ch.signed_headers == "host;x-a;x-b;x-c");
}

TEST_CASE("canonical query sorts by encoded name then value and keeps empty values", "[sigv4]") {
  CHECK(sigv4::canonical_query({{"b", "2"}, {"a", "z"}, {"a", "y"}, {"c", ""}}) == "a=y&a=z&b=2&c=");
  SECTION("names and values are encoded with %2F and %20") {
    CHECK(sigv4::canonical_query({{"p", "a/b c+d"}}) == "p=a%2Fb%20c%2Bd");
  }
  SECTION("sorting is on the encoded bytes") {
    // '%' (0x25) sorts before letters; uppercase before lowercase.
    CHECK(sigv4::canonical_query({{"a", "1"}, {"B", "2"}, {" ", "3"}}) == "%20=3&B=2&a=1");
  }
}

TEST_CASE("path normalization removes dot segments and empty segments", "[sigv4]") {
  CHECK(sigv4::normalize_path("/") == "/");
  CHECK(sigv4::normalize_path("/a//b/../c/") == "/a/c/");
  CHECK(sigv4::normalize_path("/example/..") == "/");
  CHECK(sigv4::normalize_path("/./a/.") == "/a/");
  CHECK(sigv4::canonical_uri("/a//b/../c", sigv4::path_encoding::as_is) == "/a//b/../c");
  CHECK(sigv4::canonical_uri("/a%20b", sigv4::path_encoding::double_encode) == "/a%2520b");
}

TEST_CASE("invalid signing parameters are rejected with the field named", "[sigv4]") {
  sigv4::params p;
  p.service = "s3";
  REQUIRE_THROWS_WITH(sigv4::validate(p), Catch::Contains("region is empty"));
  p.region = "us-east-1";
  REQUIRE_THROWS_WITH(sigv4::validate(p), Catch::Contains("signing time is not set"));
  p.time = *urlmint::parse_amz_date("20130524T000000Z");
  p.location = sigv4::signature_location::query;
  for (long long s : {0LL, -1LL, 604801LL}) {
    p.expires_in = std::chrono::seconds(s);
    CHECK_THROWS_WITH(sigv4::validate(p), Catch::Contains("604800"));
  }
  p.expires_in = std::chrono::seconds(604800);
  CHECK_NOTHROW(sigv4::validate(p));
}

TEST_CASE("the signing key cache returns one key per scope and a new one for a new day", "[sigv4]") {
  sigv4::signing_key_cache cache;
  auto a = cache.get("secret", "20130524", "us-east-1", "s3");
  auto b = cache.get("secret", "20130524", "us-east-1", "s3");
  auto c = cache.get("secret", "20130525", "us-east-1", "s3");
  auto d = cache.get("other", "20130524", "us-east-1", "s3");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != d);
  CHECK(a->bytes() == sigv4::signing_key("secret", "20130524", "us-east-1", "s3").bytes());
}

TEST_CASE("session tokens are signed in presigned URLs and headers", "[sigv4]") {
  urlmint::credentials creds("AKIDEXAMPLE", "secret", "tok/en+=");
  sigv4::request req;
  req.host = "example.amazonaws.com";
  sigv4::params p;
  p.region = "us-east-1";
  p.service = "s3";
  p.time = *urlmint::parse_amz_date("20150830T123600Z");
  SECTION("query mode puts X-Amz-Security-Token in the canonical query, encoded") {
    const std::string url = sigv4::presign(req, creds, p);
    CHECK(url.find("X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-SignedHeaders=host&X-Amz-Signature=") !=
          std::string::npos);
  }
  SECTION("header mode signs x-amz-security-token") {
    const auto signed_req = sigv4::sign(req, creds, p);
    CHECK(signed_req.headers.back().value.find("SignedHeaders=host;x-amz-date;x-amz-security-token,") !=
          std::string::npos);
  }
}

namespace {

// Folders below `root` holding NAME/NAME.req, depth-first, sorted.
void find_suite_cases(const std::string& root, const std::string& relative, std::vector<std::string>& out) {
  DIR* d = opendir((root + relative).c_str());
  if (d == nullptr) return;
  std::vector<std::string> children;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") children.push_back(name);
  }
  closedir(d);
  std::sort(children.begin(), children.end());
  for (const auto& child : children) {
    const std::string rel = relative + "/" + child;
    if (test_support::read_file(root + rel + "/" + child + ".req")) out.push_back(rel);
    find_suite_cases(root, rel, out);
  }
}

}  // namespace

TEST_CASE("the 2015 AWS SigV4 test suite signs every case step by step", "[sigv4][vectors]") {
  const std::string root = test_support::data_dir() + "/aws-sig-v4-test-suite";
  std::vector<std::string> cases;
  find_suite_cases(root, "", cases);
  REQUIRE(cases.size() == 31);
  for (const auto& rel : cases) {
    const std::string name = rel.substr(rel.rfind('/') + 1);
    const std::string base = root + rel + "/" + name;
    DYNAMIC_SECTION(rel) {
      test_support::parsed_request parsed = test_support::parse_request(*test_support::read_file(base + ".req"));
      sigv4::request req;
      req.method = parsed.method;
      req.path = parsed.path;
      req.query = parsed.query;
      std::string amz_date;
      std::string token;
      for (const auto& h : parsed.headers) {
        const std::string lower = sigv4::lowercase(h.name);
        // The signer adds X-Amz-Date from the signing time and the token from the credentials.
        if (lower == "x-amz-date") {
          amz_date = h.value;
        } else if (lower == "x-amz-security-token") {
          token = h.value;
        } else {
          if (lower == "host") req.host = h.value;
          req.headers.push_back(h);
        }
      }
      req.payload_hash = urlmint::sha256_hex(parsed.body);
      sigv4::params p;
      p.region = "us-east-1";
      p.service = "service";
      p.time = *urlmint::parse_amz_date(amz_date);
      p.path = sigv4::path_encoding::normalize_and_double_encode;
      const bool token_after = name == "post-sts-header-after";
      if (token_after) {
        // The readme's example token; the case shows it is not part of the signature.
        token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        p.token_mode = sigv4::session_token_mode::appended_after_signing;
      }
      const urlmint::credentials creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token);
      const sigv4::signing_steps steps = sigv4::compute(req, creds, p);
      CHECK(steps.canonical_request == *test_support::read_file(base + ".creq"));
      CHECK(steps.string_to_sign == *test_support::read_file(base + ".sts"));
      std::string authorization;
      bool token_sent_unsigned = false;
      for (const auto& h : steps.headers) {
        if (h.name == "Authorization") authorization = h.value;
        if (h.name == "x-amz-security-token") token_sent_unsigned = true;
      }
      CHECK(authorization == *test_support::read_file(base + ".authz"));
      if (token_after) CHECK(token_sent_unsigned);
    }
  }
}
