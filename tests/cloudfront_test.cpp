#include <catch2/catch.hpp>

#include <openssl/pem.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <urlmint/cloudfront.hpp>
#include <urlmint/cloudfront_management.hpp>

#include "test_support.hpp"

namespace cf = urlmint::cloudfront;
using urlmint::from_unix_seconds;

namespace {

std::string data(const std::string& name) { return test_support::data_dir() + "/cloudfront/" + name; }

cf::private_key legacy_key(const std::string& name, std::string_view passphrase = {}) {
  cf::key_options o;
  o.rsa_size = cf::rsa_key_size::any_from_1024;
  return cf::private_key::from_file(data(name), passphrase, o);
}

// The query value of `name` in `url`, or "" (values are compared raw, as CloudFront reads them).
std::string query_value(const std::string& url, const std::string& name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return {};
  std::string rest = url.substr(q + 1);
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    auto amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    const std::string pair = rest.substr(pos, amp - pos);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    pos = amp + 1;
  }
  return {};
}

// Verifies a CloudFront-base64 signature of `message` with a PEM public key file.
bool verifies(const std::string& public_pem, const std::string& message, const std::string& cf_signature,
              cf::hash_algorithm hash) {
  const auto pem = test_support::read_file(data(public_pem));
  REQUIRE(pem);
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(key != nullptr);
  const auto sig = cf::base64_decode(cf_signature);
  REQUIRE(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, hash == cf::hash_algorithm::sha1 ? EVP_sha1() : EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const auto next = line.find(sep, pos);
    out.push_back(line.substr(pos, next - pos));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

const urlmint::time_point sep_expires = from_unix_seconds(1767290400);
const urlmint::time_point sep_active = from_unix_seconds(1767200000);

}  // namespace

TEST_CASE("CloudFront base64 swaps +, = and / for -, _ and ~", "[cloudfront]") {
  CHECK(cf::base64_encode("\xfb\xff\xfe") == "-~~-");
  CHECK(cf::base64_encode("a") == "YQ__");
  CHECK(*cf::base64_decode("-~~-") == "\xfb\xff\xfe");
  CHECK_FALSE(cf::base64_decode("a+b="));
  SECTION("legacy boto's encodings of the developer guide's custom policies") {
    const std::string policy_1 =
        "{ \n   \"Statement\": [{ \n      \"Resource\":\"http://d604721fxaaqy9.cloudfront.net/training/*\", \n"
        "      \"Condition\":{ \n         \"IpAddress\":{\"AWS:SourceIp\":\"145.168.143.0/24\"}, \n"
        "         \"DateLessThan\":{\"AWS:EpochTime\":1258237200}      \n      } \n   }] \n}\n";
    CHECK(cf::base64_encode(policy_1) ==
          "eyAKICAgIlN0YXRlbWVudCI6IFt7IAogICAgICAiUmVzb3VyY2UiOiJodHRwOi8vZDYwNDcyMWZ4YWFxeTkuY2xvdWRmcm9udC5uZXQv"
          "dHJhaW5pbmcvKiIsIAogICAgICAiQ29uZGl0aW9uIjp7IAogICAgICAgICAiSXBBZGRyZXNzIjp7IkFXUzpTb3VyY2VJcCI6IjE0NS4x"
          "NjguMTQzLjAvMjQifSwgCiAgICAgICAgICJEYXRlTGVzc1RoYW4iOnsiQVdTOkVwb2NoVGltZSI6MTI1ODIzNzIwMH0gICAgICAKICAg"
          "ICAgfSAKICAgfV0gCn0K");
  }
}

TEST_CASE("plain URLs accept a pasted https:// domain and encode keys like S3", "[cloudfront]") {
  const std::string want = "https://d111111abcdef8.cloudfront.net/charts/20251226_123456_abc12345.png";
  for (const char* domain : {"d111111abcdef8.cloudfront.net", "https://d111111abcdef8.cloudfront.net/",
                             "https://d111111abcdef8.cloudfront.net", "HTTPS://D111111ABCDEF8.cloudfront.net//",
                             "  d111111abcdef8.cloudfront.net/\n", "http://d111111abcdef8.cloudfront.net/"}) {
    INFO(domain);
    CHECK(cf::object_url(domain, "charts/20251226_123456_abc12345.png") == want);
  }
  SECTION("custom domains work the same") {
    CHECK(cf::object_url("charts.example.com", "a.png") == "https://charts.example.com/a.png");
  }
  SECTION("spaces, plus signs and unicode are percent-encoded as UTF-8, slashes kept") {
    CHECK(cf::object_url("d1.cloudfront.net", "charts/Q3 revenue – café+taxes.png") ==
          "https://d1.cloudfront.net/charts/Q3%20revenue%20%E2%80%93%20caf%C3%A9%2Btaxes.png");
  }
  SECTION("an origin path is stripped from the key") {
    CHECK(cf::object_url("d1.cloudfront.net", "charts/a/b.png", "/charts") == "https://d1.cloudfront.net/a/b.png");
    CHECK(cf::object_url("d1.cloudfront.net", "charts/a.png", "charts/") == "https://d1.cloudfront.net/a.png");
    CHECK(cf::object_url("d1.cloudfront.net", "charts/a.png", "/") == "https://d1.cloudfront.net/charts/a.png");
    CHECK_THROWS_WITH(cf::object_url("d1.cloudfront.net", "other/a.png", "/charts"),
                      Catch::Contains("not under the origin path /charts"));
    CHECK_THROWS_WITH(cf::object_url("d1.cloudfront.net", "chartsX/a.png", "/charts"),
                      Catch::Contains("not under the origin path"));
  }
  SECTION("other junk is refused with what to write, never https://https://") {
    for (const char* domain : {"https://d1.cloudfront.net/charts", "s3://bucket", "d1.cloudfront.net:443",
                               "https://https://d1.cloudfront.net", "", "d1 .cloudfront.net", "d1.cloudfront.net?x",
                               "user@d1.cloudfront.net", "d1..cloudfront.net"}) {
      INFO(domain);
      CHECK_THROWS_WITH(cf::object_url(domain, "a.png"),
                        Catch::Contains("write only the domain name, e.g. d111111abcdef8.cloudfront.net"));
    }
  }
  SECTION("empty and invalid keys are refused") {
    CHECK_THROWS_AS(cf::object_url("d1.cloudfront.net", ""), urlmint::error);
    CHECK_THROWS_AS(cf::object_url("d1.cloudfront.net", "\xff\xfe"), urlmint::error);
  }
}

TEST_CASE("the canned policy is exactly the bytes CloudFront rebuilds", "[cloudfront]") {
  CHECK(cf::canned_policy_json("https://d111111abcdef8.cloudfront.net/image.jpg", sep_expires) ==
        R"({"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/image.jpg","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]})");
  cf::policy p{"https://d1.cloudfront.net/*", sep_expires, sep_active, std::string("203.0.113.9")};
  CHECK(cf::policy_json(p) ==
        R"({"Statement":[{"Resource":"https://d1.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"IpAddress":{"AWS:SourceIp":"203.0.113.9/32"},"DateGreaterThan":{"AWS:EpochTime":1767200000}}}]})");
}

