#include <catch2/catch.hpp>

#include <urlmint/providers.hpp>
#include <urlmint/s3.hpp>
#include <urlmint/verify.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "test_support.hpp"

namespace s3 = urlmint::s3;
namespace verify = urlmint::verify;
using std::chrono::seconds;
using verify::failure;

namespace {

const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const std::string token = "SESSION/TOKEN+secret=";
const urlmint::credentials aws_example("AKIAIOSFODNN7EXAMPLE", secret);
const urlmint::credentials temporary("ASIAEXAMPLETEMPORARY", secret, token);
const urlmint::time_point may_24_2013 = *urlmint::parse_amz_date("20130524T000000Z");

urlmint::time_point at(const char* amz) { return *urlmint::parse_amz_date(amz); }

// A URL as a prefix and its raw "name=value" query items, so tests can edit one item.
struct url_parts {
  std::string base;
  std::vector<std::string> items;

  explicit url_parts(const std::string& url) {
    const auto q = url.find('?');
    base = url.substr(0, q);
    std::stringstream ss(url.substr(q + 1));
    for (std::string item; std::getline(ss, item, '&');) items.push_back(item);
  }
  std::string join() const {
    std::string out = base;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "?" : "&") + items[i];
    return out;
  }
  std::string name(std::size_t i) const { return items[i].substr(0, items[i].find('=')); }
};

// Both credentials are known to the lookup, as a gateway with several users would have them.
verify::result check(const std::string& url, urlmint::time_point now, const verify::options& opts = {}) {
  return verify::verify_presigned(
      url,
      [](std::string_view id) -> std::optional<urlmint::credentials> {
        if (id == aws_example.access_key_id) return aws_example;
        if (id == temporary.access_key_id) return temporary;
        return std::nullopt;
      },
      now, opts);
}

const std::string aws_doc_url =
    "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

// A URL with every kind of query item: an extra signed parameter and a session token.
std::string rich_url() {
  s3::presign_options o;
  o.query.push_back({"response-content-disposition", "attachment; filename=\"a b.txt\""});
  o.expires_in = seconds(3600);
  return s3::presign(temporary, {}, "examplebucket", "dir/a b+c.txt", o, may_24_2013);
}

}  // namespace

TEST_CASE("AWS's documented presigned URL is valid for exactly its 86400 seconds", "[verify]") {
  const auto r = check(aws_doc_url, at("20130524T120000Z"));
  CHECK(r.valid());
  CHECK(r.reason == failure::none);
  CHECK(r.message == "presigned URL is valid until 20130525T000000Z");
  CHECK(r.access_key_id == "AKIAIOSFODNN7EXAMPLE");
  CHECK(r.region == "us-east-1");
  CHECK(r.canonical_request ==
        "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-"
        "1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:"
        "examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  SECTION("at the signing instant") { CHECK(check(aws_doc_url, may_24_2013).valid()); }
  SECTION("at the last second of its validity") { CHECK(check(aws_doc_url, at("20130525T000000Z")).valid()); }
  SECTION("one second later it has expired") {
    const auto r2 = check(aws_doc_url, at("20130525T000001Z"));
    CHECK(r2.reason == failure::expired);
    CHECK(r2.message == "URL expired at 20130525T000000Z (signed 20130524T000000Z for 86400 s); mint a new one");
  }
  SECTION("15 minutes before its date it is already valid (clock skew)") {
    CHECK(check(aws_doc_url, at("20130523T234500Z")).valid());
  }
  SECTION("15 minutes and one second before its date it is not valid yet") {
    const auto r2 = check(aws_doc_url, at("20130523T234459Z"));
    CHECK(r2.reason == failure::not_yet_valid);
    CHECK(r2.message ==
          "X-Amz-Date 20130524T000000Z is 901 s in the future, more than the 900 s clock skew allowed; check the "
          "signer's clock");
  }
  SECTION("the single-credentials overload agrees") {
    CHECK(verify::verify_presigned(aws_doc_url, aws_example, may_24_2013).valid());
  }
}

TEST_CASE("every URL botocore mints in the committed vectors is valid", "[verify]") {
  const auto tsv = test_support::read_file(test_support::data_dir() + "/botocore-presigned/urls.tsv");
  REQUIRE(tsv);
  std::stringstream lines(*tsv);
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream cols(line);
    for (std::string col; std::getline(cols, col, '\t');) f.push_back(col);
    REQUIRE(f.size() == 7);
    ++count;
    DYNAMIC_SECTION(f[0]) {
      urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", secret, f[4] == "-" ? "" : f[4]);
      verify::options o;
      o.method = f[1];
      o.region = f[2];
      const auto r = verify::verify_presigned(f[6], creds, at(f[3].c_str()), o);
      INFO(r.message);
      CHECK(r.valid());
      SECTION("and invalid with another method") {
        o.method = f[1] == "GET" ? "PUT" : "GET";
        CHECK(verify::verify_presigned(f[6], creds, at(f[3].c_str()), o).reason == failure::signature_mismatch);
      }
    }
  }
  CHECK(count == 15);
}

