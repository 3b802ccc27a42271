#include <catch2/catch.hpp>

#include <urlmint/s3.hpp>

#include "test_support.hpp"

namespace s3 = urlmint::s3;
namespace sigv4a = urlmint::sigv4a;

namespace {

const urlmint::credentials creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
const urlmint::time_point t0 = *urlmint::parse_amz_date("20260301T123456Z");
const std::string arn = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";

std::string query_value(const std::string& url, const std::string& name) {
  const auto at = url.find("&" + name + "=") != std::string::npos ? url.find("&" + name + "=") : url.find("?" + name + "=");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 2;
  return url.substr(start, url.find('&', start) - start);
}

}  // namespace

TEST_CASE("MRAP ARNs: s3:// URIs, the global host, and botocore's refusals", "[mrap]") {
  const auto uri = s3::parse_s3_uri("s3://" + arn + "/charts/a b.png");
  CHECK(uri.bucket == arn);
  CHECK(uri.key == "charts/a b.png");
  CHECK(s3::mrap::is_mrap_arn(arn));
  CHECK_FALSE(s3::mrap::is_mrap_arn("arn:aws:s3:us-west-2:123456789012:accesspoint/regional"));
  CHECK_FALSE(s3::mrap::is_mrap_arn("charts"));

  s3::config cfg;
  CHECK(s3::object_url(cfg, arn, "charts/a b.png") ==
        "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/charts/a%20b.png");
  // Any region of the partition and any addressing style: the same global host.
  cfg.region = "eu-west-1";
  cfg.style = s3::addressing_style::path;
  CHECK(s3::object_url(cfg, arn, "k") == "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/k");
  cfg.region = "cn-north-1";
  CHECK_THROWS_WITH(s3::object_url(cfg, arn, "k"), Catch::Contains("partition aws-cn"));
  cfg.region = "us-east-1";
  cfg.endpoint_url = "http://127.0.0.1:9000";
  CHECK_THROWS_WITH(s3::object_url(cfg, arn, "k"), Catch::Contains("drop --endpoint-url"));

  const s3::mrap::arn parsed = s3::mrap::parse_arn(arn);
  s3::mrap::settings dual;
  dual.dualstack = true;
  CHECK_THROWS_WITH(s3::mrap::check(parsed, dual), Catch::Contains("S3 MRAP does not support dual-stack"));
  s3::mrap::settings fips;
  fips.fips = true;
  CHECK_THROWS_WITH(s3::mrap::check(parsed, fips), Catch::Contains("S3 MRAP does not support FIPS"));
  s3::mrap::settings accel;
  accel.accelerate = true;
  CHECK_THROWS_WITH(s3::mrap::check(parsed, accel), Catch::Contains("S3 MRAP does not support S3 Accelerate"));
  s3::mrap::settings off;
  off.disabled = true;
  CHECK_THROWS_WITH(s3::mrap::check(parsed, off), Catch::Contains("disabled"));

  for (const std::string bad : {"arn:aws:s3::12345:accesspoint/x.mrap", "arn:aws:s3::123456789012:bucket/x",
                                "arn:aws:s3::123456789012:accesspoint/", "arn:aws:s3::123456789012:accesspoint/a_b",
                                "arn:nope:s3::123456789012:accesspoint/x.mrap"})
    CHECK_THROWS_AS(s3::mrap::parse_arn(bad), urlmint::error);
}

TEST_CASE("a presigned MRAP URL: the global host, AWS4-ECDSA-P256-SHA256, region set *, and it verifies",
          "[mrap][bar]") {
  s3::config cfg;
  cfg.region = "us-west-2";
  s3::presign_options o;
  o.expires_in = std::chrono::seconds(300);
  const std::string url = s3::presign(creds, cfg, arn, "charts/a b.png", o, t0);
  CHECK(url.rfind("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/charts/a%20b.png?", 0) == 0);
  CHECK(query_value(url, "X-Amz-Algorithm") == "AWS4-ECDSA-P256-SHA256");
  CHECK(query_value(url, "X-Amz-Region-Set") == "%2A");
  CHECK(query_value(url, "X-Amz-Credential") == "AKIDEXAMPLE%2F20260301%2Fs3%2Faws4_request");
  // The string to sign is deterministic (only the ECDSA signature is not): verify against it
  // with the key pair derived from the secret.
  const auto steps = s3::presign_steps(creds, cfg, arn, "charts/a b.png", o, t0);
  CHECK(steps.canonical_request ==
        "GET\n/charts/a%20b.png\nX-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260301%2Fs3%2F"
        "aws4_request&X-Amz-Date=20260301T123456Z&X-Amz-Expires=300&X-Amz-Region-Set=%2A&X-Amz-SignedHeaders=host\n"
        "host:mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  const sigv4a::key_pair key(creds);
  CHECK(key.verify(steps.string_to_sign, query_value(url, "X-Amz-Signature")));
  // The signer takes the same path (never the SigV4 fast path).
  const s3::signer signer(creds, cfg);
  const std::string from_signer = signer.presign(arn, "charts/a b.png", o, t0);
  CHECK(key.verify(steps.string_to_sign, query_value(from_signer, "X-Amz-Signature")));
  CHECK(from_signer.substr(0, from_signer.find("&X-Amz-Signature=")) == url.substr(0, url.find("&X-Amz-Signature=")));
}

TEST_CASE("a header-signed MRAP request carries x-amz-region-set: * and an ECDSA signature that verifies", "[mrap]") {
  s3::config cfg;
  const auto req = s3::sign_request(creds, cfg, s3::request_options{"PUT", arn, "charts/a.png", {}, {{"Content-Type", "image/png"}},
                                                                    urlmint::sha256_hex("hello")},
                                    t0);
  CHECK(req.url == "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/charts/a.png");
  std::string auth;
  std::string region_set;
  for (const auto& h : req.headers) {
    if (h.name == "Authorization") auth = h.value;
    if (h.name == "x-amz-region-set") region_set = h.value;
  }
  CHECK(region_set == "*");
  const std::string head = "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20260301/s3/aws4_request, "
                           "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature=";
  REQUIRE(auth.rfind(head, 0) == 0);
  const std::string canonical =
      "PUT\n/charts/a.png\n\ncontent-type:image/png\nhost:mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com\n"
      "x-amz-content-sha256:" + urlmint::sha256_hex("hello") + "\nx-amz-date:20260301T123456Z\nx-amz-region-set:*\n\n"
      "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-region-set\n" + urlmint::sha256_hex("hello");
  const std::string sts = sigv4a::string_to_sign("20260301T123456Z", "20260301/s3/aws4_request", canonical);
  CHECK(sigv4a::key_pair(creds).verify(sts, auth.substr(head.size())));
}