TEST_CASE("signed URLs match botocore's CloudFrontSigner byte for byte", "[cloudfront][botocore]") {
  const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_file(data("test-only-rsa2048-pkcs1.pem")));
  const auto tsv = test_support::read_file(data("botocore-vectors.tsv"));
  REQUIRE(tsv);
  std::istringstream lines(*tsv);
  std::string line;
  int cases = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto f = split(line, '\t');
    REQUIRE(f.size() == 7);
    ++cases;
    DYNAMIC_SECTION(f[0]) {
      const auto expires = from_unix_seconds(std::stoll(f[2]));
      if (f[3] == "-" && f[4] == "-" && f[5] == "-") {
        CHECK(signer.sign_url(f[1], expires) == f[6]);
      } else {
        cf::policy p;
        p.resource = f[5] == "-" ? f[1] : f[5];
        p.date_less_than = expires;
        if (f[3] != "-") p.date_greater_than = from_unix_seconds(std::stoll(f[3]));
        if (f[4] != "-") p.ip_address = f[4];
        CHECK(signer.sign_url(f[1], p) == f[6]);
        const std::string policy = *cf::base64_decode(query_value(f[6], "Policy"));
        CHECK(policy == cf::policy_json(p));
        CHECK(verifies("test-only-rsa2048-public.pem", policy, query_value(f[6], "Signature"), cf::hash_algorithm::sha1));
      }
    }
  }
  CHECK(cases == 11);
  SECTION("a PKCS#8 copy of the key signs identically") {
    const cf::signer pkcs8("K2JCJMDEHXQW5F", cf::private_key::from_file(data("test-only-rsa2048-pkcs8.pem")));
    CHECK(pkcs8.sign_url("https://d111111abcdef8.cloudfront.net/charts/chart.png", from_unix_seconds(1767225600)) ==
          signer.sign_url("https://d111111abcdef8.cloudfront.net/charts/chart.png", from_unix_seconds(1767225600)));
  }
  SECTION("the bench key's openssl-made expected URL agrees") {
    auto expected = test_support::read_file(test_support::data_dir() + "/../../bench/peers/keys/TEST-ONLY-cloudfront-expected-url.txt");
    REQUIRE(expected);
    while (!expected->empty() && expected->back() == '\n') expected->pop_back();
    CHECK(signer.sign_url("https://d111111abcdef8.cloudfront.net/charts/chart.png", from_unix_seconds(1767225600)) ==
          *expected);
  }
  SECTION("the key with spaces and unicode is the URL object_url builds") {
    CHECK(cf::object_url("https://d111111abcdef8.cloudfront.net/", "charts/Q3 revenue – café+taxes.png") ==
          "https://d111111abcdef8.cloudfront.net/charts/Q3%20revenue%20%E2%80%93%20caf%C3%A9%2Btaxes.png");
  }
}