TEST_CASE("URLs urlmint mints are valid", "[verify]") {
  s3::presign_options o;
  verify::options v;
  s3::config cfg;
  std::string key = "k.txt";
  const urlmint::credentials* creds = &aws_example;
  SECTION("every method") {
    for (const char* m : {"GET", "PUT", "HEAD", "DELETE"}) {
      o.method = v.method = m;
      CHECK(check(s3::presign(*creds, cfg, "examplebucket", key, o, may_24_2013), may_24_2013, v).valid());
    }
  }
  SECTION("keys with spaces, plus, UTF-8, dot segments and double slashes") {
    for (const char* k : {"a b+c", "ünï/çødé", "./x/../y//z", "/leading", "~!*'()&=?#%", "k\x7f"}) {
      const auto url = s3::presign(*creds, cfg, "examplebucket", k, o, may_24_2013);
      INFO(url);
      CHECK(check(url, may_24_2013, v).valid());
    }
  }
  SECTION("a custom endpoint with a port, path style, any region") {
    cfg.endpoint_url = "http://127.0.0.1:9000/base";
    cfg.region = "garage";
    v.region = "garage";
    CHECK(check(s3::presign(*creds, cfg, "Bucket_1", key, o, may_24_2013), may_24_2013, v).valid());
  }
  SECTION("temporary credentials with a session token") {
    creds = &temporary;
    CHECK(check(s3::presign(*creds, cfg, "examplebucket", key, o, may_24_2013), may_24_2013, v).valid());
  }
  SECTION("signed headers the client sends, in any case and spacing") {
    o.method = v.method = "PUT";
    o.headers = {{"Content-Type", "image/png"}, {"x-amz-meta-owner", "a  b"}};
    v.headers = {{"content-type", "image/png"}, {"X-Amz-Meta-Owner", " a b "}};
    const auto url = s3::presign(*creds, cfg, "examplebucket", key, o, may_24_2013);
    CHECK(check(url, may_24_2013, v).valid());
    SECTION("a different value does not verify") {
      v.headers[0].value = "text/html";
      CHECK(check(url, may_24_2013, v).reason == failure::signature_mismatch);
    }
    SECTION("a signed header that is not sent is named") {
      v.headers.pop_back();
      const auto r = check(url, may_24_2013, v);
      CHECK(r.reason == failure::missing_signed_header);
      CHECK(r.message == "header \"x-amz-meta-owner\" is signed but not sent; send it with the value that was signed");
    }
    SECTION("an extra unsigned x-amz header is refused, an extra ordinary header is ignored") {
      v.headers.push_back({"Accept", "*/*"});
      CHECK(check(url, may_24_2013, v).valid());
      v.headers.push_back({"X-Amz-Acl", "public-read"});
      CHECK(check(url, may_24_2013, v).reason == failure::unsigned_amz_header);
    }
  }
  SECTION("the scheme is not signed, so http and https both verify") {
    auto url = s3::presign(*creds, cfg, "examplebucket", key, o, may_24_2013);
    CHECK(check("http" + url.substr(5), may_24_2013, v).valid());
  }
  SECTION("an explicit default port is the same host") {
    auto url = s3::presign(*creds, cfg, "examplebucket", key, o, may_24_2013);
    url.insert(url.find(".com/") + 4, ":443");
    CHECK(check(url, may_24_2013, v).valid());
  }
}