TEST_CASE("the AWS SDKs' shared spec vectors reproduce exactly (RSA, SHA-1 and SHA-256)", "[cloudfront][vectors]") {
  const auto key = legacy_key("aws-cli-rsa1024-pkcs8.pem");
  const cf::signer sha1("K1TESTKEY", key);
  const cf::signer sha256("K1TESTKEY", key, cf::hash_algorithm::sha256);
  const std::string image = "https://d111111abcdef8.cloudfront.net/image.jpg";
  SECTION("canned-policy-url-basic") {
    CHECK(sha1.sign_url(image, sep_expires) ==
          image + "?Expires=1767290400&Signature=iONoMLnhiCy9q1~WB9GkR2DiHz18I85i3o6kZ64REf-fCSOg-AyXEZiq7fJuS~DT-"
                  "kbZXjVpgIQqI4sCTcBW9XpO6dyJ5sh8Igk3V~OVncS9acGVnI~ZhHBWiGhU8GmkEMAhn6R2RGO-wKGClrXdJGEUE26XoALdHUzHbmU6AGI_"
                  "&Key-Pair-Id=K1TESTKEY");
  }
  SECTION("canned-policy-url-basic-sha256 adds Hash-Algorithm last") {
    CHECK(sha256.sign_url(image, sep_expires) ==
          image + "?Expires=1767290400&Signature=LiC~LakvNvZtR~AsTcirQ0CAsy-YIZmpHmI9uImK4xJmrhVdJULhWmRt3bXO7qqw2gJDECZN-"
                  "xC~bKWEKcJ9Vgs1IgpRdMkY6XGDKZ1XHBdNbd~0v5UiRf4zXwVMRqoynkQPQcihkze7RkDBsOoYHh9jDdtO1iDm0QZ1Qp~cxro_"
                  "&Key-Pair-Id=K1TESTKEY&Hash-Algorithm=SHA256");
  }
  SECTION("canned-policy-url-rsa-pkcs1") {
    const cf::signer pkcs1("K1TESTKEY", legacy_key("aws-cli-rsa1024-pkcs1.pem"));
    CHECK(query_value(pkcs1.sign_url(image, sep_expires), "Signature") ==
          "iONoMLnhiCy9q1~WB9GkR2DiHz18I85i3o6kZ64REf-fCSOg-AyXEZiq7fJuS~DT-kbZXjVpgIQqI4sCTcBW9XpO6dyJ5sh8Igk3V~OVncS9"
          "acGVnI~ZhHBWiGhU8GmkEMAhn6R2RGO-wKGClrXdJGEUE26XoALdHUzHbmU6AGI_");
  }
  SECTION("canned-policy-url-existing-params, both hashes") {
    const std::string url = image + "?size=large";
    const std::string a = sha1.sign_url(url, sep_expires);
    CHECK(a.rfind(url + "&Expires=1767290400&Signature=", 0) == 0);
    CHECK(query_value(a, "Signature") ==
          "kx5dxV5cSW50EuCMtYi9JI0D5H97if~zNqwKxZtS7FPc3NV5oi~zCb45ti8ve-YDYw45hzN4lceF6zhW~STVWa7r7fC9wi5XBG1T6ZT2b9R0w"
          "MWmGxsy9uVGXFn6JqcjQMsq09MnWrPezK0qFQ2X6pV1nGQqLQZ2sgO~FSlEoCo_");
    CHECK(query_value(sha256.sign_url(url, sep_expires), "Signature") ==
          "g8vzqbTu5PxBzAXD3zowGFNHNlyaGZn7thMiCk27sTfvdy5CMAbECVz-aucgqrKYmqsz1xY7ZoxoMxOizzXWzfzTyJ6k38YwW6QMyJWT7B8pH"
          "StQrq0DGFSCnXqgRDXUDzkpIe8mHqyRWtgnFbdFQlbPweykfl7Eo4RJadveryQ_");
  }
  SECTION("custom-policy-url-with-active-date, both hashes") {
    const std::string video = "https://d111111abcdef8.cloudfront.net/video.mp4";
    cf::policy p{video, sep_expires, sep_active, std::nullopt};
    CHECK(cf::policy_json(p) ==
          R"({"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/video.mp4","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"DateGreaterThan":{"AWS:EpochTime":1767200000}}}]})");
    const std::string url = sha1.sign_url(video, p);
    CHECK(url.rfind(video + "?Policy=", 0) == 0);
    CHECK(query_value(url, "Signature") ==
          "aF0WSOV6dkNn-D0HJ~-EwLG69-4QZZ9dv1PgAZEsER~WXkaNa1pBM2aTVXrskBWVHUU6hc1nD6ZKYgBS5Sb9JluFVT0MbQWR~DrtUGu8ugCsnfz"
          "Ue6ov38nFPBwQICY~jnoQZEXxO2ZkQrluOO4~jWOpqAGrCw5tkdHAnb9gHYQ_");
    CHECK(query_value(sha256.sign_url(video, p), "Signature") ==
          "RKoXpBb3IFyONXBnGGPj6021LmYyaphTYom0DsDID20xlCaK8gvNpcbYw493LloPhtDdGTdyadyuR59ok8eSPpJReRGbHbw8FDjGSXE9JWsVay"
          "zI7t7ZPGfPtKgK~ij0AekXDNQNFNUdwuSE0aR5nQmuPhw7CfDHCMpTWmoKPgE_");
    CHECK(query_value(sha256.sign_url(video, p), "Hash-Algorithm") == "SHA256");
  }
  SECTION("custom-policy-url-with-ip-range, both hashes") {
    const std::string pdf = "https://d111111abcdef8.cloudfront.net/document.pdf";
    cf::policy p{pdf, sep_expires, std::nullopt, std::string("192.168.0.0/24")};
    CHECK(query_value(sha1.sign_url(pdf, p), "Signature") ==
          "fq~vePR~kmc5kWDveZOJ3j6PSYRsHSSanN1shBBpj2rQwvVQPU8e9MRwUDizOYHLnuAXQG89Xm7kXL03HIX0uzELcY2Q6Bw68BcGQHq-nyC2U6"
          "h0Uv277pg~FIwatR84y1FZiswIVmZwfPmpkvR0X~1skuooCPGiztAXREe-hsg_");
    CHECK(query_value(sha256.sign_url(pdf, p), "Signature") ==
          "aKDzeIIfHviQRbCu9jxlFpOenTNQHMnt8HL2V2cqYP0vqc-KpRBuez2k4LZAzmfH0sIiQuDMZZc1D149XYRVAjEZoqr3vzGzWmrpzZJV-CSHs-"
          "Scau1cCNdVXqswj~QX8SzOZtGsRSKb4bomqOWxSIUu~Sybjf5b12GXBcYRCH4_");
  }
  SECTION("custom-policy-url-with-wildcard: sign once, append to another URL") {
    const cf::signed_policy once = sha1.sign_policy({"https://d111111abcdef8.cloudfront.net/images/*", sep_expires, {}, {}});
    const std::string url = once.append_to("https://d111111abcdef8.cloudfront.net/images/photo1.jpg");
    CHECK(query_value(url, "Signature") ==
          "nP~GtuBVUSEUDMXW1ZTGTx~BUQfjl7FsWBQBKwnTNhHlBAeYlzdbMGMphViPQbjawdYt1Z~iBHDr0ctooQyhEdsXwZPQKmRJQm3yIxmbvnuCzB"
          "2qdMDVGRKH8l3PnfAJErrgUVIzb6m3KUdtIDvSkLV~Mb0tyQJwZ6QE4BdlEmQ_");
    const cf::signed_policy once256 =
        sha256.sign_policy({"https://d111111abcdef8.cloudfront.net/images/*", sep_expires, {}, {}});
    CHECK(once256.signature() ==
          "FoaoRDqA7H91xD8CL2zk2Ztm6WVx3kIunCdqvzwMCUdsduwVWEH8elbBZc2qqWy3ZixDBBEHegeJnZbgp~nHTsYtr~jv6R-8~BnmmvH3KNyjH7w"
          "gyKKtzKpteNXYacWgHYabkoreyHC4ek~JMjGo1o0gTiIeL8YCV3ueKK3Lqtk_");
  }
  SECTION("canned-policy-cookies and custom-policy-cookies") {
    const auto canned = sha256.canned_cookies(image, sep_expires);
    REQUIRE(canned.size() == 4);
    CHECK(canned[0].name == "CloudFront-Expires");
    CHECK(canned[0].value == "1767290400");
    CHECK(canned[1].value ==
          "LiC~LakvNvZtR~AsTcirQ0CAsy-YIZmpHmI9uImK4xJmrhVdJULhWmRt3bXO7qqw2gJDECZN-xC~bKWEKcJ9Vgs1IgpRdMkY6XGDKZ1XHBdNbd"
          "~0v5UiRf4zXwVMRqoynkQPQcihkze7RkDBsOoYHh9jDdtO1iDm0QZ1Qp~cxro_");
    CHECK(canned[2].value == "K1TESTKEY");
    CHECK(canned[3].name == "CloudFront-Hash-Algorithm");
    CHECK(canned[3].value == "SHA256");
    const auto custom = sha1.policy_cookies({"https://d111111abcdef8.cloudfront.net/*", sep_expires, {}, std::string("10.0.0.0/8")});
    REQUIRE(custom.size() == 3);
    CHECK(custom[0].name == "CloudFront-Policy");
    CHECK(custom[0].value ==
          "eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9kMTExMTExYWJjZGVmOC5jbG91ZGZyb250Lm5ldC8qIiwiQ29uZGl0aW9uIjp7Ik"
          "RhdGVMZXNzVGhhbiI6eyJBV1M6RXBvY2hUaW1lIjoxNzY3MjkwNDAwfSwiSXBBZGRyZXNzIjp7IkFXUzpTb3VyY2VJcCI6IjEwLjAuMC4wLzgi"
          "fX19XX0_");
    CHECK(custom[1].value ==
          "r28Jnd0t9aq7cu0k9jGWl4L0YsRxgueZtGRw5oEEspU9-eIPGM~ZGMQh36~5HpKC5c67cZjDgJcsqrCacmTHMZZx613gbeYAsx2-hEatU8URiu"
          "NHnVp4hPV3HqtbuZ6Din9iEZUpOBYVg6DWGEFJRCQ7SPouBhhJdYDZZOPHGpA_");
  }
}