TEST_CASE("every query parameter changed, removed or duplicated is rejected", "[verify]") {
  const url_parts good(rich_url());
  REQUIRE(check(good.join(), may_24_2013).valid());
  REQUIRE(good.items.size() == 8);
  for (std::size_t i = 0; i < good.items.size(); ++i) {
    const std::string name = good.name(i);
    DYNAMIC_SECTION(name << " changed") {
      url_parts bad = good;
      // Change the first character of the value to another of its kind (a digit stays a digit).
      char& first = bad.items[i][name.size() + 1];
      first = first >= '0' && first <= '9' ? (first == '1' ? '2' : '1') : (first == 'b' ? 'c' : 'b');
      const auto r = check(bad.join(), may_24_2013);
      INFO(bad.items[i] << ": " << r.message);
      CHECK_FALSE(r.valid());
    }
    DYNAMIC_SECTION(name << " removed") {
      url_parts bad = good;
      bad.items.erase(bad.items.begin() + static_cast<std::ptrdiff_t>(i));
      const auto r = check(bad.join(), may_24_2013);
      INFO(r.message);
      if (name == "response-content-disposition") CHECK(r.reason == failure::signature_mismatch);
      else if (name == "X-Amz-Security-Token") CHECK(r.reason == failure::invalid_token);
      else CHECK(r.reason == failure::missing_parameter);
    }
    DYNAMIC_SECTION(name << " duplicated") {
      url_parts bad = good;
      bad.items.push_back(good.items[i]);
      const auto r = check(bad.join(), may_24_2013);
      INFO(r.message);
      if (name == "response-content-disposition") CHECK(r.reason == failure::signature_mismatch);
      else CHECK(r.reason == failure::duplicate_parameter);
    }
    DYNAMIC_SECTION(name << " duplicated in another letter case") {
      url_parts bad = good;
      std::string lower = urlmint::sigv4::lowercase(good.items[i]);
      bad.items.push_back(lower);
      CHECK_FALSE(check(bad.join(), may_24_2013).valid());
    }
  }
  SECTION("an added parameter") {
    url_parts bad = good;
    bad.items.insert(bad.items.begin(), "versionId=1");
    CHECK(check(bad.join(), may_24_2013).reason == failure::signature_mismatch);
  }
  SECTION("each X-Amz parameter edited in a way S3 names") {
    const std::vector<std::pair<std::string, failure>> edits = {
        {"X-Amz-Algorithm=AWS4-HMAC-SHA1", failure::unsupported_algorithm},
        {"X-Amz-Credential=ASIAEXAMPLETEMPORARY%2F20130525%2Fus-east-1%2Fs3%2Faws4_request", failure::scope_date_mismatch},
        {"X-Amz-Credential=ASIAEXAMPLETEMPORARY%2F20130524%2Fus-east-1%2Fec2%2Faws4_request", failure::wrong_service},
        {"X-Amz-Credential=ASIAEXAMPLETEMPORARY%2F20130524%2Fus-east-1%2Fs3%2Faws5_request", failure::wrong_terminator},
        {"X-Amz-Credential=ASIAEXAMPLETEMPORARY%2F20130524%2Feu-west-1%2Fs3%2Faws4_request", failure::signature_mismatch},
        {"X-Amz-Credential=AKIAUNKNOWN%2F20130524%2Fus-east-1%2Fs3%2Faws4_request", failure::unknown_access_key},
        {"X-Amz-Credential=ASIAEXAMPLETEMPORARY%2F20130524%2Fus-east-1%2Fs3", failure::malformed_credential},
        {"X-Amz-Credential=%2F20130524%2Fus-east-1%2Fs3%2Faws4_request", failure::malformed_credential},
        {"X-Amz-Date=20130524T000001Z", failure::signature_mismatch},
        {"X-Amz-Date=2013-05-24T00:00:00Z", failure::malformed_date},
        {"X-Amz-Date=20130230T000000Z", failure::malformed_date},
        {"X-Amz-Expires=3601", failure::signature_mismatch},
        {"X-Amz-Expires=604801", failure::expires_too_long},
        {"X-Amz-Expires=0", failure::malformed_expires},
        {"X-Amz-Expires=-1", failure::malformed_expires},
        {"X-Amz-Expires=1h", failure::malformed_expires},
        {"X-Amz-Expires=99999999999999999999", failure::malformed_expires},
        {"X-Amz-SignedHeaders=", failure::malformed_signed_headers},
        {"X-Amz-SignedHeaders=Host", failure::malformed_signed_headers},
        {"X-Amz-SignedHeaders=host%3Bhost", failure::malformed_signed_headers},
        {"X-Amz-SignedHeaders=x-amz-date", failure::missing_signed_header},
        {"X-Amz-Security-Token=other", failure::invalid_token},
        {"X-Amz-Signature=ABCDEF", failure::malformed_signature},
        {"X-Amz-Signature=" + std::string(64, '0'), failure::signature_mismatch},
    };
    for (const auto& e : edits) {
      url_parts bad = good;
      const std::string name = e.first.substr(0, e.first.find('='));
      for (auto& item : bad.items)
        if (item.compare(0, name.size() + 1, name + "=") == 0) item = e.first;
      const auto r = check(bad.join(), may_24_2013);
      INFO(e.first << " -> " << r.message);
      CHECK(verify::to_string(r.reason) == verify::to_string(e.second));
    }
  }
}

TEST_CASE("a changed path, host, port, method, time window, region or secret is rejected", "[verify]") {
  const std::string url = rich_url();
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string out = url;
    out.replace(out.find(from), from.size(), to);
    return out;
  };
  CHECK(check(replaced("/dir/a", "/dir/b"), may_24_2013).reason == failure::signature_mismatch);
  CHECK(check(replaced("/dir/a", "/dir//a"), may_24_2013).reason == failure::signature_mismatch);
  CHECK(check(replaced("/dir/a", "/DIR/a"), may_24_2013).reason == failure::signature_mismatch);
  CHECK(check(replaced("examplebucket.s3", "otherbucket.s3"), may_24_2013).reason == failure::signature_mismatch);
  CHECK(check(replaced(".com/", ".com:8443/"), may_24_2013).reason == failure::signature_mismatch);
  verify::options put;
  put.method = "PUT";
  CHECK(check(url, may_24_2013, put).reason == failure::signature_mismatch);
  CHECK(check(url, at("20130524T010001Z")).reason == failure::expired);
  CHECK(check(url, at("20130523T234459Z")).reason == failure::not_yet_valid);

  SECTION("a region the verifier does not serve") {
    verify::options eu;
    eu.region = "eu-west-1";
    const auto r = check(url, may_24_2013, eu);
    CHECK(r.reason == failure::wrong_region);
    CHECK(r.message == "URL is signed for region \"us-east-1\" but \"eu-west-1\" is expected; sign it for that region");
  }
  SECTION("a URL signed for another service") {
    urlmint::sigv4::request req;
    req.host = "ec2.amazonaws.com";
    urlmint::sigv4::params p;
    p.region = "us-east-1";
    p.service = "ec2";
    p.time = may_24_2013;
    CHECK(check(urlmint::sigv4::presign(req, aws_example, p), may_24_2013).reason == failure::wrong_service);
  }
  SECTION("a URL signed with another secret") {
    urlmint::credentials other("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ");
    const auto r = verify::verify_presigned(aws_doc_url, other, may_24_2013);
    CHECK(r.reason == failure::signature_mismatch);
    CHECK(r.message ==
          "signature does not match: the URL was changed after signing, or signed with another secret, method or "
          "header values");
  }
  SECTION("temporary credentials that have expired") {
    urlmint::credentials expiring = temporary;
    expiring.expiration = may_24_2013;
    CHECK(verify::verify_presigned(url, expiring, may_24_2013).reason == failure::credentials_expired);
  }
  SECTION("a session token on a URL for long-term credentials") {
    std::string with_token = aws_doc_url;
    with_token.insert(with_token.find("&X-Amz-Signature"), "&X-Amz-Security-Token=abc");
    const auto r = check(with_token, may_24_2013);
    CHECK(r.reason == failure::invalid_token);
    CHECK(r.message == "URL carries X-Amz-Security-Token but \"AKIAIOSFODNN7EXAMPLE\" has no session token");
  }
}