TEST_CASE("legacy boto's and the AWS CLI's own vectors reproduce exactly", "[cloudfront][vectors]") {
  SECTION("boto 2: the developer guide's canned policy, key pair PK123456789754") {
    const cf::signer signer("PK123456789754", legacy_key("boto-rsa1024-pkcs1.pem"));
    CHECK(signer.sign_url("http://d604721fxaaqy9.cloudfront.net/horizon.jpg?large=yes&license=yes",
                          from_unix_seconds(1258237200)) ==
          "http://d604721fxaaqy9.cloudfront.net/horizon.jpg?large=yes&license=yes&Expires=1258237200&Signature="
          "Nql641NHEUkUaXQHZINK1FZ~SYeUSoBJMxjdgqrzIdzV2gyEXPDNv0pYdWJkflDKJ3xIu7lbwRpSkG98NBlgPi4ZJpRRnVX4kXAJK6tdNx6Fuc"
          "DB7OVqzcxkxHsGFd8VCG1BkC-Afh9~lOCMIYHIaiOB6~5jt9w2EOwi6sIIqrg_&Key-Pair-Id=PK123456789754");
  }
  SECTION("aws-cli test_sign.py: RSA-2048, --date-less-than 2016-1-1, with and without --ip-address") {
    const cf::signer signer("my_id", cf::private_key::from_file(data("aws-cli-rsa2048-pkcs1.pem")));
    const auto when = cf::parse_when("2016-1-1");
    REQUIRE(when);
    CHECK(query_value(signer.sign_url("http://example.com/hi", *when), "Signature") ==
          "UiEmtMsInU-gXoa1O7-bTRJmZ~ocphB0ONMxyEHs2r8Y9dwzeB~DkbgzPMX3jbdbwIwVX3f4VcY4HBLdPSkbF~D6KbUlxPw1ju8mlXeu2C436"
          "XxZdrJrrJaiEDaTpKslXpn9ngaCzVfCVPfkC3a0NBWBySi5ezCG2yzb0c-djNgI1wkogwtmtZuOxAoKF1sRTyFX9ZitUiUIl~65nkJ94s~GGwx"
          "zTf1kMi7Wdm~9rFrJpx0O7nJEBy5O578s2UHrejtwyedUR5BqXTkgu~A51NcjAN9LErATV7SVBYicoZ76AOfB-TKay7g6-MWCK6-T-4Q5x6XH4"
          "yzII3JpbCmVwA__");
    CHECK(query_value(signer.sign_url("http://example.com/hi", cf::policy{"", *when, {}, std::string("12.34.56.78")}),
                      "Signature") ==
          "Vw-WG18WJJXim7YSGWS-zW~XmFB9MjCDOvgC~2Gz-1wiMQzCrXzYYbSE7-aF6JGOOb5ewArpMqmu2g5mohnqgieZX1NY6IOteDoXYgqaNj1Daf"
          "HWQD6UJ3IKVfkxISU9OmFPoG7H~VSPWEzOxdjOqdIPvAU2pW2mJ5oWu2aL62s0VVtLGCAm-DahiSQisl0JbzpPyG1pofvPbT75qc71r9uiqSAb"
          "PjUF5nmLCZazVnFjDkj3zIgMRYa5aV54VDa6-wEizzmjQ3-m6UMoYgcGHQXEjoFIWTfpZvbZBYkmK9lk3d16cgvaHafTJ-CPegn1bKxfgNEjSA"
          "oPWS0OvBkRmg__");
  }
}