TEST_CASE("malformed URLs are rejected with one line and never crash", "[verify]") {
  const std::string q = aws_doc_url.substr(aws_doc_url.find('?'));
  for (const std::string& bad :
       {std::string(""), std::string("examplebucket/test.txt"), "ftp://examplebucket.s3.amazonaws.com/test.txt" + q,
        "https:///test.txt" + q, "https://user@examplebucket.s3.amazonaws.com/test.txt" + q,
        "https://examplebucket.s3.amazonaws.com:port/test.txt" + q, "https://examplebucket.s3.amazonaws.com:/t" + q,
        "https://[::1/test.txt" + q, "https://exa mple.com/test.txt" + q,
        "https://examplebucket.s3.amazonaws.com/test.txt" + q + "#frag",
        "https://examplebucket.s3.amazonaws.com/test.txt" + q + "&bad=%zz",
        "https://examplebucket.s3.amazonaws.com/test.txt" + q + "&=v"}) {
    const auto r = check(bad, may_24_2013);
    INFO(bad);
    CHECK(r.reason == failure::malformed_url);
    CHECK(r.message.find('\n') == std::string::npos);
  }
  SECTION("a URL without query is missing X-Amz-Algorithm") {
    const auto r = check("https://examplebucket.s3.amazonaws.com/test.txt", may_24_2013);
    CHECK(r.reason == failure::missing_parameter);
    CHECK(r.message == "X-Amz-Algorithm is missing; this is not a complete SigV4 presigned URL");
  }
  SECTION("control characters and long values echoed in messages are neutralised") {
    std::string bad = aws_doc_url;
    bad.replace(bad.find("AWS4-HMAC-SHA256"), 16, "%0A%0D" + std::string(100, 'x'));
    const auto r = check(bad, may_24_2013);
    CHECK(r.reason == failure::unsupported_algorithm);
    CHECK(r.message == "X-Amz-Algorithm \"??" + std::string(62, 'x') + "...\" is not supported; only AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256 are");
  }
  SECTION("bad options are an error, not a verdict") {
    verify::options o;
    o.method = "";
    CHECK_THROWS_AS(check(aws_doc_url, may_24_2013, o), urlmint::error);
  }
}

TEST_CASE("no verdict or exception message contains a secret key or session token", "[verify][secrets]") {
  std::vector<std::string> messages;
  url_parts good(rich_url());
  for (std::size_t i = 0; i < good.items.size(); ++i) {
    url_parts bad = good;
    bad.items[i] += "x";
    messages.push_back(check(bad.join(), may_24_2013).message);
    bad.items.push_back(good.items[i]);
    messages.push_back(check(bad.join(), may_24_2013).message);
  }
  urlmint::credentials wrong("ASIAEXAMPLETEMPORARY", secret + "x", token + "x");
  messages.push_back(verify::verify_presigned(good.join(), wrong, may_24_2013).message);
  // The signing API's errors, with a recognisable secret and token in the credentials.
  auto capture = [&](auto&& f) {
    try {
      f();
      messages.push_back("no exception");
    } catch (const urlmint::error& e) {
      messages.push_back(e.what());
    }
  };
  s3::presign_options o;
  capture([&] { s3::presign(temporary, {}, "Bad_Bucket", "k", o, may_24_2013); });
  capture([&] { s3::presign(temporary, {}, "examplebucket", "", o, may_24_2013); });
  capture([&] { s3::presign(temporary, {}, "examplebucket", "\xff", o, may_24_2013); });
  o.expires_in = seconds(604801);
  capture([&] { s3::presign(temporary, {}, "examplebucket", "k", o, may_24_2013); });
  o.expires_in = seconds(60);
  o.method = "PATCH";
  capture([&] { s3::presign(temporary, {}, "examplebucket", "k", o, may_24_2013); });
  capture([&] { urlmint::validate(urlmint::credentials("AKIA/BAD", secret, token)); });
  capture([&] { urlmint::validate(urlmint::credentials("AKIA", "", token)); });
  s3::config bad_region;
  bad_region.region = "us east 1";
  o.method = "GET";
  capture([&] { s3::presign(temporary, bad_region, "examplebucket", "k", o, may_24_2013); });
  // Regression: fuzz_s3_uri and fuzz_endpoint found messages that quoted a line break.
  capture([&] { s3::parse_s3_uri("s4://bucket\n/key"); });
  capture([&] { s3::parse_endpoint("http://127.0.0.1\r\n:9000"); });
  s3::config custom;
  custom.endpoint_url = "http://127.0.0.1:9000";
  capture([&] { s3::presign(temporary, custom, "bucket\n", "k", o, may_24_2013); });
  for (const auto& m : messages) {
    INFO(m);
    CHECK(m.find(secret) == std::string::npos);
    CHECK(m.find("wJalrXUtnFEMI") == std::string::npos);
    CHECK(m.find("SESSION/TOKEN") == std::string::npos);
    CHECK(m.find("SESSION%2FTOKEN") == std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
  CHECK(messages.size() == 2 * good.items.size() + 1 + 11);
}

TEST_CASE("a URL dated at the end of time_point's range is judged without overflow", "[verify]") {
  // Regression: X-Amz-Date in April 2262 plus X-Amz-Expires overflowed the nanosecond clock.
  std::string url = aws_doc_url;
  url.replace(url.find("X-Amz-Date=20130524"), 19, "X-Amz-Date=22620411");
  url.replace(url.find("%2F20130524%2F"), 14, "%2F22620411%2F");
  url.replace(url.find("X-Amz-Expires=86400"), 19, "X-Amz-Expires=604800");
  const auto r = check(url, *urlmint::parse_amz_date("22620411T000000Z"));
  CHECK(r.reason == failure::signature_mismatch);
  CHECK(r.expires_at == urlmint::from_unix_seconds(9223372036));
}

TEST_CASE("eight threads share one signer across midnight and every URL verifies", "[verify][thread]") {
  s3::signer signer(temporary, {});
  const urlmint::time_point before_midnight = at("20130524T235958Z");
  std::atomic<int> valid{0};
  std::atomic<int> invalid{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        // Times step over 00:00:00, so the signing-key cache switches day while others read it.
        const urlmint::time_point now = before_midnight + seconds((i + t) % 5);
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        const std::string url = signer.presign("examplebucket", key, {}, now);
        (verify::verify_presigned(url, temporary, now).valid() ? valid : invalid)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(valid == 1600);
  CHECK(invalid == 0);
}

TEST_CASE("eight threads sign across midnight and two credential refreshes, and every URL verifies",
          "[verify][thread]") {
  // Each fetch returns a new generation of temporary credentials valid for 15 minutes; the
  // provider refreshes them 5 minutes early, so 25 minutes of signing sees three generations.
  auto generation = [](int g) {
    urlmint::credentials c("ASIAGENERATION" + std::to_string(g), "secret-of-generation-" + std::to_string(g),
                           "token-of-generation-" + std::to_string(g));
    return c;
  };
  std::atomic<int> fetches{0};
  urlmint::providers::provider provider([&](urlmint::time_point now) {
    urlmint::providers::resolved_credentials r{generation(fetches++), "test generations"};
    r.creds.expiration = now + std::chrono::minutes(15);
    return r;
  });
  const auto lookup = [&](std::string_view id) -> std::optional<urlmint::credentials> {
    const std::string prefix = "ASIAGENERATION";
    if (id.substr(0, prefix.size()) != prefix) return std::nullopt;
    return generation(std::stoi(std::string(id.substr(prefix.size()))));
  };
  urlmint::sigv4::signing_key_cache cache;
  // Midnight falls 7.5 minutes in; refreshes at 10 and 20 minutes (the first fetch is at start).
  const urlmint::time_point start = at("20130524T235230Z");
  REQUIRE(provider.get(start)->access_key_id == "ASIAGENERATION0");
  std::atomic<int> valid{0};
  std::atomic<int> invalid{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const urlmint::time_point now = start + seconds(3 * i + t % 3);
        const auto creds = provider.get(now);
        s3::presign_options o;
        o.expires_in = seconds(600);
        const std::string url =
            s3::presign(*creds, {}, "examplebucket", "t" + std::to_string(t) + "/" + std::to_string(i), o, now, &cache);
        (verify::verify_presigned(url, lookup, now).valid() ? valid : invalid)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(valid == 4000);
  CHECK(invalid == 0);
  CHECK(fetches == 3);
}

TEST_CASE("one signer built on a rotating provider signs every URL with the credentials current then",
          "[verify][thread]") {
  // The provider's credentials live 7 minutes and are refreshed 5 minutes early, so 20 minutes
  // of signing from 8 threads through one signer sees about ten rotations.
  auto generation = [](int g) {
    return urlmint::credentials("ASIAROTATION" + std::to_string(g), "secret-of-rotation-" + std::to_string(g),
                                "token-of-rotation-" + std::to_string(g));
  };
  std::atomic<int> fetches{0};
  std::mutex expiry_mutex;
  std::map<std::string, urlmint::time_point> expiry_of;
  auto provider = std::make_shared<urlmint::providers::provider>(
      [&](urlmint::time_point now) {
        urlmint::providers::resolved_credentials r{generation(fetches++), "rotating test source"};
        r.creds.expiration = now + std::chrono::minutes(7);
        std::lock_guard<std::mutex> lock(expiry_mutex);
        expiry_of[r.creds.access_key_id] = *r.creds.expiration;
        return r;
      },
      std::chrono::minutes(5));
  const s3::signer signer(provider, {});
  const auto lookup = [&](std::string_view id) -> std::optional<urlmint::credentials> {
    const std::string prefix = "ASIAROTATION";
    if (id.substr(0, prefix.size()) != prefix) return std::nullopt;
    return generation(std::stoi(std::string(id.substr(prefix.size()))));
  };
  const urlmint::time_point start = at("20130524T235000Z");
  std::atomic<int> valid{0};
  std::atomic<int> invalid{0};
  std::atomic<int> short_lived{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        const urlmint::time_point now = start + seconds(3 * i);
        s3::presign_options o;
        o.expires_in = seconds(60);
        const std::string url = signer.presign("examplebucket", "t" + std::to_string(t) + "/" + std::to_string(i), o, now);
        (verify::verify_presigned(url, lookup, now).valid() ? valid : invalid)++;
        const auto id_at = url.find("ASIAROTATION");
        const std::string id = url.substr(id_at, url.find('%', id_at) - id_at);
        std::lock_guard<std::mutex> lock(expiry_mutex);
        if (expiry_of.at(id) - now < std::chrono::minutes(5)) short_lived++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(valid == 3200);
  CHECK(invalid == 0);
  CHECK(short_lived == 0);
  CHECK(fetches >= 9);
  CHECK(fetches <= 12);
}

TEST_CASE("a multi-region access point's SigV4a URL verifies with the key derived from the secret", "[verify][sigv4a]") {
  const std::string mrap = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";
  s3::presign_options o;
  o.headers.push_back({"Content-Type", "image/png"});
  verify::options v;
  v.headers.push_back({"content-type", "image/png"});
  for (const urlmint::credentials* creds : {&aws_example, &temporary}) {
    const std::string url = s3::presign(*creds, {}, mrap, "charts/a b.png", o, may_24_2013);
    INFO(url);
    REQUIRE(url.find("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256") != std::string::npos);
    const verify::result r = check(url, may_24_2013, v);
    CHECK(r.message == "presigned URL is valid until 20130524T010000Z");
    CHECK(r.region == "*");
    verify::options in_region = v;
    in_region.region = "eu-west-1";  // "*" covers every region
    CHECK(check(url, may_24_2013, in_region).valid());

    url_parts parts(url);
    for (std::size_t i = 0; i < parts.items.size(); ++i) {
      url_parts edited = parts;
      if (parts.name(i) == "X-Amz-Region-Set") {
        edited.items[i] = "X-Amz-Region-Set=us-east-1%2Cus-west-2";
        CHECK(check(edited.join(), may_24_2013, in_region).reason == failure::wrong_region);
        in_region.region = "us-west-2";
        CHECK(check(edited.join(), may_24_2013, in_region).reason == failure::signature_mismatch);  // signed "*"
        edited.items.erase(edited.items.begin() + static_cast<std::ptrdiff_t>(i));
        CHECK(check(edited.join(), may_24_2013, v).reason == failure::missing_parameter);
      } else if (parts.name(i) == "X-Amz-Credential") {
        edited.items[i] += "%2Fextra";
        CHECK(check(edited.join(), may_24_2013, v).reason == failure::malformed_credential);
      } else if (parts.name(i) == "X-Amz-Signature") {
        edited.items[i] = "X-Amz-Signature=" + std::string(64, 'a');
        CHECK(check(edited.join(), may_24_2013, v).reason == failure::signature_mismatch);
        edited.items[i] = "X-Amz-Signature=30XY";
        CHECK(check(edited.join(), may_24_2013, v).reason == failure::malformed_signature);
      }
    }
    // The key, the method and the signed header's value are signed.
    std::string other_key = url;
    other_key.replace(other_key.find("charts/"), 7, "charts-");
    CHECK(check(other_key, may_24_2013, v).reason == failure::signature_mismatch);
    verify::options put = v;
    put.method = "PUT";
    CHECK(check(url, may_24_2013, put).reason == failure::signature_mismatch);
    verify::options jpeg = v;
    jpeg.headers[0].value = "image/jpeg";
    CHECK(check(url, may_24_2013, jpeg).reason == failure::signature_mismatch);
  }
  // Another secret behind the same access key id derives another key pair.
  const urlmint::credentials other("AKIAIOSFODNN7EXAMPLE", "another/secret/of/forty/characters/xxxxx");
  const std::string url = s3::presign(other, {}, mrap, "k", {}, may_24_2013);
  CHECK(check(url, may_24_2013).reason == failure::signature_mismatch);
}