TEST_CASE("ECDSA P-256 signatures verify with the public key for either hash and key format", "[cloudfront][ecdsa]") {
  const std::string video = "https://d111111abcdef8.cloudfront.net/video.mp4";
  const std::string policy = cf::canned_policy_json(video, sep_expires);
  for (const char* file : {"aws-cli-ecdsa-p256-pkcs8.pem", "aws-cli-ecdsa-p256-sec1.pem"}) {
    for (auto hash : {cf::hash_algorithm::sha256, cf::hash_algorithm::sha1}) {
      DYNAMIC_SECTION(file << " " << cf::to_string(hash)) {
        const auto key = cf::private_key::from_file(data(file));
        CHECK(key.type() == cf::key_type::ecdsa_p256);
        CHECK(key.bits() == 256);
        const cf::signer signer("K2ECDSATEST", key, hash);
        const std::string url = signer.sign_url(video, sep_expires);
        CHECK(query_value(url, "Expires") == "1767290400");
        CHECK(query_value(url, "Key-Pair-Id") == "K2ECDSATEST");
        CHECK(query_value(url, "Hash-Algorithm") == (hash == cf::hash_algorithm::sha256 ? "SHA256" : ""));
        const std::string sig = query_value(url, "Signature");
        CHECK(verifies("aws-cli-ecdsa-p256-public.pem", policy, sig, hash));
        CHECK(static_cast<unsigned char>((*cf::base64_decode(sig))[0]) == 0x30);  // DER SEQUENCE, not raw r||s
        CHECK_FALSE(verifies("aws-cli-ecdsa-p256-public.pem", policy + " ", sig, hash));
      }
    }
  }
  SECTION("ecdsa-custom-policy-cookies: the policy decodes and the signature verifies") {
    const cf::signer signer("K2ECDSATEST", cf::private_key::from_file(data("aws-cli-ecdsa-p256-pkcs8.pem")),
                            cf::hash_algorithm::sha256);
    const auto cookies = signer.policy_cookies({"https://d111111abcdef8.cloudfront.net/*", sep_expires, {}, std::string("10.0.0.0/8")});
    REQUIRE(cookies.size() == 4);
    const std::string json = *cf::base64_decode(cookies[0].value);
    CHECK(json ==
          R"({"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"IpAddress":{"AWS:SourceIp":"10.0.0.0/8"}}}]})");
    CHECK(verifies("aws-cli-ecdsa-p256-public.pem", json, cookies[1].value, cf::hash_algorithm::sha256));
    CHECK(cookies[3].name == "CloudFront-Hash-Algorithm");
  }
  SECTION("an RSA SHA-256 custom policy verifies with the public key too") {
    const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_file(data("test-only-rsa2048-pkcs8.pem")),
                            cf::hash_algorithm::sha256);
    const auto once = signer.sign_policy({"https://d1.cloudfront.net/charts/*", sep_expires, sep_active, {}});
    CHECK(verifies("test-only-rsa2048-public.pem", once.policy_json(), once.signature(), cf::hash_algorithm::sha256));
  }
}

TEST_CASE("one wildcard policy is signed once and appended to many URLs", "[cloudfront][wildcard]") {
  const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_file(data("test-only-rsa2048-pkcs1.pem")));
  const auto once = signer.sign_policy({"https://d1.cloudfront.net/charts/*", sep_expires, {}, {}});
  const std::string tail = "Policy=" + once.encoded_policy() + "&Signature=" + once.signature() + "&Key-Pair-Id=K2JCJMDEHXQW5F";
  CHECK(once.query() == tail);
  CHECK(once.append_to("https://d1.cloudfront.net/charts/a.png") == "https://d1.cloudfront.net/charts/a.png?" + tail);
  CHECK(once.append_to("https://d1.cloudfront.net/charts/2025/b%20c.png?w=200") ==
        "https://d1.cloudfront.net/charts/2025/b%20c.png?w=200&" + tail);
  SECTION("a URL the resource does not cover is refused (CloudFront would answer 403)") {
    CHECK_THROWS_WITH(once.append_to("https://d1.cloudfront.net/private/a.png"), Catch::Contains("not covered by the policy resource"));
  }
  SECTION("'?' matches exactly one character, '*' any run") {
    CHECK(cf::wildcard_match("https://d/v?.png", "https://d/v1.png"));
    CHECK_FALSE(cf::wildcard_match("https://d/v?.png", "https://d/v12.png"));
    CHECK(cf::wildcard_match("https://d/*/x*", "https://d/a/b/x.png"));
    CHECK(cf::wildcard_match("*", ""));
    CHECK_FALSE(cf::wildcard_match("https://d/a", "https://d/ab"));
  }
}

TEST_CASE("one signer signs from many threads at once", "[cloudfront][threads]") {
  const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_file(data("test-only-rsa2048-pkcs1.pem")));
  const std::string expected = signer.sign_url("https://d1.cloudfront.net/a.png", sep_expires);
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) good[t] += signer.sign_url("https://d1.cloudfront.net/a.png", sep_expires) == expected;
    });
  for (auto& th : threads) th.join();
  CHECK(good == std::vector<int>{20, 20, 20, 20});
}

TEST_CASE("signed cookies become Set-Cookie values with the caller's attributes", "[cloudfront][cookies]") {
  const cf::cookie c{"CloudFront-Key-Pair-Id", "K2JCJMDEHXQW5F"};
  CHECK(cf::set_cookie_value(c, {}) == "CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; Path=/; Secure; HttpOnly");
  cf::cookie_attributes a;
  a.domain = "d1.cloudfront.net";
  a.path = "/charts/";
  a.site = cf::same_site::lax;
  a.max_age = 3600;
  CHECK(cf::set_cookie_value(c, a) ==
        "CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; Domain=d1.cloudfront.net; Path=/charts/; Max-Age=3600; Secure; HttpOnly; "
        "SameSite=Lax");
  a.secure = false;
  a.http_only = false;
  a.site = cf::same_site::strict;
  a.max_age.reset();
  a.path.clear();
  CHECK(cf::set_cookie_value(c, a) == "CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; Domain=d1.cloudfront.net; SameSite=Strict");
  a.site = cf::same_site::none;
  CHECK_THROWS_WITH(cf::set_cookie_value(c, a), Catch::Contains("SameSite=None needs Secure"));
  a.site = cf::same_site::lax;
  a.domain = "x; Secure";
  CHECK_THROWS_AS(cf::set_cookie_value(c, a), urlmint::error);
  CHECK(cf::parse_same_site("lax") == cf::same_site::lax);
  CHECK_THROWS_AS(cf::parse_same_site("sometimes"), urlmint::error);
}

TEST_CASE("times parse the way aws cloudfront sign reads them", "[cloudfront][time]") {
  const auto at = [](const char* text) { return urlmint::to_unix_seconds(*cf::parse_when(text)); };
  CHECK(at("1767290400") == 1767290400);
  CHECK(at("2016-1-1") == 1451606400);
  CHECK(at("2026-01-01") == 1767225600);
  CHECK(at("2026-01-01T18:00:00") == 1767290400);
  CHECK(at("2026-01-01 18:00") == 1767290400);
  CHECK(at("2026-01-01T18:00:00Z") == 1767290400);
  CHECK(at("2026-01-01T20:00:00+02:00") == 1767290400);
  CHECK(at("2026-01-01T12:30:00-0530") == 1767290400);
  for (const char* bad : {"", "tomorrow", "2026-13-01", "2026-02-30", "2026-01-01T25:00:00", "2026-01-01T10:00:00+2",
                          "2026/01/01", "1e9", "-5", "2026-01-01T10:00:00 UTC", "99999999999999",
                          // Regression (fuzz_cloudfront_policy): past 2262 the nanosecond clock overflowed.
                          "77777777777", "9999-12-31", "2262-04-12", "2262-04-11T23:47:17Z"}) {
    INFO(bad);
    CHECK_FALSE(cf::parse_when(bad));
  }
}

TEST_CASE("bad keys are refused with a clear message that never echoes the key", "[cloudfront][bad-input]") {
  const auto message_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const urlmint::error& e) {
      return e.what();
    }
    return "no error";
  };
  SECTION("a missing key file") {
    CHECK_THROWS_WITH(cf::private_key::from_file(data("no-such-key.pem")),
                      Catch::Contains("cannot open private key file") && Catch::Contains("No such file or directory"));
    try {
      cf::private_key::from_file(data("no-such-key.pem"));
    } catch (const urlmint::error& e) {
      CHECK(e.code() == urlmint::errc::io);
    }
  }
  SECTION("an unreadable key file (a directory)") {
    CHECK_THROWS_AS(cf::private_key::from_file(data("")), urlmint::error);
  }
  SECTION("garbage and corrupt PEM") {
    CHECK_THROWS_WITH(cf::private_key::from_file(data("garbage.pem")), Catch::Contains("is not PEM"));
    CHECK_THROWS_WITH(cf::private_key::from_file(data("corrupt-pkcs8.pem")), Catch::Contains("could not be parsed"));
    CHECK_THROWS_WITH(cf::private_key::from_pem(""), Catch::Contains("is not PEM"));
  }
  SECTION("a public key instead of the private key") {
    CHECK_THROWS_WITH(cf::private_key::from_file(data("test-only-rsa2048-public.pem")), Catch::Contains("not a private key"));
  }
  SECTION("passphrases: missing, wrong, right") {
    for (const char* file : {"test-only-rsa2048-pkcs8-encrypted.pem", "test-only-rsa2048-pkcs1-encrypted.pem"}) {
      INFO(file);
      CHECK_THROWS_WITH(cf::private_key::from_file(data(file)), Catch::Contains("is encrypted; supply its passphrase"));
      CHECK_THROWS_WITH(cf::private_key::from_file(data(file), "wrong horse"), Catch::Contains("passphrase is wrong"));
      const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_file(data(file), "correct horse battery staple"));
      CHECK(query_value(signer.sign_url("https://d111111abcdef8.cloudfront.net/charts/chart.png", from_unix_seconds(1767225600)),
                        "Signature")
                .rfind("Zb11iBiFxXU1HkMNDbkkgbo7jTXr", 0) == 0);
    }
  }
  SECTION("keys of the wrong type or size") {
    CHECK_THROWS_WITH(cf::private_key::from_file(data("aws-cli-dsa.pem")), Catch::Contains("RSA (2048-bit) or ECDSA (P-256) keys only"));
    CHECK_THROWS_WITH(cf::private_key::from_file(data("test-only-ed25519.pem")), Catch::Contains("RSA (2048-bit) or ECDSA (P-256) keys only"));
    CHECK_THROWS_WITH(cf::private_key::from_file(data("test-only-ec-p384.pem")), Catch::Contains("P-256 only"));
    CHECK_THROWS_WITH(cf::private_key::from_file(data("aws-cli-rsa1024-pkcs8.pem")), Catch::Contains("is RSA-1024"));
    CHECK_THROWS_WITH(cf::private_key::from_file(data("test-only-rsa3072.pem")), Catch::Contains("is RSA-3072"));
  }
  SECTION("no message contains key material") {
    const auto pem = *test_support::read_file(data("test-only-rsa2048-pkcs8-encrypted.pem"));
    const std::string m = message_of([&] { cf::private_key::from_pem(pem, "wrong horse"); });
    CHECK(m.find("MII") == std::string::npos);
    CHECK(m.find("wrong horse") == std::string::npos);
    const auto corrupt = *test_support::read_file(data("corrupt-pkcs8.pem"));
    CHECK(message_of([&] { cf::private_key::from_pem(corrupt); }).find("AAAAbm90") == std::string::npos);
  }
}

TEST_CASE("bad URLs, times, IPs and IDs are refused before anything is signed", "[cloudfront][bad-input]") {
  const cf::signer signer("K2JCJMDEHXQW5F", cf::private_key::from_file(data("test-only-rsa2048-pkcs1.pem")));
  SECTION("a URL without scheme") {
    CHECK_THROWS_WITH(signer.sign_url("d1.cloudfront.net/a.png", sep_expires), Catch::Contains("has no scheme"));
    CHECK_THROWS_WITH(signer.sign_url("ftp://d1.cloudfront.net/a.png", sep_expires), Catch::Contains("https:// or http://"));
  }
  SECTION("each reserved query name already in the URL, in any case") {
    for (const char* name : {"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm", "expires", "KEY-PAIR-ID"}) {
      INFO(name);
      CHECK_THROWS_WITH(signer.sign_url(std::string("https://d1.cloudfront.net/a.png?x=1&") + name + "=1", sep_expires),
                        Catch::Contains("which CloudFront reserves for the signature"));
    }
    CHECK_NOTHROW(signer.sign_url("https://d1.cloudfront.net/a.png?Expiresx=1", sep_expires));
  }
  SECTION("unencoded spaces, quotes (policy injection) and non-ASCII") {
    CHECK_THROWS_WITH(signer.sign_url("https://d1.cloudfront.net/a b.png", sep_expires), Catch::Contains("percent-encode"));
    CHECK_THROWS_AS(signer.sign_url(R"(https://example.com/file","Resource":"*","x":")", sep_expires), urlmint::error);
    CHECK_THROWS_AS(signer.sign_url("https://d1.cloudfront.net/café.png", sep_expires), urlmint::error);
    CHECK_THROWS_WITH(signer.sign_policy({R"(https://d1/*","x":")", sep_expires, {}, {}}), Catch::Contains("policy resource"));
  }
  SECTION("IPv6 and malformed CIDR") {
    CHECK_THROWS_WITH(cf::normalize_source_ip("2001:db8::/32"), Catch::Contains("is IPv6"));
    for (const char* bad : {"10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "a.b.c.d", "10.0.0.0/8\",\"x", "010.0.0.1",
                            "10.0.0.1/08", ""}) {
      INFO(bad);
      CHECK_THROWS_AS(cf::normalize_source_ip(bad), urlmint::error);
    }
    CHECK(cf::normalize_source_ip("0.0.0.0/0") == "0.0.0.0/0");
    CHECK_THROWS_AS(signer.sign_url("https://d1.cloudfront.net/a", cf::policy{"", sep_expires, {}, std::string("::1")}),
                    urlmint::error);
  }
  SECTION("an active date not before the expiration") {
    CHECK_THROWS_WITH(signer.sign_url("https://d1.cloudfront.net/a", cf::policy{"", sep_active, sep_expires, {}}),
                      Catch::Contains("active date") && Catch::Contains("must be before the expiration"));
  }
  SECTION("an expiry before 1970") {
    CHECK_THROWS_AS(signer.sign_url("https://d1.cloudfront.net/a", from_unix_seconds(0)), urlmint::error);
  }
  SECTION("key pair IDs") {
    CHECK_NOTHROW(cf::signer("APKAEIBAERJR2EXAMPLE", signer.key()));
    CHECK_THROWS_WITH(cf::signer("", signer.key()), Catch::Contains("K...") && Catch::Contains("APKA..."));
    CHECK_THROWS_AS(cf::signer("K2&Signature=x", signer.key()), urlmint::error);
  }
  SECTION("hash names") {
    CHECK(cf::parse_hash_algorithm("sha256") == cf::hash_algorithm::sha256);
    CHECK(cf::parse_hash_algorithm("SHA1") == cf::hash_algorithm::sha1);
    CHECK_THROWS_WITH(cf::parse_hash_algorithm("MD5"), Catch::Contains("use SHA1 or SHA256"));
  }
}

TEST_CASE("a crypto policy that refuses SHA-1 fails loudly and names SHA-256 as the fix", "[cloudfront][sha1]") {
  // A property query no provider satisfies stands in for RHEL 9's policy or a FIPS provider:
  // OpenSSL then has no SHA-1 for signatures, exactly the failure users see there.
  cf::key_options o;
  o.properties = "provider=urlmint-no-such-provider";
  const auto key = cf::private_key::from_file(data("test-only-rsa2048-pkcs1.pem"), {}, o);
  CHECK_THROWS_WITH(cf::signer("K2JCJMDEHXQW5F", key), Catch::Contains("SHA-256") && Catch::Contains("--hash-algorithm SHA256"));
  CHECK_THROWS_WITH(cf::sign_message(key, "policy", cf::hash_algorithm::sha1), Catch::Contains("forbids SHA-1 signatures"));
  try {
    cf::sign_message(key, "policy", cf::hash_algorithm::sha1);
  } catch (const urlmint::error& e) {
    CHECK(e.code() == urlmint::errc::crypto);
  }
}

TEST_CASE("the invalidation request is built and signed without sending anything", "[cloudfront][invalidation]") {
  const urlmint::credentials creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const auto now = *urlmint::parse_amz_date("20251226T120000Z");
  const auto r = cf::create_invalidation(creds, "EDFDVBD6EXAMPLE", {"/charts/*", "/a&b <c>.png"}, "ref-1", now);
  CHECK(r.body ==
        R"(<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">)"
        R"(<Paths><Quantity>2</Quantity><Items><Path>/charts/*</Path><Path>/a&amp;b &lt;c&gt;.png</Path></Items></Paths>)"
        R"(<CallerReference>ref-1</CallerReference></InvalidationBatch>)");
  CHECK(r.request.method == "POST");
  CHECK(r.request.url == "https://cloudfront.amazonaws.com/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation");
  const auto& auth = r.request.headers.back();
  CHECK(auth.name == "Authorization");
  CHECK_THAT(auth.value, Catch::StartsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251226/us-east-1/cloudfront/"
                                           "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="));
  CHECK(auth.value.find("wJalrXUtnFEMI") == std::string::npos);
  SECTION("the signature is the SigV4 of the same request computed step by step") {
    urlmint::sigv4::request req;
    req.method = "POST";
    req.host = "cloudfront.amazonaws.com";
    req.path = "/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation";
    req.headers = {{"Content-Type", "application/xml"}};
    req.payload_hash = urlmint::sha256_hex(r.body);
    urlmint::sigv4::params p;
    p.region = "us-east-1";
    p.service = "cloudfront";
    p.time = now;
    p.path = urlmint::sigv4::path_encoding::normalize_and_double_encode;
    CHECK_THAT(auth.value, Catch::EndsWith(urlmint::sigv4::compute(req, creds, p).signature));
  }
  SECTION("a local endpoint keeps its port and scheme") {
    const auto local = cf::create_invalidation(creds, "E1", {"/x"}, "r", now, "http://127.0.0.1:8081");
    CHECK(local.request.url == "http://127.0.0.1:8081/2020-05-31/distribution/E1/invalidation");
  }
  SECTION("caller references differ on every call") {
    const auto a = cf::make_caller_reference(now);
    CHECK_THAT(a, Catch::StartsWith("urlmint-1766750400-"));
    CHECK(a.size() == 19 + 16);
    CHECK(a != cf::make_caller_reference(now));
  }
  SECTION("bad distribution IDs and paths") {
    CHECK_THROWS_WITH(cf::create_invalidation(creds, "d111111abcdef8", {"/x"}, "r", now), Catch::Contains("starts with E"));
    CHECK_THROWS_WITH(cf::create_invalidation(creds, "E1", {"charts/*"}, "r", now), Catch::Contains("must start with '/'"));
    CHECK_THROWS_WITH(cf::create_invalidation(creds, "E1", {}, "r", now), Catch::Contains("no paths"));
    CHECK_THROWS_AS(cf::create_invalidation(creds, "E1", std::vector<std::string>(3001, "/x"), "r", now), urlmint::error);
  }
  SECTION("answers: 201 gives the invalidation, errors carry CloudFront's code") {
    const auto inv = cf::parse_invalidation_response(
        201, "<Invalidation><Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status><CreateTime>2025-12-26T12:00:00Z</CreateTime>"
             "</Invalidation>");
    CHECK(inv.id == "I2J0I21PCUYOIK");
    CHECK(inv.status == "InProgress");
    CHECK(inv.create_time == "2025-12-26T12:00:00Z");
    CHECK_THROWS_WITH(cf::parse_invalidation_response(
                          404, "<ErrorResponse><Error><Code>NoSuchDistribution</Code><Message>The specified distribution does "
                               "not exist.</Message></Error></ErrorResponse>"),
                      "cloudfront: CreateInvalidation failed with HTTP 404 NoSuchDistribution: The specified distribution "
                      "does not exist.");
  }
}

TEST_CASE("the OAC bucket policy is the seed's JSON with the three names filled in", "[cloudfront][oac]") {
  const std::string policy = cf::oac_bucket_policy("chart-bucket", "123456789012", "EDFDVBD6EXAMPLE");
  CHECK(policy ==
        "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n"
        "            \"Sid\": \"AllowCloudFrontServicePrincipal\",\n            \"Effect\": \"Allow\",\n"
        "            \"Principal\": {\n                \"Service\": \"cloudfront.amazonaws.com\"\n            },\n"
        "            \"Action\": \"s3:GetObject\",\n            \"Resource\": \"arn:aws:s3:::chart-bucket/*\",\n"
        "            \"Condition\": {\n                \"StringEquals\": {\n"
        "                    \"AWS:SourceArn\": \"arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE\"\n"
        "                }\n            }\n        }\n    ]\n}\n");
  CHECK_THROWS_WITH(cf::oac_bucket_policy("chart-bucket", "12345", "EDFDVBD6EXAMPLE"), Catch::Contains("must be 12 digits"));
  CHECK_THROWS_WITH(cf::oac_bucket_policy("chart-bucket", "123456789012", "d123"), Catch::Contains("starts with E"));
  CHECK_THROWS_AS(cf::oac_bucket_policy("Chart_Bucket", "123456789012", "EDFDVBD6EXAMPLE"), urlmint::error);
}

TEST_CASE("a PEM header without its closing dashes is not quoted with the key body", "[cloudfront][bad-input]") {
  // Regression (fuzz_pem): the label ran on into the base64 body, which the message quoted.
  const std::string pem =
      "-----BEGIN RSA PRIVATE KEY---\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
      "-----END RSA PRIVATE KEY-----\n";
  try {
    cf::private_key::from_pem(pem);
    FAIL("a malformed PEM loaded");
  } catch (const urlmint::error& e) {
    CHECK(std::string(e.what()).find("MIIEowIBAAKCAQEA") == std::string::npos);
    CHECK(std::string(e.what()).find("is not PEM") != std::string::npos);
  }
}
